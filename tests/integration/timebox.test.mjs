// Partner updates and the speaking queue against the real server and Redis: a running slot
// survives kill -9 with the right remaining time, the server's clock records a time-out once
// and auto-advances, the clock message answers with the server's time, and the queue keeps
// every hand across a restart.

import { test, after } from 'node:test';
import assert from 'node:assert/strict';

import {
  startRedis, startServer, createMeeting, join, resume, cleanup, short, sleep,
} from '../support/harness.mjs';

after(cleanup);

const ack = (answer, what) => assert.equal(answer.type, 'ack', `${what}: ${short(answer)}`);

async function meetingWithFacilitator() {
  const redis = await startRedis();
  const server = await startServer({ redisUrl: redis.url });
  const meeting = await createMeeting(server.baseUrl);
  const fac = await join(server.wsUrl, { facilitatorToken: meeting.facilitatorToken, name: 'Sam', attendance: 'room' });
  return { redis, server, meeting, fac };
}

async function addSlot(client, organisation, seconds) {
  const answer = await client.command({ type: 'add_slot', organisation, speaker: '', seconds });
  ack(answer, `add_slot ${organisation}`);
  return `u${answer.seq}`;
}

const slotOf = (snapshot, id) => snapshot.updates.slots.find((s) => s.id === id);

test('a running slot survives kill -9 with the right remaining time (within 250 ms)', { timeout: 60000 }, async () => {
  const { redis, server, fac } = await meetingWithFacilitator();
  const slot = await addSlot(fac.client, 'Town Library', 120);
  const paused = await addSlot(fac.client, 'Head Start', 90);
  ack(await fac.client.command({ type: 'start_slot', slotId: slot }), 'start_slot');
  const started = fac.client.events.find((e) => e.kind === 'slot_started');
  const deadline = started.data.deadline;
  assert.ok(Math.abs(deadline - (Date.now() + 120000)) < 1000, `deadline ${deadline} is about two minutes away`);
  ack(await fac.client.command({ type: 'extend_slot', slotId: slot, seconds: 30 }), 'extend_slot');
  const expected = deadline + 30000;

  await sleep(300);
  await server.kill9();
  const server2 = await startServer({ redisUrl: redis.url });
  const back = await resume(server2.wsUrl, { token: fac.client.token ?? fac.welcome.token });
  const restored = slotOf(back.welcome.meeting, slot);
  assert.equal(restored.state, 'running');
  assert.equal(restored.deadline, expected, 'the deadline is the same absolute time');
  // What a client shows: deadline minus the server's now, which the clock message gives.
  const clock = await back.client.request({ type: 'clock', cid: 't1', t: Date.now() });
  assert.equal(clock.type, 'clock', short(clock));
  assert.equal(clock.cid, 't1');
  const remaining = restored.deadline - clock.serverTime;
  const truth = expected - Date.now();
  assert.ok(Math.abs(remaining - truth) <= 250, `remaining ${remaining} ms vs ${truth} ms`);
  assert.ok(remaining > 140000 && remaining <= 150000, `remaining ${remaining} ms after ~0.5 s of 150 s`);

  // Pause, restart again: the paused time does not run while the server is down.
  ack(await back.client.command({ type: 'pause_slot', slotId: slot }), 'pause_slot');
  const left = back.client.events.find((e) => e.kind === 'slot_paused').data.remainingMs;
  await server2.kill9();
  await sleep(500);
  const server3 = await startServer({ redisUrl: redis.url });
  const again = await resume(server3.wsUrl, { token: back.welcome.token });
  const pausedNow = slotOf(again.welcome.meeting, slot);
  assert.equal(pausedNow.state, 'paused');
  assert.equal(pausedNow.remainingMs, left);
  assert.equal(slotOf(again.welcome.meeting, paused).state, 'pending');
  await server3.stop();
});

