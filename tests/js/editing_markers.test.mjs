// The colour of a participant's "is editing" marker: derived from the id alone, so every
// screen shows the same person in the same colour without anyone sending one.

import { test } from 'node:test';
import assert from 'node:assert/strict';

import { participantHue } from '../../web-client/editing_markers.js';

test('a participant\'s hue is a whole number of degrees, the same every time', () => {
  for (const id of ['p1', 'p2', 'p10', 'p123456', '']) {
    const hue = participantHue(id);
    assert.ok(Number.isInteger(hue) && hue >= 0 && hue < 360, `${id}: ${hue}`);
    assert.equal(participantHue(id), hue);
  }
});

test('people who joined one after another get clearly different hues', () => {
  const distance = (a, b) => Math.min(Math.abs(a - b), 360 - Math.abs(a - b));
  for (let seq = 2; seq < 40; seq += 1) {
    const here = participantHue(`p${seq}`);
    for (const other of [seq + 1, seq + 2]) {
      const d = distance(here, participantHue(`p${other}`));
      assert.ok(d >= 30, `p${seq} and p${other} are ${d} degrees apart`);
    }
  }
});

test('an id of another shape is hashed into the same range', () => {
  const hue = participantHue('guest-7');
  assert.ok(Number.isInteger(hue) && hue >= 0 && hue < 360);
  assert.equal(participantHue('guest-7'), hue);
});
