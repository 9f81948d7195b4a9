// The countdown redraws on whole seconds of the server's remaining time and exactly at zero,
// so screens with different clocks (and offsets estimated) flip at the same moment.
import { test } from 'node:test';
import assert from 'node:assert/strict';

import { Countdown, msToNextSecond } from '../../web-client/countdown.js';

test('the next redraw is when the shown second changes, also in overrun', () => {
  assert.equal(msToNextSecond(12345), 345);
  assert.equal(msToNextSecond(12000), 1000);
  assert.equal(msToNextSecond(345), 345, 'the last second ends exactly at zero');
  assert.equal(msToNextSecond(0), 1000);
  assert.equal(msToNextSecond(-1234), 766);
  assert.equal(msToNextSecond(-2000), 1000);
});

// Fake timers on a fake clock: advancing runs what is due, in order.
function fakeTime(start) {
  const t = { now: start, queue: [], nextId: 1 };
  t.timers = {
    setTimeout(fn, ms) { const id = t.nextId++; t.queue.push({ id, at: t.now + ms, fn }); return id; },
    clearTimeout(id) { t.queue = t.queue.filter((e) => e.id !== id); },
  };
  t.advance = (ms) => {
    const end = t.now + ms;
    for (;;) {
      t.queue.sort((a, b) => a.at - b.at);
      const due = t.queue[0];
      if (!due || due.at > end) break;
      t.queue.shift();
      t.now = due.at;
      due.fn();
    }
    t.now = end;
  };
  return t;
}

test('two screens whose phases differ redraw at the same server moments and hit zero together', () => {
  const time = fakeTime(1_000_000);
  const deadline = 1_000_000 + 2_500;
  const seen = [[], []];
  // The second screen starts following 137 ms later (it got the event later).
  const screens = [0, 137].map((delay, i) => {
    const c = new Countdown(() => time.now, (r) => seen[i].push([time.now, r]), time.timers);
    time.timers.setTimeout(() => c.follow(deadline), delay);
    return c;
  });
  time.advance(4_000);
  const after = (i) => seen[i].filter(([at]) => at >= 1_000_137 + 1).map(([at]) => at);
  assert.deepEqual(after(0), after(1));
  assert.ok(seen[0].some(([at, r]) => at === deadline && r === 0), 'a redraw exactly at zero');
  assert.deepEqual(after(0), [1_000_500, 1_001_500, deadline, 1_003_500]);
  screens.forEach((c) => c.follow(null));
  const before = seen[0].length;
  time.advance(5_000);
  assert.equal(seen[0].length, before, 'a stopped countdown no longer redraws');
});
