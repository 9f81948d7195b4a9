// Writes protocol/vectors/ot/{transform,compose,invalid}.json: hand-picked edge cases whose
// expected results are written out below (the generator refuses to write if
// web-client/text_ot.js disagrees with any of them), plus generated cases from a fixed seed.
// Run `node tests/js/generate_ot_vectors.mjs` after changing a case; tests/js/vectors.test.mjs
// fails if the committed files differ from what this produces.

import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import assert from 'node:assert/strict';

import { apply, compose, normalize, transform } from '../../web-client/text_ot.js';
import { isNormalized, isValid, prng, randomOp, randomText } from './ot_support.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
export const OT_VECTOR_DIR = path.resolve(here, '..', '..', 'protocol', 'vectors', 'ot');

const GENERATED_SEED = 20260101;
const GENERATED_COUNT = 200;

const WAVE = '👋🏽'; // U+1F44B U+1F3FD: 2 code points, 4 UTF-16 units, 8 UTF-8 bytes
const ACUTE = '\u0301'; // combining acute accent
const E_PRECOMPOSED = '\u00e9';

// [note, doc, a, b, a_after_b, b_after_a, result]
const TRANSFORM_CASES = [
  ['both identity', 'abc', [], [], [], [], 'abc'],
  ['identity against an insert', '', ['hi'], [], ['hi'], [], 'hi'],
  ['same place, middle: a (left) first', 'ab', [1, 'X'], [1, 'Y'], [1, 'X'], [2, 'Y'], 'aXYb'],
  ['same place, middle, roles swapped: a still first', 'ab', [1, 'Y'], [1, 'X'], [1, 'Y'], [2, 'X'], 'aYXb'],
  ['same place, start', 'ab', ['X'], ['Y'], ['X'], [1, 'Y'], 'XYab'],
  ['same place, end', 'ab', [2, 'X'], [2, 'Y'], [2, 'X'], [3, 'Y'], 'abXY'],
  ['same place, empty document', '', ['X'], ['Y'], ['X'], [1, 'Y'], 'XY'],
  ['inserts apart', 'abcd', [1, 'X'], [3, 'Y'], [1, 'X'], [4, 'Y'], 'aXbcYd'],
  ['inserts apart, a later', 'abcd', [3, 'Y'], [1, 'X'], [4, 'Y'], [1, 'X'], 'aXbcYd'],
  ['several inserts each, two ties', 'abc', ['1', 1, '2', 2, '3'], ['x', 3, 'y'],
    ['1', 2, '2', 2, '3'], [1, 'x', 5, 'y'], '1xa2bc3y'],
  ['insert after a delete', 'abcdef', [4, 'X'], [1, { d: 2 }], [2, 'X'], [1, { d: 2 }], 'adXef'],
  ['insert before a delete', 'abcdef', [1, 'X'], [3, { d: 2 }], [1, 'X'], [4, { d: 2 }], 'aXbcf'],
  ['insert inside a deleted range survives where the range was', 'abcdef', [3, 'X'],
    [1, { d: 4 }], [1, 'X'], [1, { d: 2 }, 1, { d: 2 }], 'aXf'],
  ['insert at the start of a deleted range', 'abcdef', [1, 'X'], [1, { d: 4 }], [1, 'X'],
    [2, { d: 4 }], 'aXf'],
  ['insert at the end of a deleted range', 'abcdef', [5, 'X'], [1, { d: 4 }], [1, 'X'],
    [1, { d: 4 }], 'aXf'],
  ['deleted range around the other\'s insert', 'abcdef', [1, { d: 4 }], [3, 'X'],
    [1, { d: 2 }, 1, { d: 2 }], [1, 'X'], 'aXf'],
  ['insert and delete at the start', 'abc', ['X'], [{ d: 1 }], ['X'], [1, { d: 1 }], 'Xbc'],
  ['delete and insert at the start', 'abc', [{ d: 1 }], ['X'], [1, { d: 1 }], ['X'], 'Xbc'],
  ['same delete: deleted once', 'abcdef', [1, { d: 2 }], [1, { d: 2 }], [], [], 'adef'],
  ['overlapping deletes', 'abcdef', [1, { d: 3 }], [2, { d: 3 }], [1, { d: 1 }], [1, { d: 1 }], 'af'],
  ['delete containing the other delete', 'abcdef', [1, { d: 4 }], [2, { d: 2 }], [1, { d: 2 }], [], 'af'],
  ['touching deletes', 'abcd', [{ d: 2 }], [2, { d: 2 }], [{ d: 2 }], [{ d: 2 }], ''],
  ['both delete everything', 'abc', [{ d: 3 }], [{ d: 3 }], [], [], ''],
  ['delete everything against an insert in the middle', 'abc', [{ d: 3 }], [1, 'X'],
    [{ d: 1 }, 1, { d: 2 }], ['X'], 'X'],
  ['delete everything against an insert at the end', 'abc', [{ d: 3 }], [3, 'X'], [{ d: 3 }],
    ['X'], 'X'],
  ['insert at the end against a delete of the last character', 'abc', [3, 'X'], [2, { d: 1 }],
    [2, 'X'], [2, { d: 1 }], 'abX'],
  ['delete of the last character against an insert at the end', 'abc', [2, { d: 1 }], [3, 'X'],
    [2, { d: 1 }], [2, 'X'], 'abX'],
  ['replace against an insert at its start: the tie is on the replacement text', 'abcd',
    [1, 'Y', { d: 2 }], [1, 'X'], [1, 'Y', 1, { d: 2 }], [2, 'X'], 'aYXd'],
  ['insert against a replace at the same start', 'abcd', [1, 'X'], [1, 'Y', { d: 2 }], [1, 'X'],
    [2, 'Y', { d: 2 }], 'aXYd'],
  ['same range replaced by both', 'abcd', [1, 'X', { d: 2 }], [1, 'Y', { d: 2 }], [1, 'X'],
    [2, 'Y'], 'aXYd'],
  ['insert after a replaced character goes after the replacement, on either side', 'ab',
    [1, 'X'], ['Y', { d: 1 }], [1, 'X'], ['Y', { d: 1 }], 'YXb'],
  ['same, b not normalized ([{"d":1},"Y"]): inputs are normalized first', 'ab', [1, 'X'],
    [{ d: 1 }, 'Y'], [1, 'X'], ['Y', { d: 1 }], 'YXb'],
  ['insert after a character the other replaced, mid-document', 'abcd', [2, 'X'],
    [1, 'Y', { d: 1 }], [2, 'X'], [1, 'Y', { d: 1 }], 'aYXcd'],
  ['delete around the other\'s replacement', 'abcdef', [2, { d: 3 }], [3, 'XY', { d: 1 }],
    [2, { d: 1 }, 2, { d: 1 }], [2, 'XY'], 'abXYf'],
  ['long insert against deleting the whole document', 'abcdefghij', [10, 'klmnop'],
    [{ d: 10 }, 'Z'], [1, 'klmnop'], ['Z', { d: 10 }], 'Zklmnop'],
  ['non-normalized identity (trailing retain)', 'abc', [3], [{ d: 1 }], [], [{ d: 1 }], 'bc'],
  ['non-normalized adjacent components', 'abcdef', [1, 1, { d: 1 }, { d: 1 }], [2, 'X'],
    [3, { d: 2 }], [2, 'X'], 'abXef'],
  ['several components each', 'hello world', [5, '!', 1, { d: 5 }, 'there'],
    [{ d: 1 }, 'H', 5, 'W'], [5, '!', 1, 'there', 1, { d: 5 }], ['H', { d: 1 }, 11, 'W'],
    'Hello! thereW'],
  ['emoji: positions count code points', `${WAVE}!`, [2, 'x'], [3, '?'], [2, 'x'], [4, '?'],
    `${WAVE}x!?`],
  ['emoji inserted by both at one place', '', [WAVE], ['😀'], [WAVE], [2, '😀'], `${WAVE}😀`],
  ['insert between an emoji and its skin tone modifier (code points, not graphemes)', WAVE,
    [1, '|'], [{ d: 1 }], ['|'], [{ d: 1 }], '|\u{1F3FD}'],
  ['delete an emoji with its modifier against an insert after it', `a${WAVE}b`, [1, { d: 2 }],
    [3, 'X'], [1, { d: 2 }], [1, 'X'], 'aXb'],
  ['combining mark inserted inside a decomposed letter', `e${ACUTE}`, [1, '\u0302'], [2, '!'],
    [1, '\u0302'], [3, '!'], `e\u0302${ACUTE}!`],
  ['precomposed is one code point, decomposed two', `${E_PRECOMPOSED}e${ACUTE}`, [1, { d: 2 }],
    [1, 'X'], [2, { d: 2 }], [1, 'X'], `${E_PRECOMPOSED}X`],
  ['CJK', '学校', [1, '小'], [{ d: 1 }, 1, '生'], ['小'], [{ d: 1 }, 2, '生'], '小校生'],
  ['mixed astral, CJK and combining', `a${WAVE}学e${ACUTE}`, [1, '🙂', { d: 2 }],
    [3, { d: 1 }, 2, '!'], [1, '🙂', { d: 2 }], [2, { d: 1 }, 2, '!'], `a🙂e${ACUTE}!`],
  ['regional indicator pair deleted half each', '🇫🇷', [1, { d: 1 }], [{ d: 1 }], [{ d: 1 }],
    [{ d: 1 }], ''],
];

