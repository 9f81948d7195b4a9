// Unit and property tests of web-client/text_ot.js, the OT that the C++ core must match
// (protocol/vectors/ot/ pins the exact results; this file pins the rules behind them).
// A failing property names its seed; ROUNDTABLE_OT_SEED=<seed> replays it.

import { test, describe } from 'node:test';
import assert from 'node:assert/strict';

import {
  apply,
  check,
  codePointLength,
  compose,
  diff,
  isWellFormed,
  normalize,
  toCodePointIndex,
  toUtf16Index,
  transform,
  transformPosition,
} from '../../web-client/text_ot.js';
import {
  baseLength,
  forEachCase,
  isNormalized,
  isValid,
  randomOp,
  randomText,
  referenceCompose,
  referenceTransform,
  targetLength,
  seedFromEnv,
} from './ot_support.mjs';

const WAVE = '👋🏽'; // two astral code points: hand and skin tone modifier
const E_PRECOMPOSED = '\u00e9'; // one code point
const E_DECOMPOSED = 'e\u0301'; // two code points, looks the same
const SCHOOL = '学校';

// Ops that no function may accept, with the reason the test names.
const MALFORMED = [
  ['not an array', { d: 1 }],
  ['a string op', 'abc'],
  ['null op', null],
  ['zero retain', [0]],
  ['negative retain', [-1]],
  ['fractional retain', [1.5]],
  ['NaN retain', [NaN]],
  ['infinite retain', [Infinity]],
  ['unsafe integer retain', [2 ** 53]],
  ['empty insert', ['']],
  ['lone high surrogate', ['\ud83d']],
  ['lone low surrogate', ['a\udc4b']],
  ['zero delete', [{ d: 0 }]],
  ['negative delete', [{ d: -2 }]],
  ['fractional delete', [{ d: 0.5 }]],
  ['delete of a string', [{ d: 'ab' }]],
  ['delete without count', [{}]],
  ['delete with an extra key', [{ d: 1, i: 'x' }]],
  ['unknown object', [{ r: 1 }]],
  ['null component', [null]],
  ['boolean component', [true]],
  ['nested array', [[1]]],
  ['malformed after good ones', [1, 'a', { d: 1 }, 0]],
];

describe('code points', () => {
  test('codePointLength counts code points, not UTF-16 units', () => {
    assert.equal(codePointLength(''), 0);
    assert.equal(codePointLength('abc'), 3);
    assert.equal(codePointLength(WAVE), 2);
    assert.equal(WAVE.length, 4);
    assert.equal(codePointLength(E_PRECOMPOSED), 1);
    assert.equal(codePointLength(E_DECOMPOSED), 2);
    assert.equal(codePointLength(SCHOOL), 2);
    assert.equal(codePointLength(`a${WAVE}${E_DECOMPOSED}${SCHOOL}`), 7);
  });

  test('isWellFormed refuses lone surrogates and non-strings', () => {
    assert.equal(isWellFormed(WAVE), true);
    assert.equal(isWellFormed(''), true);
    assert.equal(isWellFormed('\ud83d'), false);
    assert.equal(isWellFormed('\udc4bx'), false);
    assert.equal(isWellFormed('x\ud83d\ud83d\udc4b'), false);
    assert.equal(isWellFormed(5), false);
  });

  test('toCodePointIndex and toUtf16Index convert carets both ways', () => {
    const s = `a${WAVE}b${SCHOOL}`; // UTF-16: a=0, wave=1..4, b=5, 学=6, 校=7
    const pairs = [[0, 0], [1, 1], [3, 2], [5, 3], [6, 4], [7, 5], [8, 6]];
    for (const [utf16, cp] of pairs) {
      assert.equal(toCodePointIndex(s, utf16), cp, `utf16 ${utf16}`);
      assert.equal(toUtf16Index(s, cp), utf16, `cp ${cp}`);
    }
  });

  test('a UTF-16 index inside a surrogate pair rounds down to before the pair', () => {
    assert.equal(toCodePointIndex(`a${WAVE}`, 2), 1);
    assert.equal(toCodePointIndex(`a${WAVE}`, 4), 2);
  });

  test('caret conversions refuse indexes out of range', () => {
    assert.throws(() => toCodePointIndex('ab', 3), RangeError);
    assert.throws(() => toCodePointIndex('ab', -1), RangeError);
    assert.throws(() => toCodePointIndex('ab', 0.5), RangeError);
    assert.throws(() => toUtf16Index(WAVE, 3), /past the end/);
    assert.throws(() => toUtf16Index('ab', -1), RangeError);
  });
});

