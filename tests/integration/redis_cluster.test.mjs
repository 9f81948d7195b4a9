// Two instances on a Redis Cluster of three masters, while the meeting's slot moves to another
// master (as `redis-cli --cluster reshard` moves it: IMPORTING, MIGRATING, MIGRATE, SETSLOT
// NODE). A command sent mid-migration meets ASK and goes to the new master after ASKING;
// commands sent afterwards meet MOVED and go to the new master; the old master drops
// the instances' shard-channel subscriptions, and they follow the channel to the new one, so
// both instances' clients keep seeing one dense stream. (The cluster without moves is in
// multi_instance.test.mjs and multi_instance_load.test.mjs.)

import { test, after } from 'node:test';
import assert from 'node:assert/strict';

import { startRedisCluster, startServer, createMeeting, join, cleanup, short, waitFor, redisCli } from '../support/harness.mjs';

after(cleanup);

// Starts moving `slot` from master `from` to master `to` and moves its keys; the slot is then
// migrating (the old master answers ASK for it) until finishMove.
function startMove(slot, from, to) {
  redisCli(to, 'cluster', 'setslot', String(slot), 'importing', redisCli(from, 'cluster', 'myid'));
  redisCli(from, 'cluster', 'setslot', String(slot), 'migrating', redisCli(to, 'cluster', 'myid'));
  const keys = redisCli(from, 'cluster', 'getkeysinslot', String(slot), '100').split('\n').filter(Boolean);
  assert.ok(keys.length >= 2, `the meeting's keys are in slot ${slot}: ${keys}`);
  redisCli(from, 'migrate', '127.0.0.1', String(to.port), '', '0', '5000', 'keys', ...keys);
  return keys;
}

function finishMove(cluster, slot, from, to) {
  const toId = redisCli(to, 'cluster', 'myid');
  for (const node of [to, from, ...cluster.nodes.filter((n) => n !== to && n !== from)]) {
    redisCli(node, 'cluster', 'setslot', String(slot), 'node', toId);
  }
}

test('the meeting\'s slot moves to another master mid-meeting: commands follow it, so do both instances\' subscriptions', {
  timeout: 90000,
}, async () => {
  const cluster = await startRedisCluster();
  const s1 = await startServer({ redisUrl: cluster.url });
  const s2 = await startServer({ redisUrl: cluster.url });
  const meeting = await createMeeting(s1.baseUrl, { title: 'Resharded', goal: 'One stream while the slot moves' });
  const ana = await join(s1.wsUrl, { code: meeting.joinCode, name: 'Ana', attendance: 'room' });
  const ben = await join(s2.wsUrl, { code: meeting.joinCode, name: 'Ben', attendance: 'remote' });
  const clients = [ana.client, ben.client];
  const before = await ana.client.command({ type: 'add_item', title: 'before the move' });
  assert.equal(before.type, 'ack', short(before));
  for (const c of clients) await c.waitForSeq(before.seq, 10000);

  const tag = `{m:${meeting.meetingId}}`;
  const slot = Number(redisCli(cluster.nodes[0], 'cluster', 'keyslot', tag));
  const from = cluster.nodes.find((n) => redisCli(n, 'cluster', 'countkeysinslot', String(slot)) !== '0');
  const to = cluster.nodes.find((n) => n !== from);
  const moved = startMove(slot, from, to);
  // Mid-migration the old master answers ASK: the command goes to the new one after ASKING.
  const during = await ben.client.command({ type: 'add_item', title: 'during the move' });
  assert.equal(during.type, 'ack', short(during));
  finishMove(cluster, slot, from, to);
  assert.equal(redisCli(to, 'exists', ...moved), String(moved.length), 'the keys are on the new master');
  // Published at the new master, where nobody listened yet: Ana's instance reads it from the
  // log once its subscription has moved.
  await ana.client.waitForSeq(during.seq, 10000);

  // Ben's instance meets MOVED; Ana's instance gets the event through its moved subscription
  // (or from the log, if it arrived while the subscription was moving).
  const fromBen = await ben.client.command({ type: 'add_item', title: 'after the move, from instance 2' });
  assert.equal(fromBen.type, 'ack', short(fromBen));
  await ana.client.waitForSeq(fromBen.seq, 10000);
  const fromAna = await ana.client.command({ type: 'add_item', title: 'after the move, from instance 1' });
  assert.equal(fromAna.type, 'ack', short(fromAna));
  await ben.client.waitForSeq(fromAna.seq, 10000);
  // And again from Ben: this one must come to Ana live, on the channel at its new master.
  const again = await ben.client.command({ type: 'add_item', title: 'once more from instance 2' });
  await ana.client.waitForSeq(again.seq, 10000);

  const streams = clients.map((c) => c.eventsBetween(before.seq - 1, again.seq));
  for (const [i, st] of streams.entries()) {
    assert.deepEqual(st.map((e) => e.seq), Array.from({ length: again.seq - before.seq + 1 }, (_, j) => before.seq + j), `client ${i} seqs`);
  }
  assert.deepEqual(streams[1], streams[0]);
  await waitFor(() => redisCli(to, 'pubsub', 'shardnumsub', `${tag}:events`).split('\n')[1] === '2',
    { what: 'both instances subscribed at the new master' });
  assert.deepEqual(redisCli(from, 'pubsub', 'shardchannels').split('\n').filter(Boolean), [], 'none left at the old one');
  const check = await join(s2.wsUrl, { code: meeting.joinCode, role: 'observer', name: 'Check', attendance: 'room' });
  assert.deepEqual(check.welcome.meeting.items.map((i) => i.title),
    ['before the move', 'during the move', 'after the move, from instance 2', 'after the move, from instance 1', 'once more from instance 2']);

  for (const c of [...clients, check.client]) await c.close();
  await s1.stop();
  await s2.stop();
  await cluster.stop();
});