// [note, doc, a, b, composed, result]
const COMPOSE_CASES = [
  ['both identity', 'abc', [], [], [], 'abc'],
  ['identity second keeps the first (trailing retain dropped)', 'abcd', [1, 'x', 3], [], [1, 'x'],
    'axbcd'],
  ['delete part of an insert', '', ['abc'], [1, { d: 1 }], ['ac'], 'ac'],
  ['delete all of an insert: nothing left', 'abc', [1, 'XYZ'], [1, { d: 3 }], [], 'abc'],
  ['delete then insert at the same place: insert first', 'abc', [{ d: 3 }], ['xyz'],
    ['xyz', { d: 3 }], 'xyz'],
  ['insert where the first deleted', 'abc', [1, { d: 1 }], [1, 'X'], [1, 'X', { d: 1 }], 'aXc'],
  ['second reaches past the first (implicit retain)', 'abcdef', [{ d: 1 }], [3, 'z'],
    [{ d: 1 }, 3, 'z'], 'bcdzef'],
  ['inserts side by side merge', 'abc', [3, 'd'], [4, 'e'], [3, 'de'], 'abcde'],
  ['second insert before the first', 'abc', ['x'], ['y'], ['yx'], 'yxabc'],
  ['deletes on both sides of the first\'s insert', 'abcdef', [1, { d: 2 }, 2, 'X'],
    [{ d: 1 }, 2, { d: 1 }], [{ d: 3 }], 'def'],
  ['delete across the end of an insert and a kept character', 'ab', [1, 'XYZ'], [{ d: 3 }],
    ['Z', { d: 1 }], 'Zb'],
  ['deletes of both merge', 'abc', [{ d: 1 }, 1, { d: 1 }], [{ d: 1 }], [{ d: 3 }], ''],
  ['edit inside text just typed', 'hello', [5, ' world'], [{ d: 1 }, 'H', 9, '!', { d: 1 }],
    ['H', { d: 1 }, 4, ' worl!'], 'Hello worl!'],
  ['split an inserted emoji pair between its code points', '', [`${WAVE}学`], [1, { d: 1 }],
    ['\u{1F44B}学'], '\u{1F44B}学'],
  ['insert inside an inserted emoji with modifier', WAVE, [1, '|'], [3, '!'], [1, '|', 1, '!'],
    '\u{1F44B}|\u{1F3FD}!'],
  ['replace a combining mark', `e${ACUTE}`, [1, { d: 1 }], [1, '\u0300'], [1, '\u0300', { d: 1 }],
    'e\u0300'],
  ['CJK replace after an insert', '学校', ['小'], [1, '大', { d: 1 }], ['小大', { d: 1 }], '小大校'],
  ['non-normalized inputs', 'abc', [{ d: 1 }, 'x'], [1, 1, 'y'], ['x', { d: 1 }, 1, 'y'], 'xbyc'],
  ['identity first', 'ab', [], [2, 'c'], [2, 'c'], 'abc'],
];

