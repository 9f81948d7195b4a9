// Shared by the text OT tests and the vector generator: a seeded PRNG, random documents and ops,
// and a reference model of transform and compose that works one character at a time. The
// reference is deliberately a different algorithm from web-client/text_ot.js (per-gap arrays
// instead of walking components), so that agreement between the two means something.

import { check, codePointLength, normalize } from '../../web-client/text_ot.js';

// What the tests ask of an op beyond what the client needs: whether check() takes it (the client
// has no use for a yes or no of its own), whether it is in normal form. A valid op has only
// numbers, strings and {"d": N}, so JSON compares them exactly.
export function isValid(op) {
  try {
    check(op);
    return true;
  } catch {
    return false;
  }
}

export const isNormalized = (op) => isValid(op) && JSON.stringify(normalize(op)) === JSON.stringify(op);

const sizeOf = (c) => (typeof c === 'number' ? c : typeof c === 'string' ? codePointLength(c) : c.d);
// Code points the op reads from the document: retains plus deletes.
export const baseLength = (op) => check(op).reduce((n, c) => (typeof c === 'string' ? n : n + sizeOf(c)), 0);
// Length of the result on a document of exactly baseLength(op).
export const targetLength = (op) => check(op).reduce((n, c) => (typeof c === 'object' ? n : n + sizeOf(c)), 0);

// mulberry32: tiny, fast and good enough to pick test cases; a seed reproduces a run exactly.
export function prng(seed) {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (lo, hi) => lo + Math.floor(next() * (hi - lo + 1)), // inclusive
    pick: (list) => list[Math.floor(next() * list.length)],
    chance: (p) => next() < p,
  };
}

// Code points that stress counting: astral (emoji, skin tone modifier), precomposed and
// combining accents, CJK, and plain ASCII so that ties between equal letters are common.
export const ALPHABET = ['a', 'b', 'c', 'é', 'e', '\u0301', '👋', '🏽', '学', '校', '😀', ' '];

export function randomText(rng, min, max) {
  const n = rng.int(min, max);
  let s = '';
  for (let i = 0; i < n; i += 1) s += rng.pick(ALPHABET);
  return s;
}

// A random op on a document of `len` code points, often not normalized (adjacent components of
// one kind, delete before insert, a trailing retain), so that every function meets raw input.
export function randomOp(rng, len) {
  const op = [];
  let at = 0;
  const steps = rng.int(0, 5);
  for (let i = 0; i < steps; i += 1) {
    const roll = rng.next();
    if (roll < 0.35 && at < len) {
      const n = rng.int(1, len - at);
      op.push(n);
      at += n;
    } else if (roll < 0.7) {
      op.push(randomText(rng, 1, 3));
    } else if (at < len) {
      const n = rng.int(1, Math.min(len - at, 4));
      op.push({ d: n });
      at += n;
    }
  }
  return op;
}

function cpLen(s) {
  return Array.from(s).length;
}

// An op as what happens at each gap and each character of a document of `len` code points:
// ins[g] is the text inserted before character g (ins[len] at the end), del[g] whether
// character g is deleted.
export function expand(op, len) {
  const ins = Array(len + 1).fill('');
  const del = Array(len).fill(false);
  let at = 0;
  for (const c of normalize(op)) {
    if (typeof c === 'string') ins[at] += c;
    else if (typeof c === 'number') at += c;
    else for (let k = 0; k < c.d; k += 1) del[at++] = true;
  }
  return { ins, del };
}

// transform(op, other, side) by the rule stated in text_ot.js, character by character.
export function referenceTransform(op, other, side, len) {
  const a = expand(op, len);
  const b = expand(other, len);
  const raw = [];
  const put = (c) => (c === '' || c === 0 ? undefined : raw.push(c));
  for (let g = 0; g <= len; g += 1) {
    if (side === 'left') {
      put(a.ins[g]);
      put(cpLen(b.ins[g]));
    } else {
      put(cpLen(b.ins[g]));
      put(a.ins[g]);
    }
    if (g === len || b.del[g]) continue;
    put(a.del[g] ? { d: 1 } : 1);
  }
  return normalize(raw);
}

// compose(a, b): lays out a's result with a's deletions kept as hidden placeholders, lets `b`
// act on the visible part, then reads the combined op off the list.
export function referenceCompose(first, second, len) {
  const a = expand(first, len);
  const items = [];
  for (let g = 0; g <= len; g += 1) {
    for (const ch of Array.from(a.ins[g])) items.push({ ins: ch });
    if (g < len) items.push(a.del[g] ? { hidden: true } : { base: g });
  }
  const visible = items.filter((it) => !it.hidden).length;
  const b = expand(second, visible);
  const raw = [];
  const put = (c) => (c === '' ? undefined : raw.push(c));
  let j = 0;
  for (const it of items) {
    if (it.hidden) {
      raw.push({ d: 1 });
      continue;
    }
    put(b.ins[j]);
    if (it.ins !== undefined) {
      if (!b.del[j]) raw.push(it.ins);
    } else {
      raw.push(b.del[j] ? { d: 1 } : 1);
    }
    j += 1;
  }
  put(b.ins[visible]);
  return normalize(raw);
}

// Runs fn(rng, i) `count` times from one seed; on failure the message names the seed and the
// iteration so the case can be replayed alone.
export function forEachCase(seed, count, fn) {
  for (let i = 0; i < count; i += 1) {
    // Each case has its own stream, so a failing case replays without the ones before it.
    const rng = prng((seed + Math.imul(i, 0x9e3779b1)) >>> 0);
    try {
      fn(rng, i);
    } catch (err) {
      err.message = `[seed ${seed}, case ${i}] ${err.message}`;
      throw err;
    }
  }
}

// The seed of a property test: ROUNDTABLE_OT_SEED replays a failure, otherwise a fixed default
// keeps runs reproducible.
export function seedFromEnv(fallback) {
  const fromEnv = process.env.ROUNDTABLE_OT_SEED;
  return fromEnv === undefined ? fallback : Number(fromEnv) >>> 0;
}