describe('check, isValid, normalize', () => {
  test('well-formed ops pass, including non-normalized ones and the empty op', () => {
    for (const op of [[], [1], ['a'], [{ d: 1 }], [2, 'x', { d: 1 }, 3], [{ d: 1 }, 'x'], [1, 1], [WAVE]]) {
      assert.equal(isValid(op), true, JSON.stringify(op));
      assert.equal(check(op), op);
    }
  });

  for (const [why, op] of MALFORMED) {
    test(`refuses ${why}`, () => {
      assert.equal(isValid(op), false);
      assert.throws(() => check(op), TypeError);
      for (const fn of [
        () => normalize(op),
        () => apply('abcdef', op),
        () => baseLength(op),
        () => targetLength(op),
        () => transform(op, [1, 'x'], 'left'),
        () => transform([1, 'x'], op, 'right'),
        () => compose(op, []),
        () => compose([], op),
        () => transformPosition(1, op),
      ]) {
        assert.throws(fn, TypeError);
      }
    });
  }

  test('error messages name the component and the problem', () => {
    assert.throws(() => check([1, 'a', 0]), /component 2: retain must be a positive integer, got 0/);
    assert.throws(() => check(['']), /component 0: insert must be a non-empty string/);
    assert.throws(() => check([{ d: -1 }]), /delete count must be a positive integer/);
    assert.throws(() => check([{ d: 1, x: 1 }]), /exactly \{"d": N\}/);
    assert.throws(() => check('x'), /must be an array/);
  });

  const cases = [
    [[], []],
    [[3], []],
    [[1, 2, 'a', 'b', { d: 1 }, { d: 2 }, 4], [3, 'ab', { d: 3 }]],
    [[{ d: 1 }, 'x'], ['x', { d: 1 }]],
    [[{ d: 1 }, 'a', { d: 1 }, 'b'], ['ab', { d: 2 }]],
    [['a', { d: 1 }, 'b', 2, 'c'], ['ab', { d: 1 }, 2, 'c']],
    [[2, { d: 1 }, 1], [2, { d: 1 }]],
    [[WAVE, E_DECOMPOSED], [WAVE + E_DECOMPOSED]],
  ];
  for (const [input, expected] of cases) {
    test(`normalize ${JSON.stringify(input)}`, () => {
      assert.deepEqual(normalize(input), expected);
      assert.equal(isNormalized(expected), true);
      assert.equal(isNormalized(input), JSON.stringify(input) === JSON.stringify(expected));
    });
  }

  test('normalize does not share delete objects with its input', () => {
    const input = [{ d: 2 }];
    const out = normalize(input);
    out[0].d = 5;
    assert.equal(input[0].d, 2);
  });
});

describe('lengths', () => {
  test('baseLength counts retains and deletes, targetLength retains and inserts', () => {
    const op = [2, `x${WAVE}`, { d: 3 }, 1, SCHOOL];
    assert.equal(baseLength(op), 6);
    assert.equal(targetLength(op), 8);
    assert.equal(baseLength([]), 0);
    assert.equal(targetLength([]), 0);
    assert.equal(codePointLength(apply('abcdef', op)), targetLength(op));
  });
});