// [doc, op, kind, why]: kind "malformed" is refused whatever the document; "past_end" is a
// well-formed op that this document is too short for.
const INVALID_CASES = [
  ['abc', [4], 'past_end', 'retains past the end'],
  ['abc', [{ d: 4 }], 'past_end', 'deletes past the end'],
  ['abc', [2, 'x', { d: 2 }], 'past_end', 'retain plus delete run past the end'],
  ['abc', [3, 1], 'past_end', 'non-normalized trailing retain still must fit'],
  ['', [1], 'past_end', 'retain on the empty document'],
  ['', [{ d: 1 }], 'past_end', 'delete on the empty document'],
  [WAVE, [3], 'past_end', 'the emoji is 2 code points (4 UTF-16 units, 8 UTF-8 bytes)'],
  ['学校', [{ d: 3 }], 'past_end', 'CJK: 2 code points (6 UTF-8 bytes)'],
  [`e${ACUTE}`, [1, { d: 2 }], 'past_end', 'a decomposed letter is 2 code points, not 3'],
  ['abc', [0], 'malformed', 'zero retain'],
  ['abc', [-1], 'malformed', 'negative retain'],
  ['abc', [1.5], 'malformed', 'fractional retain'],
  ['abc', [2 ** 53], 'malformed', 'count above 2^53 - 1, the largest integer JSON numbers keep exactly'],
  ['abc', [{ d: 2 ** 53 }], 'malformed', 'delete count above 2^53 - 1'],
  ['abc', [{ d: 0 }], 'malformed', 'zero delete'],
  ['abc', [{ d: -1 }], 'malformed', 'negative delete'],
  ['abc', [{ d: 1.5 }], 'malformed', 'fractional delete'],
  ['abc', [''], 'malformed', 'empty insert'],
  ['abc', [1, ''], 'malformed', 'empty insert after a retain'],
  ['abc', [null], 'malformed', 'null component'],
  ['abc', [true], 'malformed', 'boolean component'],
  ['abc', [[1]], 'malformed', 'nested array'],
  ['abc', [{}], 'malformed', 'object without "d"'],
  ['abc', [{ d: 'a' }], 'malformed', 'delete by content (ot-text-unicode\'s other form) is not ours'],
  ['abc', [{ d: null }], 'malformed', 'delete count null'],
  ['abc', [{ d: '1' }], 'malformed', 'delete count as a string'],
  ['abc', [{ d: 1, x: 1 }], 'malformed', 'delete with an unknown key'],
  ['abc', [{ i: 'x' }], 'malformed', 'unknown object component'],
  ['abc', [1, { d: 1 }, 0], 'malformed', 'malformed component after valid ones'],
  ['abc', { d: 1 }, 'malformed', 'op is an object, not an array'],
  ['abc', 'abc', 'malformed', 'op is a string, not an array'],
  ['abc', 3, 'malformed', 'op is a number, not an array'],
  ['abc', null, 'malformed', 'op is null'],
];

