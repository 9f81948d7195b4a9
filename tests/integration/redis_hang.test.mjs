// A Redis that stops answering without closing its connections (here: SIGSTOP) must not
// freeze meetings: within the reply timeout (5 s) pending and new commands get `unavailable`,
// and once Redis answers again the server recovers by itself.
import { test } from 'node:test';
import assert from 'node:assert/strict';

import { serverForFile, createMeeting, join, httpRequest, waitFor } from '../support/harness.mjs';

const env = serverForFile();

test('a paused Redis gives unavailable within seconds, then recovery', { timeout: 90000 }, async () => {
  const meeting = await createMeeting(env.server.baseUrl);
  const ana = await join(env.server.wsUrl, { code: meeting.joinCode, name: 'Ana', attendance: 'remote' });
  const before = await ana.client.request({ type: 'add_item', cid: 'h0', title: 'before the pause' });
  assert.equal(before.type, 'ack');

  env.redis.proc.kill('SIGSTOP');
  try {
    const start = performance.now();
    const answer = await ana.client.request({ type: 'add_item', cid: 'h1', title: 'during' }, 20000);
    const waited = performance.now() - start;
    assert.equal(answer.type, 'reject', JSON.stringify(answer));
    assert.equal(answer.code, 'unavailable');
    assert.ok(waited < 12000, `answered after ${Math.round(waited)} ms; the watchdog allows 5-6 s`);
  } finally {
    env.redis.proc.kill('SIGCONT');
  }

  // Recovery: the same cid is resent until acked (at most once: it may have landed).
  const acked = await waitFor(async () => {
    const a = await ana.client.request({ type: 'add_item', cid: 'h1', title: 'during' }, 10000);
    return a.type === 'ack' ? a : null;
  }, { timeoutMs: 30000, intervalMs: 500, what: 'an ack after SIGCONT' });
  assert.ok(acked.seq > before.seq);
  const health = await httpRequest(`${env.server.baseUrl}/healthz`);
  assert.equal(health.status, 200);
  const lee = await join(env.server.wsUrl, { code: meeting.joinCode, name: 'Lee', attendance: 'room' });
  const titles = lee.welcome.meeting.items.map((i) => i.title);
  assert.deepEqual(titles.filter((t) => t === 'during').length, 1, JSON.stringify(titles));
  ana.client.close();
  lee.client.close();
});
