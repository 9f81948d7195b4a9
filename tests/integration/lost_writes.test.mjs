// Redis loses acknowledged events: a Redis Cluster failover promotes a replica that had not
// received the last writes yet (replication is asynchronous), or an older backup is restored.
// Simulated on one redis-server by taking the log's last event away. The room still holds it
// in memory and writes it back, with its seq, before the next commit; if Redis holds another
// event at that seq, the histories have split and the meeting's commands are refused
// (unavailable), one commit attempt each, until Redis has the room's history again. Before
// this, the commit retried in a tight loop, 12,000 conflicts a second, and the command was
// never answered.

import { test, after } from 'node:test';
import assert from 'node:assert/strict';

import {
  startRedis, startServer, createMeeting, join, resume, cleanup, short, sleep, metricValue, redisCli, waitFor,
} from '../support/harness.mjs';

after(cleanup);

async function meetingWithTwoItems(args = []) {
  const redis = await startRedis();
  const server = await startServer({ redisUrl: redis.url, args });
  const meeting = await createMeeting(server.baseUrl, { title: 'Lost writes', goal: 'Nothing acked is lost' });
  const ana = await join(server.wsUrl, { code: meeting.joinCode, name: 'Ana', attendance: 'room' });
  for (const title of ['one', 'two']) {
    const r = await ana.client.command({ type: 'add_item', title });
    assert.equal(r.type, 'ack', short(r));
  }
  const cli = (...args) => redisCli(redis, ...args);
  const tag = `{m:${meeting.meetingId}}`;
  const version = Number(cli('get', `${tag}:ver`));
  // The log as a promoted replica would have it: events 1..keep, then `extra` (stored JSON).
  // A stream's last id only grows (XDEL keeps it), so the log is written anew.
  const rewriteLog = (keep, extra = []) => {
    const raw = cli('--raw', 'xrange', `${tag}:log`, '-', `${keep}-0`).split('\n');
    cli('del', `${tag}:log`);
    for (let i = 0; i + 2 < raw.length; i += 3) cli('xadd', `${tag}:log`, raw[i], 'e', raw[i + 2]);
    extra.forEach((e, k) => cli('xadd', `${tag}:log`, `${keep + 1 + k}-0`, 'e', e));
    cli('set', `${tag}:ver`, String(keep + extra.length));
  };
  return { redis, server, meeting, ana, cli, tag, version, rewriteLog };
}

test('the log lost its last event: the room writes it back, and the meeting goes on', { timeout: 60000 }, async () => {
  const { redis, server, meeting, ana, cli, tag, version, rewriteLog } = await meetingWithTwoItems();
  const lostEvent = cli('xrange', `${tag}:log`, `${version}-0`, `${version}-0`);
  rewriteLog(version - 1);
  assert.equal(cli('xlen', `${tag}:log`), String(version - 1));

  const r = await ana.client.command({ type: 'add_item', title: 'three' });
  assert.equal(r.type, 'ack', short(r));
  assert.equal(r.seq, version + 1, 'the seqs go on from what the clients saw');
  assert.equal(Number(cli('get', `${tag}:ver`)), version + 1);
  assert.equal(cli('xrange', `${tag}:log`, `${version}-0`, `${version}-0`), lostEvent, 'the same event, back');
  assert.ok(await metricValue(server.baseUrl, 'roundtable_commit_conflicts_total') <= 2);

  // A second instance loads the meeting from Redis alone: it has everything acked.
  const other = await startServer({ redisUrl: redis.url });
  const obs = await join(other.wsUrl, { code: meeting.joinCode, name: 'Obs', attendance: 'room', role: 'observer' });
  assert.deepEqual(obs.welcome.meeting.items.map((i) => i.title), ['one', 'two', 'three']);
  for (const c of [ana.client, obs.client]) await c.close();
});

test('Redis holds another event at a lost seq: commands are refused, without spinning', { timeout: 60000 }, async () => {
  const { server, ana, cli, tag, version, rewriteLog } = await meetingWithTwoItems();
  // Both of the room's last two events lost, and another instance's event committed at the
  // first of those seqs after the failover: Redis is one behind, on a different history.
  const ours = [version - 1, version].map((v) => cli('--raw', 'xrange', `${tag}:log`, `${v}-0`, `${v}-0`).split('\n')[2]);
  const other = cli('--raw', 'xrange', `${tag}:log`, `${version}-0`, `${version}-0`).split('\n')[2]
    .replace('"title":"two"', '"title":"elsewhere"').replace(`"seq":${version}`, `"seq":${version - 1}`);
  rewriteLog(version - 2, [other]);

  const r = await ana.client.command({ type: 'add_item', title: 'three' });
  assert.equal(r.type, 'reject', short(r));
  assert.equal(r.code, 'unavailable');
  await sleep(500);
  const conflicts = await metricValue(server.baseUrl, 'roundtable_commit_conflicts_total');
  assert.ok(conflicts <= 2, `${conflicts} commit conflicts: the room is retrying`);
  const again = await ana.client.command({ type: 'add_item', title: 'four' });
  assert.equal(again.code, 'unavailable', short(again));
  assert.equal(Number(cli('get', `${tag}:ver`)), version - 1, 'nothing committed on the split history');
  assert.equal((await fetch(`${server.baseUrl}/healthz`)).status, 200, 'the server is up');

  // Redis gets the room's history back (an operator, or the instance that had it): the next
  // command goes through, no restart needed.
  rewriteLog(version - 2, ours);
  const back = await ana.client.command({ type: 'add_item', title: 'five' });
  assert.equal(back.type, 'ack', short(back));
  assert.equal(back.seq, version + 1);
  await ana.client.close();
});

test('an idle room whose last event Redis lost stays loaded until it writes it back', { timeout: 60000 }, async () => {
  const { server, ana, cli, tag, version, rewriteLog } = await meetingWithTwoItems(['--unload-after', '4', '--away-after', '1']);
  const { token } = ana.welcome;
  ana.client.terminate();
  // Ana's leaving is logged a second later; then Redis loses that event, before the room's
  // first look (4 s): the room's memory is its only copy.
  await waitFor(() => Number(cli('get', `${tag}:ver`)) === version + 1, { what: 'the leaving logged' });
  const leaving = cli('xrange', `${tag}:log`, `${version + 1}-0`, `${version + 1}-0`);
  rewriteLog(version);
  await sleep(7000);
  assert.equal(await metricValue(server.baseUrl, 'roundtable_meetings_live'), 1, 'kept loaded: it holds an event Redis lost');

  // Ana comes back: her return is the next commit, which writes the lost event back first.
  const back = await resume(server.wsUrl, { token });
  await waitFor(() => Number(cli('get', `${tag}:ver`)) === version + 2, { what: 'her return logged' });
  assert.equal(cli('xrange', `${tag}:log`, `${version + 1}-0`, `${version + 1}-0`), leaving, 'the leaving, back in the log');
  back.client.terminate();
  await waitFor(async () => (await metricValue(server.baseUrl, 'roundtable_meetings_live')) === 0,
    { timeoutMs: 20000, what: 'unloaded once Redis has everything' });
});