function transformCase(doc, a, b) {
  const aAfterB = transform(a, b, 'left');
  const bAfterA = transform(b, a, 'right');
  const result = apply(apply(doc, b), aAfterB);
  assert.equal(apply(apply(doc, a), bAfterA), result, `TP1 ${JSON.stringify({ doc, a, b })}`);
  assert.ok(isNormalized(aAfterB) && isNormalized(bAfterA));
  return { doc, a, b, a_after_b: aAfterB, b_after_a: bAfterA, result };
}

function composeCase(doc, a, b) {
  const composed = compose(a, b);
  const result = apply(apply(doc, a), b);
  assert.equal(apply(doc, composed), result, `compose ${JSON.stringify({ doc, a, b })}`);
  assert.ok(isNormalized(composed));
  return { doc, a, b, composed, result };
}

// Generated inputs are normalized three times in four; the rest stay raw so that the C++ side
// is held to normalizing its inputs the same way.
function maybeNormalized(rng, op) {
  return rng.chance(0.75) ? normalize(op) : op;
}

// Identities prove little; one now and then is a fair edge case.
function nonTrivialOp(rng, len) {
  let op = randomOp(rng, len);
  while (normalize(op).length === 0 && !rng.chance(0.05)) op = randomOp(rng, len);
  return op;
}

