// A Redis Cluster master dies mid-meeting and the cluster promotes its replica: the server
// reads the new slot map, sends the meeting's commands and its shard-channel subscription to
// the promoted replica, and the meeting goes on. Meanwhile commands are answered
// `unavailable` (nothing applied), never left hanging.

import { test, after } from 'node:test';
import assert from 'node:assert/strict';

import {
  startRedisCluster, startServer, createMeeting, join, cleanup, short, sleep, waitFor, redisCli,
} from '../support/harness.mjs';

after(cleanup);

test('a master fails over to its replica: the meeting carries on, with everything acked before', {
  timeout: 120000,
}, async (t) => {
  const cluster = await startRedisCluster({ masters: 3, replicas: 1, nodeTimeoutMs: 1000 });
  const s1 = await startServer({ redisUrl: cluster.url });
  const s2 = await startServer({ redisUrl: cluster.url });
  const meeting = await createMeeting(s1.baseUrl, { title: 'Failover', goal: 'Carry on when a master dies' });
  const ana = await join(s1.wsUrl, { code: meeting.joinCode, name: 'Ana', attendance: 'room' });
  const ben = await join(s2.wsUrl, { code: meeting.joinCode, name: 'Ben', attendance: 'remote' });
  const before = await ana.client.command({ type: 'add_item', title: 'before the failover' });
  assert.equal(before.type, 'ack', short(before));
  await ben.client.waitForSeq(before.seq, 10000);

  const slot = redisCli(cluster.nodes[0], 'cluster', 'keyslot', `{m:${meeting.meetingId}}`);
  const master = cluster.nodes.find((n) => redisCli(n, 'role').startsWith('master')
    && redisCli(n, 'cluster', 'countkeysinslot', slot) !== '0');
  assert.ok(master, 'the meeting\'s master');
  // Replication is asynchronous: wait until the replica has every write of its master, so the
  // test is about the server following the failover, not about writes Redis itself may lose
  // (lost_writes.test.mjs). ROLE: master, offset, ... / slave, host, port, state, offset.
  const replica = cluster.nodes.find((n) => {
    const role = redisCli(n, 'role').split('\n');
    return role[0] === 'slave' && role[2] === String(master.port);
  });
  assert.ok(replica, 'the master\'s replica');
  await waitFor(() => redisCli(master, 'role').split('\n')[1] === redisCli(replica, 'role').split('\n')[4],
    { timeoutMs: 10000, what: 'the replica to have every write of its master' });
  await master.kill();
  const killedAt = Date.now();

  // Until the replica is promoted, commands are refused, not lost; then they go through.
  const refusals = new Set();
  let after;
  const deadline = Date.now() + 60000;
  while (Date.now() < deadline) {
    const r = await ben.client.command({ type: 'add_item', title: 'after the failover' }, 15000);
    if (r.type === 'ack') { after = r; break; }
    refusals.add(r.code);
    await sleep(250);
  }
  assert.ok(after, `no command went through within 60 s of the kill (refused: ${[...refusals]})`);
  t.diagnostic(`the first command went through ${Date.now() - killedAt} ms after the kill (node timeout 1 s)`);
  assert.deepEqual([...refusals].filter((c) => c !== 'unavailable'), [], 'refused only as unavailable');
  assert.equal(after.seq, before.seq + 1, 'nothing refused was applied');
  const promoted = cluster.nodes.find((n) => n !== master && n.proc.exitCode === null
    && redisCli(n, 'role').startsWith('master') && redisCli(n, 'cluster', 'countkeysinslot', slot) !== '0');
  assert.ok(promoted, 'a replica now serves the meeting\'s slot');

  // Live on both instances, from both: the subscriptions followed to the promoted replica.
  await ana.client.waitForSeq(after.seq, 10000);
  const fromAna = await ana.client.command({ type: 'add_item', title: 'from instance 1' });
  assert.equal(fromAna.type, 'ack', short(fromAna));
  await ben.client.waitForSeq(fromAna.seq, 10000);
  const fromBen = await ben.client.command({ type: 'add_item', title: 'from instance 2' });
  await ana.client.waitForSeq(fromBen.seq, 10000);
  const seqs = [ana.client, ben.client].map((c) => c.eventsBetween(before.seq - 1, fromBen.seq).map((e) => e.seq));
  for (const s of seqs) assert.deepEqual(s, [before.seq, after.seq, fromAna.seq, fromBen.seq]);

  // A newcomer loads the meeting from the promoted replica: everything acked is there.
  const late = await join(s1.wsUrl, { code: meeting.joinCode, name: 'Late', attendance: 'room', role: 'observer' });
  assert.deepEqual(late.welcome.meeting.items.map((i) => i.title),
    ['before the failover', 'after the failover', 'from instance 1', 'from instance 2']);
  for (const c of [ana.client, ben.client, late.client]) await c.close();
  await s1.stop();
  await s2.stop();
  await cluster.stop();
});