describe('apply', () => {
  test('retain, insert and delete, with implicit retain of the rest', () => {
    assert.equal(apply('hello', []), 'hello');
    assert.equal(apply('hello', ['>']), '>hello');
    assert.equal(apply('hello', [5, '!']), 'hello!');
    assert.equal(apply('hello', [1, { d: 3 }, 'E']), 'hEo');
    assert.equal(apply('hello', [{ d: 5 }]), '');
    assert.equal(apply('', ['new']), 'new');
  });

  test('counts astral characters, accents and CJK as one code point each', () => {
    assert.equal(apply(`${WAVE}x`, [1, '|']), `\u{1F44B}|\u{1F3FD}x`);
    assert.equal(apply(`${WAVE}x`, [2, { d: 1 }]), WAVE);
    assert.equal(apply(`${WAVE}x`, [{ d: 2 }]), 'x');
    assert.equal(apply(`caf${E_PRECOMPOSED}!`, [4, { d: 1 }]), `caf${E_PRECOMPOSED}`);
    assert.equal(apply(`caf${E_DECOMPOSED}!`, [4, { d: 1 }]), 'cafe!');
    assert.equal(apply(`caf${E_DECOMPOSED}!`, [5, { d: 1 }]), `caf${E_DECOMPOSED}`);
    assert.equal(apply(SCHOOL, [1, '小']), '学小校');
    assert.equal(apply(`a${WAVE}${SCHOOL}${E_DECOMPOSED}`, [1, { d: 3 }, 1, 'é']), `a校é${E_DECOMPOSED}`);
  });

  test('refuses ops that run past the end of the document', () => {
    assert.throws(() => apply('abc', [4]), /past the end/);
    assert.throws(() => apply('abc', [{ d: 4 }]), /past the end/);
    assert.throws(() => apply('abc', [2, 'x', { d: 2 }]), /past the end/);
    assert.throws(() => apply('', [1]), RangeError);
    assert.throws(() => apply(WAVE, [3]), RangeError); // 4 UTF-16 units but 2 code points
    assert.throws(() => apply(SCHOOL, [{ d: 3 }]), RangeError);
  });

  test('accepts an op that reaches exactly the end', () => {
    assert.equal(apply('abc', [3, 'x']), 'abcx');
    assert.equal(apply(WAVE, [2, 'x']), `${WAVE}x`);
  });

  test('refuses documents that are not well-formed strings', () => {
    assert.throws(() => apply(5, []), TypeError);
    assert.throws(() => apply(null, []), TypeError);
    assert.throws(() => apply('\ud83d', []), /lone surrogate/);
  });
});

describe('transform', () => {
  const both = (doc, a, b) => {
    const aAfterB = transform(a, b, 'left');
    const bAfterA = transform(b, a, 'right');
    const viaB = apply(apply(doc, b), aAfterB);
    assert.equal(viaB, apply(apply(doc, a), bAfterA), 'TP1');
    return { aAfterB, bAfterA, result: viaB };
  };

  test('inserts at the same place: the left op comes first, whichever op it is', () => {
    assert.equal(both('ab', [1, 'X'], [1, 'Y']).result, 'aXYb');
    assert.equal(both('ab', [1, 'Y'], [1, 'X']).result, 'aYXb');
    assert.deepEqual(transform([1, 'X'], [1, 'Y'], 'left'), [1, 'X']);
    assert.deepEqual(transform([1, 'X'], [1, 'Y'], 'right'), [2, 'X']);
  });

  test('inserts at the same place on the empty document and at the end', () => {
    assert.equal(both('', ['A'], ['B']).result, 'AB');
    assert.equal(both('ab', [2, 'A'], [2, 'B']).result, 'abAB');
  });

  test('overlapping deletes delete once', () => {
    const r = both('abcdef', [1, { d: 3 }], [2, { d: 3 }]);
    assert.equal(r.result, 'af');
    assert.deepEqual(r.aAfterB, [1, { d: 1 }]);
    assert.deepEqual(r.bAfterA, [1, { d: 1 }]);
    assert.deepEqual(transform([{ d: 2 }], [{ d: 2 }], 'left'), []);
  });

  test('an insert inside a range the other op deletes survives where the range was', () => {
    const r = both('abcdef', [3, 'X'], [1, { d: 4 }]);
    assert.equal(r.result, 'aXf');
    assert.deepEqual(r.aAfterB, [1, 'X']);
    assert.deepEqual(r.bAfterA, [1, { d: 2 }, 1, { d: 2 }]);
  });

  test('an insert at the edge of a deleted range', () => {
    assert.equal(both('abcd', [1, 'X'], [1, { d: 2 }]).result, 'aXd');
    assert.equal(both('abcd', [3, 'X'], [1, { d: 2 }]).result, 'aXd');
  });

  test('a replacement at the same place as an insert: the insert at its start ties', () => {
    // b replaces "bc" with "Y": its insert is at gap 1 like a's X.
    assert.equal(both('abcd', [1, 'X'], [1, 'Y', { d: 2 }]).result, 'aXYd');
    assert.equal(both('abcd', [1, 'Y', { d: 2 }], [1, 'X']).result, 'aYXd');
  });

  test('an insert after deleted characters goes after the other op\'s replacement text', () => {
    // b deletes "a" and writes "Y" in its place; a's X was after "a": it follows Y on both sides.
    assert.equal(both('ab', [1, 'X'], ['Y', { d: 1 }]).result, 'YXb');
    assert.equal(transform([1, 'X'], ['Y', { d: 1 }], 'right').length, 2);
    assert.equal(apply(apply('ab', ['Y', { d: 1 }]), transform([1, 'X'], ['Y', { d: 1 }], 'right')), 'YXb');
  });

  test('non-normalized inputs transform as their normalized form', () => {
    const raw = [{ d: 1 }, 'Y'];
    for (const side of ['left', 'right']) {
      assert.deepEqual(transform([1, 'X'], raw, side), transform([1, 'X'], normalize(raw), side));
      assert.deepEqual(transform(raw, [1, 'X'], side), transform(normalize(raw), [1, 'X'], side));
    }
  });

  test('the identity transforms to itself and leaves the other op unchanged', () => {
    assert.deepEqual(transform([], [1, 'x', { d: 2 }], 'left'), []);
    assert.deepEqual(transform([1, 'x', { d: 2 }, 3], [], 'right'), [1, 'x', { d: 2 }]);
  });

  test('code points: an emoji the other op inserts shifts by 1 per code point', () => {
    const r = both(`${SCHOOL}`, [1, E_DECOMPOSED], ['👋🏽']);
    assert.equal(r.result, `👋🏽学${E_DECOMPOSED}校`);
    assert.deepEqual(r.aAfterB, [3, E_DECOMPOSED]);
  });

  test('refuses a bad side', () => {
    assert.throws(() => transform([], [], 'top'), /side must be/);
    assert.throws(() => transform([], []), /side must be/);
  });
});

