// A connection that stops reading (a frozen tab) while its meeting is busy: the server cuts it
// off with a clear reason once its queue is full, the others go on unaffected, and the client
// comes back with `resume` and is not cut off again by its own backlog. (Replays of what a
// client missed, event by event, are resume.test.mjs's.)

import { test, after } from 'node:test';
import assert from 'node:assert/strict';

import {
  Client, startRedis, startServer, createMeeting, join, resume, metricValue, cleanup, short, sleep,
} from '../support/harness.mjs';

after(cleanup);

// 20 KB of notes per event (5,000 emoji, the notes limit): the server's queue bound (4 MiB)
// and the kernel's socket buffers fill with a few hundred events.
const notesOf = (round) => (round % 2 ? '😀' : '🎉').repeat(5000);

test('a reader that stops is cut off as a slow consumer and resumes without a gap', { timeout: 120000 }, async () => {
  const redis = await startRedis();
  // The writer floods faster than a person could: the per-connection limit is not under test.
  const server = await startServer({ redisUrl: redis.url, args: ['--commands-per-second', '5000'] });
  const meeting = await createMeeting(server.baseUrl, { title: 'Busy meeting' });
  const fac = await join(server.wsUrl, { facilitatorToken: meeting.facilitatorToken, name: 'Sam', batch: true });
  const writer = await join(server.wsUrl, { code: meeting.joinCode, name: 'Writer', batch: true });
  const sleeper = await join(server.wsUrl, { code: meeting.joinCode, name: 'Sleeper', batch: true });
  await sleeper.client.waitForSeq(writer.welcome.version);
  const cutBefore = await metricValue(server.baseUrl, 'roundtable_slow_consumer_disconnects_total');

  // The sleeper's tab freezes: node stops reading its socket.
  sleeper.client.ws._socket.pause();
  const item = await writer.client.command({ type: 'add_item', title: 'Busy notes' });
  assert.equal(item.type, 'ack', short(item));
  const itemId = `i${item.seq}`;
  const added = [item.seq];
  let cut = false;
  for (let round = 0; round < 100 && !cut; round++) {
    // 20 updates at once, each replacing the notes: 400 KB a round.
    const acks = await Promise.all(Array.from({ length: 20 }, (_, i) =>
      writer.client.command({ type: 'update_item', itemId, notes: notesOf(round * 20 + i) }, 30000)));
    for (const a of acks) {
      assert.equal(a.type, 'ack', short(a));
      added.push(a.seq);
    }
    cut = (await metricValue(server.baseUrl, 'roundtable_slow_consumer_disconnects_total')) > cutBefore;
  }
  assert.ok(cut, `the server never cut the sleeper off (${added.length} events of 20 KB)`);
  const lastSeq = Math.max(...added);
  await fac.client.waitForSeq(lastSeq, 30000);
  assert.equal(fac.client.isClosed, false, 'the facilitator, who reads, was not cut off');
  assert.equal(writer.client.isClosed, false);

  // The tab wakes: it reads what was sent before the cut, then the reason, then the close.
  sleeper.client.ws._socket.resume();
  const closed = await sleeper.client.closed;
  assert.equal(closed.code, 1008, `close ${JSON.stringify(closed)}`);
  assert.equal(closed.reason, 'slow consumer');
  const error = sleeper.client.messages.find((m) => m.type === 'error');
  assert.equal(error?.code, 'slow_consumer', short(error));
  assert.match(error.message, /resume/);
  const seenBefore = sleeper.client.events.map((e) => e.seq);
  assert.ok(sleeper.client.lastSeq < lastSeq, 'the sleeper had missed events when it was cut off');

  // Back with resume from its last seq. What it missed (hundreds of 20 KB events) is more
  // than a replay may carry: replaying it would fill the queue and cut it off again at every
  // resume, so it gets a snapshot, and from there the events flow again.
  const back = await resume(server.wsUrl, { token: sleeper.welcome.token, lastSeq: sleeper.client.lastSeq, batch: true });
  assert.equal(back.welcome.resumeFrom, undefined, 'a snapshot, not a replay');
  assert.equal(back.welcome.version, lastSeq);
  assert.equal(back.welcome.meeting.items[0].notes, notesOf(added.length - 2), 'the latest notes');
  const more = await writer.client.command({ type: 'update_item', itemId, title: 'Awake' });
  await back.client.waitForSeq(more.seq, 10000);
  assert.deepEqual(back.client.events.map((e) => e.seq), [more.seq], 'the next event, once');
  assert.equal(back.client.isClosed, false);
  assert.equal(await metricValue(server.baseUrl, 'roundtable_slow_consumer_disconnects_total'), cutBefore + 1,
    'exactly one connection was cut off');
  await server.stop();
});

test('a snapshot larger than the queue bound still reaches a newcomer', { timeout: 120000 }, async () => {
  const redis = await startRedis();
  const server = await startServer({ redisUrl: redis.url, args: ['--commands-per-second', '5000'] });
  const meeting = await createMeeting(server.baseUrl, { title: 'Long notes everywhere' });
  const fac = await join(server.wsUrl, { facilitatorToken: meeting.facilitatorToken, name: 'Sam' });
  // 250 items of 20 KB: a 5 MB welcome, over the 4 MiB a queue may hold.
  for (let round = 0; round < 5; round++) {
    const acks = await Promise.all(Array.from({ length: 50 }, (_, i) =>
      fac.client.command({ type: 'add_item', title: `Item ${round}-${i}`, notes: notesOf(i) }, 30000)));
    for (const a of acks) assert.equal(a.type, 'ack', short(a));
  }
  const cutBefore = await metricValue(server.baseUrl, 'roundtable_slow_consumer_disconnects_total');
  // The newcomer's device is slow to take the welcome: its write is still in flight when its
  // own participant_joined and the next item come. They wait their turn behind it.
  const newcomer = await Client.connect(server.wsUrl, { name: 'Newcomer' });
  newcomer.ws._socket.pause();
  newcomer.send({ type: 'join', v: 1, cid: 'j', code: meeting.joinCode, name: 'Newcomer', attendance: 'remote' });
  await sleep(300);
  const next = await fac.client.command({ type: 'add_item', title: 'After the welcome' });
  await sleep(300);
  newcomer.ws._socket.resume();
  const welcome = await newcomer.next((m) => m.type === 'welcome', 30000);
  assert.equal(welcome.meeting.items.length, 250);
  assert.ok(Buffer.byteLength(JSON.stringify(welcome)) > 4 * 1024 * 1024, 'the welcome is over 4 MiB');
  await newcomer.waitForSeq(next.seq, 30000);
  assert.equal(newcomer.isClosed, false, 'the newcomer was not cut off');
  assert.equal(await metricValue(server.baseUrl, 'roundtable_slow_consumer_disconnects_total'), cutBefore);
  await server.stop();
});
