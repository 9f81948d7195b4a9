// Regression: without TCP_NODELAY on accepted sockets, the ack written right after its own
// event waited for the client's delayed ACK, and every command took ~40 ms instead of ~1 ms.
// Not a benchmark: the bound is 40x what a loopback round trip takes even under ASan, and a
// Nagle stall cannot come in under it.
import { test } from 'node:test';
import assert from 'node:assert/strict';

import { serverForFile, createMeeting, join } from '../support/harness.mjs';

const env = serverForFile();
const STALL_MS = 40;

test('sequential commands are not held back by Nagle and delayed ACKs', { timeout: 60000 }, async () => {
  const meeting = await createMeeting(env.server.baseUrl);
  const ana = await join(env.server.wsUrl, { code: meeting.joinCode, name: 'Ana', attendance: 'remote' });
  const times = [];
  for (let i = 0; i < 30; i++) {
    const start = performance.now();
    const answer = await ana.client.request({ type: 'update_profile', cid: `n${i}`, organisation: `Org ${i}` });
    times.push(performance.now() - start);
    assert.equal(answer.type, 'ack', JSON.stringify(answer));
  }
  times.sort((a, b) => a - b);
  const median = times[Math.floor(times.length / 2)];
  assert.ok(median < STALL_MS / 2, `median round trip ${median.toFixed(1)} ms: a Nagle stall is back`);
  ana.client.close();
});