describe('compose', () => {
  test('insert then delete part of it', () => {
    assert.deepEqual(compose([1, 'abc'], [2, { d: 1 }]), [1, 'ac']);
  });

  test('delete then insert at the same place', () => {
    assert.deepEqual(compose([{ d: 2 }], ['xy']), ['xy', { d: 2 }]);
  });

  test('b deletes everything a inserted: nothing is left of it', () => {
    assert.deepEqual(compose([1, 'abc'], [1, { d: 3 }]), []);
  });

  test('b reaches past what a touched (implicit retain)', () => {
    assert.deepEqual(compose([{ d: 1 }], [3, 'z']), [{ d: 1 }, 3, 'z']);
  });

  test('with the identity', () => {
    assert.deepEqual(compose([], [1, 'x']), [1, 'x']);
    assert.deepEqual(compose([1, 'x', 2], []), [1, 'x']);
  });

  test('splits inserts by code points, never inside a surrogate pair', () => {
    assert.deepEqual(compose([WAVE + SCHOOL], [1, { d: 2 }]), ['\u{1F44B}校']);
    assert.equal(apply('', compose([WAVE], [1, 'x'])), '\u{1F44B}x\u{1F3FD}');
  });
});

describe('transformPosition', () => {
  test('others\' inserts at the caret leave it before them; own inserts carry it', () => {
    assert.equal(transformPosition(2, [2, 'xyz']), 2);
    assert.equal(transformPosition(2, [2, 'xyz'], true), 5);
    assert.equal(transformPosition(2, [1, 'xyz']), 5);
    assert.equal(transformPosition(2, [3, 'xyz']), 2);
  });

  test('deletes before the caret pull it left; a caret inside a deleted range goes to its start', () => {
    assert.equal(transformPosition(5, [1, { d: 2 }]), 3);
    assert.equal(transformPosition(2, [1, { d: 3 }]), 1);
    assert.equal(transformPosition(1, [1, { d: 3 }]), 1);
    assert.equal(transformPosition(4, [1, { d: 3 }]), 1);
  });

  test('a caret inside a replaced range lands after the replacement text', () => {
    assert.equal(transformPosition(2, [1, 'XY', { d: 3 }]), 3);
    assert.equal(transformPosition(1, [1, 'XY', { d: 3 }]), 1);
    assert.equal(transformPosition(1, [1, 'XY', { d: 3 }], true), 3);
  });

  test('beyond what the op touches, the caret shifts by the net change', () => {
    assert.equal(transformPosition(10, [1, 'ab', { d: 1 }]), 11);
  });

  test('refuses a bad position', () => {
    assert.throws(() => transformPosition(-1, []), RangeError);
    assert.throws(() => transformPosition(1.5, []), RangeError);
  });
});

