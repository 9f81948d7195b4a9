// Idle meetings leave memory (--unload-after): a meeting nobody is connected to, with nothing
// left to do, is unloaded, and the next connection loads it again from Redis with everything
// in it. One that still has work (an open vote's deadline) stays until the work is done. A
// second instance that unloaded the meeting follows it again once someone comes back there.

import { test, after } from 'node:test';
import assert from 'node:assert/strict';

import { acked, cleanup, createMeeting, join, metricValue, resume, sleep, startRedis, startServer, waitFor } from '../support/harness.mjs';

after(cleanup);

const ARGS = ['--unload-after', '1', '--away-after', '1'];
const live = (server) => metricValue(server.baseUrl, 'roundtable_meetings_live');
const unloaded = (server, what) => waitFor(async () => (await live(server)) === 0, { timeoutMs: 15000, what });

test('an idle meeting is unloaded and comes back whole; one with an open vote waits for its close', { timeout: 90000 }, async () => {
  const redis = await startRedis();
  const server = await startServer({ redisUrl: redis.url, args: ARGS });
  const meeting = await createMeeting(server.baseUrl, { title: 'Unload', goal: 'Memory for the living' });
  const ana = await join(server.wsUrl, { facilitatorToken: meeting.facilitatorToken, name: 'Ana', attendance: 'room' });
  assert.equal(await live(server), 1);
  const item = await acked(ana.client, { type: 'add_item', title: 'Book fair', notes: 'Who prints' });
  const { token } = ana.welcome;
  const lastSeq = ana.client.lastSeq;
  ana.client.terminate();

  // Ana's leaving is recorded first (--away-after 1), then the room goes.
  await unloaded(server, 'the meeting unloaded');
  const back = await resume(server.wsUrl, { token });
  assert.equal(await live(server), 1, 'loaded again');
  const items = back.welcome.meeting.items.map((i) => [i.id, i.title]);
  assert.deepEqual(items, [[`i${item.seq}`, 'Book fair']]);
  assert.ok(back.welcome.version > lastSeq, 'her leaving was logged before the room went');

  // An open vote with a deadline keeps the room until the server closes the vote.
  const opened = await acked(back.client, { type: 'open_vote', method: 'consent', question: 'Print it?', results: 'live', visibility: 'open', timeLimit: 5 });
  back.client.terminate();
  await sleep(3000);
  assert.equal(await live(server), 1, 'still loaded: the vote closes in 5 s');
  await unloaded(server, 'unloaded once the vote closed');
  const again = await resume(server.wsUrl, { token });
  const vote = again.welcome.meeting.votes.find((v) => v.id === `v${opened.seq}`);
  assert.equal(vote.state, 'closed', 'closed by its deadline while nobody was connected');
  assert.equal(vote.closed.reason, 'deadline');
  again.client.terminate();
});

test('joins and resumes racing the unload all get in', { timeout: 120000 }, async () => {
  const redis = await startRedis();
  const server = await startServer({ redisUrl: redis.url, args: ARGS });
  const meeting = await createMeeting(server.baseUrl, { title: 'Race', goal: 'Nobody left outside' });
  let token = null;
  const found = { loaded: 0, unloaded: 0 };
  // The room looks every second, once its member's leaving is logged (--away-after 1): pauses
  // of 1.6 to 2.6 s land around its close, longer ones after it.
  const ROUNDS = 12;
  for (let round = 0; round < ROUNDS; round += 1) {
    found[(await live(server)) === 0 ? 'unloaded' : 'loaded'] += 1;
    const entered = token ? await resume(server.wsUrl, { token }) : await join(server.wsUrl, { code: meeting.joinCode, name: 'Ben' });
    token = entered.welcome.token;
    await acked(entered.client, { type: 'add_item', title: `Round ${round}`, notes: '' });
    entered.client.terminate();
    await sleep(round % 3 === 2 ? 4500 : 1600 + (round % 3) * 1000);
  }
  const last = await resume(server.wsUrl, { token });
  assert.deepEqual(last.welcome.meeting.items.map((i) => i.title), Array.from({ length: ROUNDS }, (_, i) => `Round ${i}`),
    'every round got in and its item is there');
  assert.ok(found.unloaded >= ROUNDS / 3, `rounds that found the meeting unloaded: ${JSON.stringify(found)}`);
  last.client.terminate();
});

test('an instance that unloaded the meeting hears the other one again once someone is back', { timeout: 90000 }, async () => {
  const redis = await startRedis();
  const s1 = await startServer({ redisUrl: redis.url, args: ARGS });
  const s2 = await startServer({ redisUrl: redis.url, args: ARGS });
  const meeting = await createMeeting(s1.baseUrl, { title: 'Two', goal: 'Both hear' });
  const ana = await join(s1.wsUrl, { code: meeting.joinCode, name: 'Ana' });
  const ben = await join(s2.wsUrl, { code: meeting.joinCode, name: 'Ben' });
  const { token } = ana.welcome;
  ana.client.terminate();
  await unloaded(s1, 'instance 1 unloaded the meeting');
  assert.equal(await live(s2), 1, 'instance 2 keeps it: Ben is there');

  // Meanwhile Ben works on instance 2; Ana comes back to instance 1 and sees it, then hears
  // what Ben does next, live.
  await acked(ben.client, { type: 'add_item', title: 'While Ana was away', notes: '' });
  const back = await resume(s1.wsUrl, { token });
  assert.deepEqual(back.welcome.meeting.items.map((i) => i.title), ['While Ana was away']);
  const after = await acked(ben.client, { type: 'add_item', title: 'Heard live', notes: '' });
  await back.client.waitUntil(() => back.client.events.some((e) => e.seq === after.seq), 5000, 'Ben\'s item, live on instance 1');
  back.client.terminate();
  ben.client.terminate();
});
