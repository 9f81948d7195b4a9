// Graceful stop (SIGTERM) in the middle of pipelined commands: the server takes no new
// connection, commits and acks what it has, tells every client `shutting_down`, and exits 0
// within 10 s; clients that resume on the restarted server and resend their unacked commands
// (same cids) find every command applied exactly once.

import { test, after } from 'node:test';
import assert from 'node:assert/strict';

import { startRedis, startServer, createMeeting, join, resume, cleanup, acked } from '../support/harness.mjs';

after(cleanup);

const CONNECTIONS = 4;
const PER_CONNECTION = 30; // within the rate limit's burst of 40
const cidOf = (c, i) => `stop-${c}-${i}`;

test('SIGTERM: acked commands kept, clients told shutting_down, exit 0 within 10 s, resent ones applied once', { timeout: 90000 }, async () => {
  const redis = await startRedis();
  const server = await startServer({ redisUrl: redis.url });
  const meeting = await createMeeting(server.baseUrl);
  const first = await join(server.wsUrl, { code: meeting.joinCode, name: 'Ana', attendance: 'remote' });
  const token = first.welcome.token;
  const clients = [first.client];
  for (let c = 1; c < CONNECTIONS; c++) clients.push((await resume(server.wsUrl, { token, lastSeq: first.welcome.version })).client);

  const acks = new Map();
  for (const [c, client] of clients.entries()) {
    client.ws.on('message', (data) => {
      const m = JSON.parse(data);
      if (m.type === 'ack') acks.set(m.cid, m.seq);
    });
    for (let i = 0; i < PER_CONNECTION; i++) {
      client.send({ type: 'add_item', cid: cidOf(c, i), title: cidOf(c, i) });
    }
  }
  // Stop while commands are being committed: some acked, the rest not yet.
  while (acks.size === 0) await new Promise((r) => setTimeout(r, 1));
  const t0 = Date.now();
  await server.stop(10000); // asserts exit code 0
  const stopMs = Date.now() - t0;
  assert.ok(stopMs < 10000, `stopped in ${stopMs} ms`);
  for (const client of clients) {
    await client.closed;
    const errors = client.messages.filter((m) => m.type === 'error');
    assert.deepEqual(errors.map((e) => e.code), ['shutting_down'], `${client.name}: ${JSON.stringify(errors)}`);
  }
  const ackedBeforeStop = new Map(acks);

  const server2 = await startServer({ redisUrl: redis.url });
  const back = await resume(server2.wsUrl, { token, lastSeq: 0 });
  const all = [];
  for (let c = 0; c < CONNECTIONS; c++) for (let i = 0; i < PER_CONNECTION; i++) all.push(cidOf(c, i));
  // Resent on one connection, paced under its rate limit.
  for (const cid of all.filter((x) => !ackedBeforeStop.has(x))) {
    await acked(back.client, { type: 'add_item', cid, title: cid });
  }
  // An acked command resent is answered with its original seq and not applied again.
  const [someCid, someSeq] = [...ackedBeforeStop][0];
  const again = await back.client.command({ type: 'add_item', cid: someCid, title: someCid });
  assert.equal(again.seq, someSeq);

  const check = await join(server2.wsUrl, { code: meeting.joinCode, role: 'observer', name: 'Check', attendance: 'room' });
  const titles = check.welcome.meeting.items.map((i) => i.title).sort();
  assert.deepEqual(titles, [...all].sort(), 'every command exactly once');
  console.log(JSON.stringify({ shutdown: { commands: all.length, ackedBeforeStop: ackedBeforeStop.size, stopMs } }));
  for (const c of [back.client, check.client]) await c.close();
  await server2.stop();
  await redis.stop();
});

test('SIGTERM with no meeting open exits 0 at once', { timeout: 30000 }, async () => {
  const redis = await startRedis();
  const server = await startServer({ redisUrl: redis.url });
  const t0 = Date.now();
  await server.stop(10000);
  assert.ok(Date.now() - t0 < 3000, `stopped in ${Date.now() - t0} ms`);
  await redis.stop();
});