describe('diff', () => {
  test('typing, deleting and replacing', () => {
    assert.deepEqual(diff('hello', 'hello!'), [5, '!']);
    assert.deepEqual(diff('hello', 'hllo'), [1, { d: 1 }]);
    assert.deepEqual(diff('hello', 'hEllo'), [1, 'E', { d: 1 }]);
    assert.deepEqual(diff('same', 'same'), []);
    assert.deepEqual(diff('', `${WAVE}`), [WAVE]);
  });

  test('the caret settles repeated characters', () => {
    assert.deepEqual(diff('aaa', 'aaaa', 1), ['a']); // typed at the start
    assert.deepEqual(diff('aaa', 'aaaa', 3), [2, 'a']);
    assert.deepEqual(diff('aaa', 'aa', 1), [1, { d: 1 }]); // backspace at 2
    assert.deepEqual(diff('aaa', 'aa', 0), [{ d: 1 }]);
  });

  test('never splits a surrogate pair that only differs in its low half', () => {
    const op = diff('\u{1F44B}', '\u{1F44C}');
    assert.deepEqual(op, ['\u{1F44C}', { d: 1 }]);
  });
});

describe('properties', () => {
  const SEED = seedFromEnv(0x5eed0001);
  const CASES = 6000;

  test(`TP1, compose, normalization and carets on ${CASES} random cases (seed ${SEED})`, () => {
    const MARK = '\u{F0000}'; // never in ALPHABET
    forEachCase(SEED, CASES, (rng) => {
      const doc = randomText(rng, 0, 12);
      const len = codePointLength(doc);
      const a = randomOp(rng, len);
      const b = randomOp(rng, len);
      const context = () => JSON.stringify({ doc, a, b });

      // normalize: idempotent, same effect, result passes isNormalized
      const na = normalize(a);
      assert.deepEqual(normalize(na), na, context());
      assert.equal(isNormalized(na), true, context());
      assert.equal(apply(doc, na), apply(doc, a), context());
      assert.ok(baseLength(a) <= len, context());
      assert.equal(codePointLength(apply(doc, a)), len - baseLength(a) + targetLength(a), context());

      // TP1 on both sides; results normalized and equal to the reference model
      for (const side of ['left', 'right']) {
        const other = side === 'left' ? 'right' : 'left';
        const a2 = transform(a, b, side);
        const b2 = transform(b, a, other);
        assert.equal(apply(apply(doc, b), a2), apply(apply(doc, a), b2), `TP1 ${side} ${context()}`);
        assert.equal(isNormalized(a2), true, context());
        assert.deepEqual(a2, referenceTransform(a, b, side, len), `reference ${side} ${context()}`);
      }

      // compose: same effect as applying in turn, normalized, equal to the reference,
      // associative in effect
      const mid = apply(doc, a);
      const c = randomOp(rng, codePointLength(mid));
      const ac = compose(a, c);
      assert.equal(apply(doc, ac), apply(mid, c), `compose ${context()} c=${JSON.stringify(c)}`);
      assert.equal(isNormalized(ac), true, context());
      assert.deepEqual(ac, referenceCompose(a, c, len), `reference compose ${context()}`);
      const d = randomOp(rng, codePointLength(apply(mid, c)));
      assert.deepEqual(compose(compose(a, c), d), compose(a, compose(c, d)), context());

      // transformPosition: where transform() puts an insert at the caret, in range, monotonic
      const after = apply(doc, b);
      let previous = 0;
      for (let pos = 0; pos <= len; pos += 1) {
        const stays = transformPosition(pos, b, false);
        const follows = transformPosition(pos, b, true);
        const marked = (side) => Array.from(apply(after, transform(pos === 0 ? [MARK] : [pos, MARK], b, side))).indexOf(MARK);
        assert.equal(stays, marked('left'), `caret ${pos} ${context()}`);
        assert.equal(follows, marked('right'), `own caret ${pos} ${context()}`);
        assert.ok(stays >= previous && follows >= stays && follows <= codePointLength(after), context());
        previous = follows;
      }
    });
  });

  test(`diff then apply reproduces the edit on ${CASES} random pairs (seed ${SEED})`, () => {
    forEachCase(SEED, CASES, (rng) => {
      const before = randomText(rng, 0, 10);
      const after = randomText(rng, 0, 10);
      const op = diff(before, after, rng.int(0, codePointLength(after)));
      assert.equal(apply(before, op), after, JSON.stringify({ before, after, op }));
      assert.equal(isNormalized(op), true);
    });
  });
});
