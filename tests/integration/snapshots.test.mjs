// Snapshots (MeetingRoom::maybe_snapshot): at most one every 200 events, and only once the
// events logged since the last are about its size. A small meeting gets one every 200
// events; a meeting whose state is large gets fewer, so it does not rewrite its whole state
// every 200 events, and a load still replays at most about a snapshot's worth after it.

import { test, after } from 'node:test';
import assert from 'node:assert/strict';

import { acked, cleanup, createMeeting, join, redisCli, resume, startRedis, startServer, storedSnapshotVersion, waitFor } from '../support/harness.mjs';

after(cleanup);

// The rate limit is for people; these tests send hundreds of commands.
const ARGS = ['--commands-per-second', '2000'];

const snapshotBytes = (redis, m) => Number(redisCli(redis, 'HSTRLEN', `{m:${m}}:snap`, 'state'));

/** The stored snapshot's version once it is past `after` (the room stores it without waiting). */
async function snapshotPast(redis, m, after) {
  let version = 0;
  await waitFor(() => (version = storedSnapshotVersion(redis, m)) > after, { timeoutMs: 5000, what: `a snapshot past ${after}` });
  return version;
}

/** Bytes of the events logged after `version` (the stream's `e` fields). */
function loggedAfter(redis, m, version) {
  const lines = redisCli(redis, 'XRANGE', `{m:${m}}:log`, `${version + 1}-0`, '+').split('\n');
  // Each entry prints as: its id, the field name `e`, the event.
  let bytes = 0;
  for (let i = 2; i < lines.length; i += 3) bytes += Buffer.byteLength(lines[i]);
  return bytes;
}

/** Sends `count` commands without waiting for each ack; resolves at the last one's event. */
async function burst(client, count, command) {
  const start = client.lastSeq;
  for (let i = 0; i < count; i += 1) client.send({ cid: client.nextCid(), ...command(i) });
  await client.waitForSeq(start + count, 30000);
  return client.lastSeq;
}

test('a small meeting stores a snapshot every 200 events', { timeout: 90000 }, async () => {
  const redis = await startRedis();
  const server = await startServer({ redisUrl: redis.url, args: ARGS });
  const meeting = await createMeeting(server.baseUrl, { title: 'Small', goal: 'Load fast' });
  const ana = await join(server.wsUrl, { facilitatorToken: meeting.facilitatorToken, name: 'Ana' });
  const item = await acked(ana.client, { type: 'add_item', title: 'Budget', notes: '' });
  const itemId = `i${item.seq}`;

  const first = await burst(ana.client, 220, (i) => ({ type: 'update_item', itemId, title: `Budget ${i}` }));
  const v1 = await snapshotPast(redis, meeting.meetingId, 0);
  assert.ok(v1 >= 200 && v1 <= first, `a snapshot once 200 events were logged: at ${v1} of ${first}`);
  const last = await burst(ana.client, 230, (i) => ({ type: 'update_item', itemId, title: `Plan ${i}` }));
  const v2 = await snapshotPast(redis, meeting.meetingId, v1);
  assert.ok(v2 >= v1 + 200 && v2 <= last, `the next one 200 events later: ${v1} then ${v2} of ${last}`);
  ana.client.terminate();
});

test('a meeting with a large state stores snapshots less often; what a load replays stays within about one', { timeout: 120000 }, async () => {
  const redis = await startRedis();
  const server = await startServer({ redisUrl: redis.url, args: ARGS });
  const meeting = await createMeeting(server.baseUrl, { title: 'Large', goal: 'Load fast anyway' });
  const m = meeting.meetingId;
  const ana = await join(server.wsUrl, { facilitatorToken: meeting.facilitatorToken, name: 'Ana' });
  // 30 items with full notes: a state of about 150 KB.
  const notes = (k) => `${k} `.padEnd(5000, 'minutes and next steps. ');
  const added = await burst(ana.client, 30, (i) => ({ type: 'add_item', title: `Item ${i}`, notes: notes(i) }));
  const itemId = `i${added}`;
  const first = await burst(ana.client, 200, (i) => ({ type: 'update_item', itemId, title: `Title ${i}` }));
  const v1 = await snapshotPast(redis, m, 0);
  const size = snapshotBytes(redis, m);
  assert.ok(v1 >= 200 && v1 <= first, `the first snapshot once 200 events were logged: at ${v1} of ${first}`);
  assert.ok(size > 140000, `the state is large: ${size} bytes`);

  // 300 more small events: 200 since the last snapshot, but far fewer bytes than it.
  await burst(ana.client, 299, (i) => ({ type: 'update_item', itemId, title: `Again ${i}` }));
  // One more, acked: a snapshot the room stored after the burst would be in Redis by now.
  const small = (await acked(ana.client, { type: 'update_item', itemId, title: 'Again 299' })).seq;
  const smallBytes = loggedAfter(redis, m, v1);
  assert.ok(smallBytes < size / 2, `these events are small: ${smallBytes} bytes`);
  assert.equal(storedSnapshotVersion(redis, m), v1, `no snapshot of ${size} bytes for ${small - v1} events of ${smallBytes} bytes`);

  // Large edits: once the log since the snapshot is about its size, the next one is stored.
  const edits = await burst(ana.client, 40, (i) => ({ type: 'update_item', itemId, notes: notes(`edit ${i}`) }));
  const v2 = await snapshotPast(redis, m, v1);
  assert.ok(v2 > v1 && v2 <= edits, `a new snapshot once the log outgrew the last: ${v1} then ${v2} of ${edits}`);
  const between = loggedAfter(redis, m, v1) - loggedAfter(redis, m, v2);
  assert.ok(between >= size && between < size + 40 * 6000, `stored after ${between} bytes of events, the last snapshot was ${size}`);

  // A load (after the server restarts) folds the snapshot and what follows it: all there.
  ana.client.terminate();
  await server.stop();
  const again = await startServer({ redisUrl: redis.url, args: ARGS });
  const back = await resume(again.wsUrl, { token: ana.welcome.token });
  assert.equal(back.welcome.version, edits);
  const items = back.welcome.meeting.items;
  assert.equal(items.length, 30);
  assert.equal(items.at(-1).title, 'Again 299');
  assert.equal(items.at(-1).notes, notes('edit 39'));
  back.client.terminate();
});
