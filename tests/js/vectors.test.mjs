// Replays protocol/vectors/ot/*.json against web-client/text_ot.js. tests/unit (C++) replays the
// same files against server/core/text_ot.*, so these checks also vouch for the files: every
// expected result is verified with apply() alone (TP1, compose), not only compared with what
// this implementation computes.

import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';

import { apply, check, compose, transform } from '../../web-client/text_ot.js';
import { OT_VECTOR_DIR, buildVectors, serialize } from './generate_ot_vectors.mjs';
import { isNormalized, isValid } from './ot_support.mjs';

function load(name) {
  return JSON.parse(fs.readFileSync(path.join(OT_VECTOR_DIR, name), 'utf8'));
}

const label = (c, i) => `#${i} ${c.note || c.why}`;

describe('transform.json', () => {
  const file = load('transform.json');

  test('has the hand-picked and generated cases', () => {
    assert.ok(file.cases.filter((c) => !c.note.startsWith('generated')).length >= 40);
    assert.ok(file.cases.filter((c) => c.note.startsWith('generated')).length >= 200);
  });

  test('every case converges (TP1) on its stated result, checked with apply only', () => {
    file.cases.forEach((c, i) => {
      assert.equal(apply(apply(c.doc, c.b), c.a_after_b), c.result, label(c, i));
      assert.equal(apply(apply(c.doc, c.a), c.b_after_a), c.result, label(c, i));
      assert.ok(isNormalized(c.a_after_b) && isNormalized(c.b_after_a), `${label(c, i)} normalized`);
    });
  });

  test('text_ot.js computes exactly the stated ops', () => {
    file.cases.forEach((c, i) => {
      assert.deepEqual(transform(c.a, c.b, 'left'), c.a_after_b, label(c, i));
      assert.deepEqual(transform(c.b, c.a, 'right'), c.b_after_a, label(c, i));
    });
  });
});

describe('compose.json', () => {
  const file = load('compose.json');

  test('has the hand-picked and generated cases', () => {
    assert.ok(file.cases.filter((c) => !c.note.startsWith('generated')).length >= 15);
    assert.ok(file.cases.filter((c) => c.note.startsWith('generated')).length >= 200);
  });

  test('every composed op does what a then b do, checked with apply only', () => {
    file.cases.forEach((c, i) => {
      assert.equal(apply(apply(c.doc, c.a), c.b), c.result, label(c, i));
      assert.equal(apply(c.doc, c.composed), c.result, label(c, i));
      assert.ok(isNormalized(c.composed), `${label(c, i)} normalized`);
    });
  });

  test('text_ot.js computes exactly the stated ops', () => {
    file.cases.forEach((c, i) => {
      assert.deepEqual(compose(c.a, c.b), c.composed, label(c, i));
    });
  });
});

describe('invalid.json', () => {
  const file = load('invalid.json');

  test('apply refuses every op; malformed ones are refused by check as well', () => {
    assert.ok(file.cases.length >= 25);
    file.cases.forEach((c, i) => {
      assert.throws(() => apply(c.doc, c.op), label(c, i));
      assert.ok(['malformed', 'past_end'].includes(c.kind), label(c, i));
      if (c.kind === 'malformed') assert.throws(() => check(c.op), TypeError, label(c, i));
      else assert.throws(() => apply(c.doc, c.op), RangeError, label(c, i));
      assert.equal(isValid(c.op), c.kind === 'past_end', label(c, i));
    });
  });
});

test('the committed files are what generate_ot_vectors.mjs writes', () => {
  for (const [name, file] of Object.entries(buildVectors())) {
    const committed = fs.readFileSync(path.join(OT_VECTOR_DIR, name), 'utf8');
    assert.equal(committed, serialize(file), `${name} is stale: run node tests/js/generate_ot_vectors.mjs`);
  }
});
