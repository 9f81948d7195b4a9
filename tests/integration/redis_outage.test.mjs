// Redis goes away under a running server: commands are rejected `unavailable` (nothing applied),
// /healthz answers 503; when Redis comes back (same port, same AOF dir) the server recovers by
// itself and nothing from before the outage is lost.

import { test, after } from 'node:test';
import assert from 'node:assert/strict';

import {
  startRedis, startServer, createMeeting, join, cleanup, httpRequest, sleep, waitFor,
} from '../support/harness.mjs';

after(cleanup);

const short = (v) => {
  const s = JSON.stringify(v);
  return s.length > 300 ? `${s.slice(0, 300)}…` : s;
};

test('Redis outage: unavailable while down, recovery after restart, AOF keeps the data', { timeout: 120000 }, async () => {
  const redis = await startRedis();
  const server = await startServer({ redisUrl: redis.url });
  const meeting = await createMeeting(server.baseUrl, { title: 'Outage', goal: 'Survive Redis restarts' });
  const fac = await join(server.wsUrl, { facilitatorToken: meeting.facilitatorToken, name: 'Sam', attendance: 'room' });
  const member = await join(server.wsUrl, { code: meeting.joinCode, name: 'Ana', attendance: 'remote' });
  fac.client.name = 'fac'; member.client.name = 'member';

  const before = [];
  for (let i = 1; i <= 3; i++) {
    const a = await member.client.command({ type: 'add_item', title: `before ${i}` });
    assert.equal(a.type, 'ack', short(a));
    before.push(a);
  }
  const versionBefore = before[2].seq;
  await fac.client.waitForSeq(versionBefore);
  let h = await httpRequest(`${server.baseUrl}/healthz`);
  assert.equal(h.status, 200, h.text);

  // --- Redis down (clean SIGTERM, AOF flushed).
  await redis.stop();
  const downSince = Date.now();
  const during = [];
  let n = 0;
  do {
    n += 1;
    const title = `during ${n}`;
    const r = await member.client.command({ type: 'add_item', title }, 15000);
    assert.equal(r.type, 'reject', `with Redis down, add_item "${title}" answered ${short(r)}`);
    assert.equal(r.code, 'unavailable', short(r));
    during.push(title);
    await sleep(200);
  } while (Date.now() - downSince < 2000);
  const rf = await fac.client.command({ type: 'set_title', title: 'Changed during the outage' }, 15000);
  assert.equal(rf.type, 'reject', short(rf));
  assert.equal(rf.code, 'unavailable', short(rf));

  h = await httpRequest(`${server.baseUrl}/healthz`);
  assert.equal(h.status, 503, `healthz with Redis down: ${h.status} ${h.text}`);
  assert.ok(h.json, `healthz body is JSON: ${h.text}`);
  assert.equal(h.json.status, 'unavailable');
  assert.equal(typeof h.json.redis, 'string');
  assert.notEqual(h.json.redis, 'ok');
  assert.ok(server.running, 'the server stays up while Redis is down');
  assert.equal(member.client.isClosed, false, 'connections stay open while Redis is down');

  // A join needs a commit too.
  await assert.rejects(join(server.wsUrl, { code: meeting.joinCode, name: 'Late', attendance: 'room', timeoutMs: 15000 }),
    (e) => {
      assert.equal(e.reply && e.reply.code, 'unavailable', e.message);
      return true;
    });
  // Nothing was applied: no event reached anyone.
  assert.equal(fac.client.lastSeq, versionBefore, `events during the outage: ${short(fac.client.eventsBetween(versionBefore, 1e9))}`);

  // --- Redis back on the same port and dir.
  await redis.restart();
  let k = 0;
  const acked = await waitFor(async () => {
    k += 1;
    const r = await member.client.command({ type: 'add_item', title: `after ${k}` }, 15000);
    if (r.type === 'ack') return { r, title: `after ${k}` };
    assert.equal(r.code, 'unavailable', `while recovering: ${short(r)}`);
    return null;
  }, { timeoutMs: 10000, intervalMs: 250, what: 'a command to be acked after Redis restarted' });
  assert.equal(acked.r.seq, versionBefore + 1, 'the rejected commands used no seq');
  await waitFor(async () => (await httpRequest(`${server.baseUrl}/healthz`)).status === 200,
    { timeoutMs: 10000, intervalMs: 250, what: '/healthz 200 after Redis restarted' });
  h = await httpRequest(`${server.baseUrl}/healthz`);
  assert.deepEqual(h.json, { status: 'ok', redis: 'ok' });
  await fac.client.waitForSeq(acked.r.seq, 10000);
  assert.deepEqual(fac.client.eventsBetween(versionBefore, acked.r.seq).map((e) => e.data.title), [acked.title]);

  // The data from before the outage is there, nothing from during it.
  const check = await join(server.wsUrl, { code: meeting.joinCode, role: 'observer', name: 'Check', attendance: 'room' });
  const titles = check.welcome.meeting.items.map((i) => i.title);
  assert.deepEqual(titles, ['before 1', 'before 2', 'before 3', acked.title]);
  assert.equal(check.welcome.meeting.title, 'Outage');
  assert.equal(check.welcome.version, acked.r.seq + 1);

  // And it is in Redis itself: a brand-new server on the same Redis sees the same meeting.
  const second = await startServer({ redisUrl: redis.url });
  const check2 = await join(second.wsUrl, { code: meeting.joinCode, role: 'observer', name: 'Check 2', attendance: 'room' });
  assert.deepEqual(check2.welcome.meeting.items.map((i) => i.title), titles);

  for (const c of [fac.client, member.client, check.client, check2.client]) {
    assert.deepEqual(c.invalid, [], `${c.name} received messages failing the server schemas`);
    await c.close();
  }
  await second.stop();
  await server.stop();
  await redis.stop();
});