test('the server records a time-out once, auto-advances, and a restart past the deadline catches up', { timeout: 60000 }, async () => {
  const { redis, server, meeting, fac } = await meetingWithFacilitator();
  const member = await join(server.wsUrl, { code: meeting.joinCode, name: 'Ana' });
  const first = await addSlot(fac.client, 'Town Library', 1);
  const second = await addSlot(fac.client, 'Head Start', 2);
  const third = await addSlot(fac.client, 'Parks', 60);
  ack(await fac.client.command({ type: 'set_auto_advance', on: true }), 'set_auto_advance');
  ack(await fac.client.command({ type: 'start_slot', slotId: first }), 'start_slot');

  const ended = (id) => (e) => e.kind === 'slot_ended' && e.data.slotId === id;
  await member.client.waitUntil(() => member.client.events.some(ended(first)), 5000, 'first slot ends');
  const byClock = member.client.events.filter((e) => e.data.slotId === first && ['slot_expired', 'slot_ended'].includes(e.kind));
  assert.deepEqual(byClock.map((e) => e.kind), ['slot_expired', 'slot_ended']);
  for (const e of byClock) assert.ok(!('actor' in e) && !('cid' in e), `the clock is nobody: ${short(e)}`);
  assert.equal(byClock[1].data.usedMs, 1000, 'auto-advance cuts the slot at its deadline');
  assert.equal(byClock[1].data.overrunMs, 0);
  // The clock's one command commits expiry, end and the next start together; they arrive as
  // separate frames, so wait for the start and check it directly follows the end.
  const startedSecond = await member.client.waitUntil(
    () => member.client.events.find((e) => e.kind === 'slot_started' && e.data.slotId === second), 5000, 'the next slot started by itself');
  assert.equal(startedSecond.seq, byClock[1].seq + 1, 'the next slot starts in the same commit as the end');

  // kill -9 while the second slot runs, stay down past its deadline, come back: the restart
  // records the time-out (once) and starts the third slot.
  await server.kill9();
  await sleep(2500);
  const server2 = await startServer({ redisUrl: redis.url });
  const back = await resume(server2.wsUrl, { token: member.welcome.token, lastSeq: member.client.lastSeq });
  await back.client.waitUntil(() => back.client.events.some(ended(second)), 5000, 'second slot ends after the restart');
  await back.client.waitUntil(() => back.client.events.some((e) => e.kind === 'slot_started' && e.data.slotId === third), 5000, 'third slot starts');
  await sleep(1200);
  const expiries = back.client.events.filter((e) => e.kind === 'slot_expired' && e.data.slotId === second);
  assert.equal(expiries.length, 1, 'recorded exactly once');
  const fresh = await resume(server2.wsUrl, { token: fac.welcome.token });
  const slots = fresh.welcome.meeting.updates.slots;
  assert.deepEqual(slots.map((s) => s.state), ['done', 'done', 'running']);
  assert.equal(slots[1].usedMs, 2000);
  await server2.stop();
});

test('without auto-advance the overrun runs and next records it; members cannot drive the clock', { timeout: 60000 }, async () => {
  const { server, meeting, fac } = await meetingWithFacilitator();
  const member = await join(server.wsUrl, { code: meeting.joinCode, name: 'Ana' });
  const slot = await addSlot(fac.client, 'Town Library', 1);
  const refused = await member.client.command({ type: 'start_slot', slotId: slot });
  assert.equal(refused.type, 'reject');
  assert.equal(refused.code, 'forbidden');
  ack(await fac.client.command({ type: 'start_slot', slotId: slot }), 'start_slot');
  const twice = await fac.client.command({ type: 'start_slot', slotId: slot });
  assert.equal(twice.code, 'bad_state', short(twice));
  await member.client.waitUntil(() => member.client.events.some((e) => e.kind === 'slot_expired'), 5000, 'time-out');
  await sleep(700);
  const next = await fac.client.command({ type: 'next_slot', slotId: slot });
  ack(next, 'next_slot');
  const end = fac.client.events.find((e) => e.kind === 'slot_ended');
  assert.equal(end.actor, fac.welcome.you.participantId);
  assert.ok(end.data.overrunMs >= 600 && end.data.overrunMs < 3000, `overrun ${end.data.overrunMs} ms`);
  assert.equal(end.data.usedMs, 1000 + end.data.overrunMs);
  const doubleClick = await fac.client.command({ type: 'next_slot', slotId: slot });
  assert.equal(doubleClick.code, 'bad_state');
  const tooLong = await fac.client.command({ type: 'add_slot', organisation: 'Parks', seconds: 3601 });
  assert.equal(tooLong.code, 'invalid_value');
  assert.match(tooLong.message, /1 to 3600 seconds/);
  await server.stop();
});

test('the speaking queue: hands from the room and remote, in order, across a restart', { timeout: 60000 }, async () => {
  const { redis, server, meeting, fac } = await meetingWithFacilitator();
  const ana = await join(server.wsUrl, { code: meeting.joinCode, name: 'Ana', attendance: 'remote' });
  const lee = await join(server.wsUrl, { code: meeting.joinCode, name: 'Lee', attendance: 'room' });
  const watcher = await join(server.wsUrl, { code: meeting.joinCode, name: 'Screen', role: 'observer' });
  ack(await lee.client.command({ type: 'raise_hand' }), 'Lee raises');
  ack(await ana.client.command({ type: 'raise_hand' }), 'Ana raises');
  assert.equal((await watcher.client.command({ type: 'raise_hand' })).code, 'forbidden');
  assert.equal((await ana.client.command({ type: 'raise_hand' })).code, 'bad_state');
  assert.equal((await ana.client.command({ type: 'lower_hand', participantId: lee.welcome.you.participantId })).code, 'forbidden');

  await server.kill9();
  const server2 = await startServer({ redisUrl: redis.url });
  const back = await resume(server2.wsUrl, { token: fac.welcome.token });
  const queue = back.welcome.meeting.queue;
  assert.deepEqual(queue.hands.map((h) => h.participantId), [lee.welcome.you.participantId, ana.welcome.you.participantId]);
  const called = await back.client.command({ type: 'call_next' });
  ack(called, 'call_next');
  const event = back.client.events.find((e) => e.kind === 'speaker_called');
  assert.equal(event.data.participantId, lee.welcome.you.participantId, 'first hand up, first called');
  ack(await back.client.command({ type: 'clear_queue' }), 'clear_queue');
  const after = await resume(server2.wsUrl, { token: ana.welcome.token });
  assert.deepEqual(after.welcome.meeting.queue.hands, []);
  assert.deepEqual(after.welcome.meeting.queue.turns, { [lee.welcome.you.participantId]: 1 });
  await server2.stop();
});