export function buildVectors() {
  const transformCases = TRANSFORM_CASES.map(([note, doc, a, b, aAfterB, bAfterA, result]) => {
    const got = transformCase(doc, a, b);
    const expected = { doc, a, b, a_after_b: aAfterB, b_after_a: bAfterA, result };
    assert.deepEqual(got, expected, `hand-picked transform case "${note}"`);
    return { note, ...got };
  });
  const composeCases = COMPOSE_CASES.map(([note, doc, a, b, composed, result]) => {
    const got = composeCase(doc, a, b);
    assert.deepEqual(got, { doc, a, b, composed, result }, `hand-picked compose case "${note}"`);
    return { note, ...got };
  });
  const rng = prng(GENERATED_SEED);
  for (let i = 0; i < GENERATED_COUNT; i += 1) {
    const doc = randomText(rng, 0, 10);
    const len = Array.from(doc).length;
    const a = maybeNormalized(rng, nonTrivialOp(rng, len));
    const b = maybeNormalized(rng, nonTrivialOp(rng, len));
    transformCases.push({ note: `generated ${i}`, ...transformCase(doc, a, b) });
    const c = maybeNormalized(rng, nonTrivialOp(rng, Array.from(apply(doc, a)).length));
    composeCases.push({ note: `generated ${i}`, ...composeCase(doc, a, c) });
  }
  const invalidCases = INVALID_CASES.map(([doc, op, kind, why]) => {
    assert.throws(() => apply(doc, op), `invalid case "${why}" was accepted`);
    assert.equal(isValid(op), kind === 'past_end', `invalid case "${why}" has the wrong kind`);
    return { doc, op, kind, why };
  });
  return {
    'transform.json': {
      description:
        'a_after_b = transform(a, b, "left"), b_after_a = transform(b, a, "right"); ' +
        'result = apply(apply(doc, b), a_after_b) = apply(apply(doc, a), b_after_a). ' +
        'Lengths in code points. See README.md.',
      seed: GENERATED_SEED,
      cases: transformCases,
    },
    'compose.json': {
      description:
        'composed = compose(a, b); result = apply(apply(doc, a), b) = apply(doc, composed). ' +
        'See README.md.',
      seed: GENERATED_SEED,
      cases: composeCases,
    },
    'invalid.json': {
      description:
        'apply(doc, op) must refuse each op. kind "malformed": refused whatever the document; ' +
        '"past_end": well-formed but longer than doc. See README.md.',
      cases: invalidCases,
    },
  };
}

// One case per line: diffs of regenerated files stay readable.
export function serialize(file) {
  const { cases, ...head } = file;
  const lines = Object.entries(head).map(([k, v]) => `  ${JSON.stringify(k)}: ${JSON.stringify(v)},`);
  const body = cases.map((c) => `    ${JSON.stringify(c)}`).join(',\n');
  return `{\n${lines.join('\n')}\n  "cases": [\n${body}\n  ]\n}\n`;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  fs.mkdirSync(OT_VECTOR_DIR, { recursive: true });
  for (const [name, file] of Object.entries(buildVectors())) {
    fs.writeFileSync(path.join(OT_VECTOR_DIR, name), serialize(file));
    console.log(`wrote ${name}: ${file.cases.length} cases`);
  }
}
