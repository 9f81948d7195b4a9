// The page's estimate of the server's clock (web-client/server_clock.js, PROTOCOL.md "The
// client's clock"), with a fake local clock: the midpoint rule, the shortest round trip winning
// over asymmetric delays, the welcome's seed, and a local clock that is minutes off.

import { test } from 'node:test';
import assert from 'node:assert/strict';

import { ServerClock } from '../../web-client/server_clock.js';

const SERVER = 1795000000000;

// A page whose clock runs `skew` ms ahead of the server's; exchange(up, down) is a clock
// round trip taking `up` ms to the server and `down` ms back.
function page(skew) {
  let local = SERVER + skew;
  const clock = new ServerClock(() => local);
  return {
    clock,
    wait: (ms) => { local += ms; },
    exchange(up, down) {
      const t = local;
      local += up;
      const serverTime = local - skew;
      local += down;
      return clock.sample(t, serverTime);
    },
    serverNow: () => local - skew,
  };
}

test('before any sample, now() is the seed from the welcome\'s serverTime', () => {
  const p = page(-90000);
  assert.equal(p.clock.now(), SERVER - 90000, 'no seed yet: the local clock');
  p.clock.seed(SERVER);
  assert.equal(p.clock.now(), SERVER);
  p.wait(1500);
  assert.equal(p.clock.now(), SERVER + 1500);
  p.clock.seed(Number.NaN);
  assert.equal(p.clock.offset(), 90000, 'a missing serverTime leaves the seed');
});

test('a symmetric exchange gives the offset exactly, and beats the seed', () => {
  const p = page(5000);
  p.clock.seed(SERVER - 700); // a seed off by the delay of the welcome
  assert.equal(p.exchange(40, 40), true);
  assert.equal(p.clock.offset(), -5000);
  assert.equal(p.clock.now(), p.serverNow());
});

test('with asymmetric delays the sample of the shortest round trip is the one used', () => {
  const p = page(0);
  p.exchange(300, 20); // rtt 320, midpoint off by 140
  assert.equal(p.clock.offset(), 140);
  p.exchange(10, 90); // rtt 100, off by -40
  assert.equal(p.clock.offset(), -40);
  p.exchange(200, 200); // rtt 400, exact: but a longer round trip, so not chosen
  assert.equal(p.clock.offset(), -40);
  p.exchange(6, 4); // rtt 10, off by 1
  assert.equal(p.clock.offset(), 1);
  // The error is bounded by half the chosen round trip.
  assert.ok(Math.abs(p.clock.now() - p.serverNow()) <= 5);
});

test('a local clock minutes off still counts down to the server\'s deadline', () => {
  for (const skew of [-7 * 60000, 3 * 60000 + 417]) {
    const p = page(skew);
    p.clock.seed(p.serverNow());
    for (const [up, down] of [[80, 15], [25, 25], [12, 60], [45, 45], [30, 31]]) p.exchange(up, down);
    const deadline = p.serverNow() + 120000;
    p.wait(30000);
    const left = deadline - p.clock.now();
    assert.ok(Math.abs(left - 90000) <= 1, `skew ${skew}: ${left} ms left`);
  }
});

test('only recent samples count: an old short round trip is forgotten', () => {
  const p = page(0);
  p.exchange(1, 1); // rtt 2, exact
  p.wait(60000);
  for (let i = 0; i < 5; i += 1) p.exchange(100, 50); // rtt 150, off by 25
  assert.equal(p.clock.offset(), 25);
});

test('an answer with a negative round trip or missing numbers is not a sample', () => {
  const p = page(0);
  p.clock.seed(SERVER + 10);
  assert.equal(p.clock.sample(SERVER + 100, SERVER, SERVER + 50), false);
  assert.equal(p.clock.sample(SERVER, undefined, SERVER + 50), false);
  assert.equal(p.clock.offset(), 10);
});
