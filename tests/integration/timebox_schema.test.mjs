// Partner updates, agenda order, the speaking queue and the clock message against the schemas:
// every new command through the real server, refusals of each kind, snapshots taken while a
// slot runs, is paused, has expired and with hands raised, the server's own clock recording a
// time-out (with and without auto-advance) and the end of the meeting. Every message the test
// sends must pass its client schema (or, where the test means to send a bad one, fail it and be
// refused), every message any client receives its server schema (protocol/schema), and the run
// fails if a kind of message, event or snapshot it means to cover did not occur. What the
// server's clock records (slot_expired, and with auto-advance the slot_ended with reason time
// and the slot_started after it) must name no actor and no cid; everything else its sender.

import { test } from 'node:test';
import assert from 'node:assert/strict';

import {
  Client, pace, serverForFile, short, sleep, createMeeting, join, resume, validateClientMessage, validateServerMessage,
} from '../support/harness.mjs';

const env = serverForFile();

const CLIENT_TYPES = ['add_slot', 'update_slot', 'move_slot', 'remove_slot', 'start_slot', 'pause_slot', 'resume_slot',
  'extend_slot', 'next_slot', 'skip_slot', 'set_auto_advance', 'move_section', 'raise_hand', 'lower_hand', 'call_next',
  'clear_queue', 'set_queue_order', 'clock'];
const EVENT_KINDS = ['slot_added', 'slot_updated', 'slot_moved', 'slot_removed', 'slot_started', 'slot_paused',
  'slot_resumed', 'slot_extended', 'slot_expired', 'slot_ended', 'auto_advance_set', 'section_moved', 'hand_raised',
  'hand_lowered', 'speaker_called', 'queue_cleared', 'queue_order_set'];

const sentTypes = new Set();
const sentCids = new Map(); // participant id -> Set of cids it sent

// Sends a message that must pass its client schema; returns the answer with the same cid.
async function send(client, msg) {
  await pace(client);
  const full = { cid: client.nextCid(), ...msg };
  const r = validateClientMessage(full);
  assert.ok(r.valid, `${client.name} would send ${short(full)}, which fails ${r.schema}: ${r.errors.join('; ')}`);
  sentTypes.add(full.type);
  if (client.participantId) {
    if (!sentCids.has(client.participantId)) sentCids.set(client.participantId, new Set());
    sentCids.get(client.participantId).add(full.cid);
  }
  const answer = client.next((m) => ['ack', 'reject', 'welcome', 'clock'].includes(m.type) && m.cid === full.cid, 10000);
  client.send(full);
  return answer;
}

async function ok(client, msg) {
  const answer = await send(client, msg);
  assert.equal(answer.type, 'ack', `${client.name}: ${short(msg)} answered ${short(answer)}`);
  await client.waitForSeq(answer.seq);
  return answer;
}

async function refused(client, msg, code) {
  const answer = await send(client, msg);
  assert.equal(answer.type, 'reject', `${client.name}: ${short(msg)} should be refused, got ${short(answer)}`);
  assert.equal(answer.code, code, `${client.name}: ${short(msg)} answered ${short(answer)}`);
  return answer;
}

// A message that fails its client schema, sent on purpose: the server refuses it with `code`.
async function malformed(client, msg, code) {
  await pace(client);
  const full = { cid: client.nextCid(), ...msg };
  const r = validateClientMessage(full);
  assert.equal(r.valid, false, `${short(full)} should fail its client schema (the server answers ${code})`);
  const answer = await client.request(full);
  assert.equal(answer.type, 'reject', short(answer));
  assert.equal(answer.code, code, `${short(full)} answered ${short(answer)}`);
}

async function clock(client) {
  await pace(client);
  const msg = { type: 'clock', cid: client.nextCid(), t: Date.now() };
  const r = validateClientMessage(msg);
  assert.ok(r.valid, `${short(msg)} fails ${r.schema}: ${r.errors.join('; ')}`);
  sentTypes.add('clock');
  const answer = client.next((m) => m.type === 'clock' && m.cid === msg.cid, 10000);
  client.send(msg);
  const reply = await answer;
  const t2 = Date.now();
  assert.equal(reply.t, msg.t, 'the client\'s time comes back untouched');
  // Same machine: the server's time lies within the round trip (a few ms of clock granularity).
  assert.ok(reply.serverTime >= msg.t - 5 && reply.serverTime <= t2 + 5, `serverTime ${reply.serverTime} not in [${msg.t}, ${t2}]`);
  return reply;
}

function assertSchemaClean(client) {
  assert.deepEqual(client.invalid.map((x) => ({ message: short(x.message, 600), errors: x.errors })), [],
    `${client.name} received messages that fail the server schemas`);
}

const slotOf = (snapshot, id) => snapshot.updates.slots.find((s) => s.id === id);

test('partner updates, agenda order, speaking queue and clock: every frame passes the schemas', { timeout: 90000 }, async () => {
  const wsUrl = env.server.wsUrl;
  const meeting = await createMeeting(env.server.baseUrl, { title: 'Partners', goal: 'Hear every partner' });
  const clients = [];
  const snapshots = []; // {why, meeting, at: serverTime}

  // The clock answers before join; a command does not.
  const early = await Client.connect(wsUrl, { name: 'early' });
  clients.push(early);
  await clock(early);
  await malformed(early, { type: 'clock' }, 'bad_message');
  await refused(early, { type: 'raise_hand' }, 'not_joined');

  const fac = await join(wsUrl, { facilitatorToken: meeting.facilitatorToken, name: 'Sam', attendance: 'room' });
  const ana = await join(wsUrl, { code: meeting.joinCode, name: 'Ana', attendance: 'remote' });
  const ben = await join(wsUrl, { code: meeting.joinCode, name: 'Ben', attendance: 'room' });
  const obs = await join(wsUrl, { code: meeting.joinCode, name: 'Projector', attendance: 'room', role: 'observer' });
  fac.client.name = 'fac'; ana.client.name = 'ana'; ben.client.name = 'ben'; obs.client.name = 'obs';
  clients.push(fac.client, ana.client, ben.client, obs.client);
  for (const w of [fac, ana, ben, obs]) {
    snapshots.push({ why: `join ${w.client.name}`, meeting: w.welcome.meeting });
    assert.ok(w.welcome.meeting.updates && w.welcome.meeting.queue, 'the snapshot carries updates and queue');
    await clock(w.client);
  }
  const [anaId, benId] = [ana.welcome.you.participantId, ben.welcome.you.participantId];
  const F = fac.client;

  const snapshot = async (why, w = obs) => {
    const r = await resume(wsUrl, { token: w.welcome.token, name: `${w.client.name}-${why}` });
    clients.push(r.client);
    snapshots.push({ why, meeting: r.welcome.meeting, serverTime: r.welcome.serverTime });
    return r.welcome.meeting;
  };
  const lastEvent = () => F.events[F.events.length - 1];

  // ---- agenda order
  await ok(F, { type: 'move_section', section: 'partner_updates', index: 1 });
  await ok(F, { type: 'move_section', section: 'wrap_up', index: 99 });
  assert.equal(lastEvent().data.index, 3, 'index clamped to the list');
  await malformed(F, { type: 'move_section', section: 'goal', index: 2 }, 'invalid_value');
  await malformed(F, { type: 'move_section', section: 'action_items', index: 0 }, 'invalid_value');
  await refused(ana.client, { type: 'move_section', section: 'action_items', index: 2 }, 'forbidden');
  const moved = await snapshot('sections moved');
  assert.deepEqual(moved.sections.map((s) => s.id), ['goal', 'partner_updates', 'action_items', 'wrap_up']);

  // ---- slots: the list
  const add = async (organisation, seconds, speaker) => {
    const a = await ok(F, { type: 'add_slot', organisation, seconds, ...(speaker !== undefined ? { speaker } : {}) });
    return `u${a.seq}`;
  };
  const A = await add('Town Library', 120, 'Ana');
  const B = await add('Head Start', 90);
  const C = await add('Parks Department', 60, 'Lee');
  const D = await add('Food Bank', 300, 'Kim');
  await ok(F, { type: 'update_slot', slotId: B, speaker: 'Ben' });
  await ok(F, { type: 'update_slot', slotId: C, organisation: 'Parks', seconds: 75 });
  await ok(F, { type: 'move_slot', slotId: D, index: 1 }); // A, D, B, C
  await ok(F, { type: 'move_slot', slotId: C, index: 99 });
  await refused(ana.client, { type: 'add_slot', organisation: 'Mine', seconds: 60 }, 'forbidden');
  await refused(obs.client, { type: 'start_slot', slotId: A }, 'forbidden');
  await refused(F, { type: 'start_slot', slotId: 'u999' }, 'not_found');
  await malformed(F, { type: 'add_slot', organisation: 'Parks', seconds: 0 }, 'invalid_value');
  await malformed(F, { type: 'add_slot', organisation: 'Parks', seconds: 3601 }, 'invalid_value');
  await malformed(F, { type: 'add_slot', organisation: 'o'.repeat(101), seconds: 60 }, 'too_long');
  await malformed(F, { type: 'update_slot', slotId: A }, 'bad_message');
  await malformed(F, { type: 'set_auto_advance' }, 'bad_message');
  await snapshot('slots pending');

  // ---- running, hands raised, paused
  const started = await ok(F, { type: 'start_slot', slotId: A });
  const startEvent = F.events.find((e) => e.seq === started.seq);
  assert.equal(startEvent.data.deadline, startEvent.at + 120000, 'deadline = start time + seconds');
  await refused(F, { type: 'start_slot', slotId: B }, 'bad_state');
  await refused(F, { type: 'resume_slot', slotId: A }, 'bad_state');
  await refused(F, { type: 'update_slot', slotId: A, seconds: 60 }, 'bad_state');
  await refused(F, { type: 'remove_slot', slotId: A }, 'bad_state');
  await ok(ana.client, { type: 'raise_hand' });
  await ok(ben.client, { type: 'raise_hand' });
  await ok(F, { type: 'raise_hand' });
  await refused(ana.client, { type: 'raise_hand' }, 'bad_state');
  await refused(obs.client, { type: 'raise_hand' }, 'forbidden');
  const running = await snapshot('running with hands', ana);
  assert.equal(slotOf(running, A).state, 'running');
  assert.equal(running.queue.hands.length, 3);
  const paused = await ok(F, { type: 'pause_slot', slotId: A });
  const pauseEvent = F.events.find((e) => e.seq === paused.seq);
  assert.equal(pauseEvent.data.remainingMs, startEvent.data.deadline - pauseEvent.at, 'remaining = deadline - now');
  await refused(F, { type: 'pause_slot', slotId: A }, 'bad_state');
  await ok(F, { type: 'extend_slot', slotId: A, seconds: 30 });
  assert.ok('remainingMs' in lastEvent().data && !('deadline' in lastEvent().data), short(lastEvent()));
  const pausedSnap = await snapshot('paused with hands');
  assert.equal(slotOf(pausedSnap, A).state, 'paused');
  assert.equal(slotOf(pausedSnap, A).extendedSeconds, 30);
  const resumed = await ok(F, { type: 'resume_slot', slotId: A });
  const resumeEvent = F.events.find((e) => e.seq === resumed.seq);
  assert.equal(resumeEvent.data.deadline, resumeEvent.at + pauseEvent.data.remainingMs + 30000, 'deadline = now + remaining');
  await ok(F, { type: 'extend_slot', slotId: A, seconds: 15 });
  assert.ok('deadline' in lastEvent().data && !('remainingMs' in lastEvent().data), short(lastEvent()));

  // ---- the queue
  await refused(ana.client, { type: 'call_next' }, 'forbidden');
  await refused(ana.client, { type: 'lower_hand', participantId: benId }, 'forbidden');
  await ok(F, { type: 'call_next' });
  assert.equal(lastEvent().data.participantId, anaId, 'the first hand up');
  await ok(F, { type: 'lower_hand' });
  await refused(F, { type: 'lower_hand' }, 'bad_state');
  await ok(ana.client, { type: 'raise_hand' });
  await ok(F, { type: 'set_queue_order', order: 'fewest_turns' });
  await malformed(F, { type: 'set_queue_order', order: 'loudest' }, 'invalid_value');
  await ok(F, { type: 'call_next' });
  assert.equal(lastEvent().data.participantId, benId, 'fewest turns first');
  await ok(ben.client, { type: 'raise_hand' });
  await ok(F, { type: 'call_next', participantId: benId });
  await ok(F, { type: 'lower_hand', participantId: anaId });
  await refused(F, { type: 'call_next' }, 'bad_state');
  await ok(ana.client, { type: 'raise_hand' });
  await ok(ana.client, { type: 'lower_hand' });
  await ok(ben.client, { type: 'raise_hand' });
  const queueSnap = await snapshot('queue with turns');
  assert.deepEqual(queueSnap.queue.turns, { [anaId]: 1, [benId]: 2 });
  assert.equal(queueSnap.queue.speaker, benId);
  await ok(F, { type: 'clear_queue' });
  await ok(F, { type: 'set_queue_order', order: 'raised' });

  // ---- ending, skipping, starting again
  await ok(F, { type: 'next_slot', slotId: A }); // ends A, starts D (the next pending in list order)
  assert.deepEqual(F.events.slice(-2).map((e) => [e.kind, e.data.slotId]), [['slot_ended', A], ['slot_started', D]]);
  await refused(F, { type: 'next_slot', slotId: A }, 'bad_state'); // a double click
  await ok(F, { type: 'skip_slot', slotId: C }); // pending: no time used
  assert.deepEqual([lastEvent().data.usedMs, lastEvent().data.overrunMs], [0, 0]);
  await ok(F, { type: 'skip_slot', slotId: D }); // active: B starts
  assert.deepEqual(F.events.slice(-2).map((e) => [e.kind, e.data.slotId]), [['slot_ended', D], ['slot_started', B]]);
  await ok(F, { type: 'next_slot', slotId: B });
  await snapshot('done and skipped');
  await ok(F, { type: 'remove_slot', slotId: C }); // skipped, never ran
  await ok(F, { type: 'start_slot', slotId: D }); // skipped, started later
  const again = await snapshot('a skipped slot started again');
  assert.deepEqual([slotOf(again, D).state, slotOf(again, D).extendedSeconds], ['running', 0]);
  await ok(F, { type: 'next_slot', slotId: D });

  // ---- the server's clock with auto-advance: slot_expired, slot_ended (time), slot_started
  await ok(F, { type: 'set_auto_advance', on: true });
  const E = await add('Quick One', 1);
  const G = await add('After Quick', 120);
  await ok(F, { type: 'start_slot', slotId: E });
  const advanced = await F.waitUntil(() => F.events.find((e) => e.kind === 'slot_started' && e.data.slotId === G), 8000,
    'auto-advance to the next slot');
  const byClock = F.events.filter((e) => e.seq >= advanced.seq - 2 && e.seq <= advanced.seq);
  assert.deepEqual(byClock.map((e) => [e.kind, e.data.slotId]), [['slot_expired', E], ['slot_ended', E], ['slot_started', G]]);
  assert.equal(byClock[1].data.reason, 'time');
  assert.equal(byClock[1].data.usedMs, 1000, 'auto-advance ends the slot at its deadline: the budget used');
  assert.equal(byClock[1].data.overrunMs, 0);
  assert.equal(byClock[2].data.deadline, byClock[2].at + 120000);
  const autoSnap = await snapshot('auto-advanced', ana);
  assert.equal(slotOf(autoSnap, E).endReason, 'time');
  assert.equal(slotOf(autoSnap, G).state, 'running');
  await ok(F, { type: 'set_auto_advance', on: false });
  await ok(F, { type: 'next_slot', slotId: G });

  // ---- the server's clock without auto-advance: slot_expired only, the overrun runs; an
  // extension that gives time back allows a second time-out
  const H = await add('Overrunning', 1, 'Pat');
  const hStart = await ok(F, { type: 'start_slot', slotId: H });
  const firstExpiry = await F.waitUntil(() => F.events.find((e) => e.kind === 'slot_expired' && e.data.slotId === H), 8000,
    'the first time-out');
  assert.equal(firstExpiry.data.deadline, F.events.find((e) => e.seq === hStart.seq).data.deadline);
  await sleep(300);
  assert.equal(F.lastSeq, firstExpiry.seq, 'without auto-advance the time-out ends nothing');
  const expiredSnap = await snapshot('running, expired');
  assert.deepEqual([slotOf(expiredSnap, H).state, slotOf(expiredSnap, H).expired], ['running', true]);
  await ok(F, { type: 'pause_slot', slotId: H });
  assert.ok(lastEvent().data.remainingMs <= 0, `overrun: remaining ${lastEvent().data.remainingMs}`);
  const pausedExpired = await snapshot('paused, expired', ana);
  assert.deepEqual([slotOf(pausedExpired, H).state, slotOf(pausedExpired, H).expired], ['paused', true]);
  await ok(F, { type: 'extend_slot', slotId: H, seconds: 3 });
  assert.ok(lastEvent().data.remainingMs > 0, short(lastEvent()));
  const givenBack = await snapshot('paused, time given back');
  assert.equal(slotOf(givenBack, H).expired, false);
  await ok(F, { type: 'resume_slot', slotId: H });
  const secondExpiry = await F.waitUntil(
    () => F.events.find((e) => e.kind === 'slot_expired' && e.data.slotId === H && e.seq > firstExpiry.seq), 8000,
    'the second time-out');
  assert.ok(secondExpiry.data.deadline > firstExpiry.data.deadline);
  await sleep(200);
  await ok(F, { type: 'next_slot', slotId: H });
  const overrun = lastEvent();
  assert.equal(overrun.kind, 'slot_ended');
  assert.ok(overrun.data.overrunMs > 0, `an overrun: ${short(overrun)}`);
  assert.equal(overrun.data.usedMs, 4000 + overrun.data.overrunMs, 'used = budget + overrun');

  // ---- a missed-events resume replays the clock's events as they were
  const replay = await resume(wsUrl, { token: obs.welcome.token, lastSeq: ana.welcome.version, name: 'obs-lastSeq' });
  assert.equal(replay.welcome.resumeFrom, ana.welcome.version);
  clients.push(replay.client);
  await replay.client.waitForSeq(F.lastSeq);

  // ---- the end of the meeting ends the active slot and brings the hands down
  const last = await add('Last Word', 600);
  await ok(F, { type: 'start_slot', slotId: last });
  await ok(ana.client, { type: 'raise_hand' });
  await snapshot('running with a hand, before the end', ben);
  const ended = await ok(F, { type: 'set_phase', phase: 'ended' });
  const atEnd = F.events.filter((e) => e.cid === F.events.find((x) => x.seq === ended.seq).cid);
  assert.deepEqual(atEnd.map((e) => e.kind), ['phase_set', 'slot_ended', 'queue_cleared']);
  assert.equal(atEnd[1].data.reason, 'meeting_ended');
  await refused(F, { type: 'add_slot', organisation: 'Too late', seconds: 60 }, 'meeting_ended');
  await clock(ana.client); // the clock still answers
  const after = await join(wsUrl, { code: meeting.joinCode, name: 'After', attendance: 'room', role: 'observer' });
  after.client.name = 'after';
  clients.push(after.client);
  snapshots.push({ why: 'after the end', meeting: after.welcome.meeting });
  assert.equal(after.welcome.meeting.queue.hands.length, 0);
  assert.ok(after.welcome.meeting.updates.slots.every((s) => ['done', 'skipped'].includes(s.state)));
  for (const c of clients) if (c.participantId) await c.waitForSeq(ended.seq);

  // ---- who made each event: the clock nobody, everything else its sender
  const events = replay.client.events.concat(F.events.filter((e) => e.seq > replay.client.lastSeq));
  const bySeq = new Map(F.events.map((e) => [e.seq, e]));
  const isClock = (e) => e.kind === 'slot_expired' || (e.kind === 'slot_ended' && e.data.reason === 'time') ||
    (e.kind === 'slot_started' && bySeq.get(e.seq - 1)?.kind === 'slot_ended' && bySeq.get(e.seq - 1).data.reason === 'time');
  const mine = EVENT_KINDS.concat(['phase_set']);
  let clockEvents = 0;
  for (const e of F.events.filter((x) => mine.includes(x.kind))) {
    if (isClock(e)) {
      clockEvents += 1;
      assert.ok(!('actor' in e) && !('cid' in e), `the server's clock is nobody: ${short(e)}`);
    } else {
      assert.ok(sentCids.get(e.actor)?.has(e.cid), `${short(e)} should name its sender and the sender's cid`);
    }
  }
  assert.equal(clockEvents, 5, 'two time-outs, one auto-advanced end and start');
  for (const e of replay.client.events) {
    assert.deepEqual(e, bySeq.get(e.seq), 'a replayed event is the event as it was');
  }
  assert.ok(events.some((e) => e.kind === 'slot_expired'), 'the replay carries the clock\'s events');

  // ---- coverage: without these the schemas would have had nothing to check
  for (const t of CLIENT_TYPES) assert.ok(sentTypes.has(t), `no ${t} sent`);
  const kinds = new Set(F.events.map((e) => e.kind));
  for (const k of EVENT_KINDS) assert.ok(kinds.has(k), `no ${k} event`);
  const reasons = new Set(F.events.filter((e) => e.kind === 'slot_ended').map((e) => e.data.reason));
  assert.deepEqual([...reasons].sort(), ['meeting_ended', 'next', 'skip', 'time']);
  const received = new Set(clients.flatMap((c) => c.messages.map((m) => m.type)));
  for (const t of ['welcome', 'event', 'ack', 'reject', 'clock', 'presence']) assert.ok(received.has(t), `no ${t} received`);
  const slotViews = snapshots.flatMap((s) => s.meeting.updates.slots);
  for (const state of ['pending', 'running', 'paused', 'done', 'skipped']) {
    assert.ok(slotViews.some((s) => s.state === state), `no ${state} slot in a snapshot`);
  }
  for (const [state, expired] of [['running', true], ['running', false], ['paused', true], ['paused', false]]) {
    assert.ok(slotViews.some((s) => s.state === state && s.expired === expired), `no ${state} slot with expired ${expired}`);
  }
  assert.ok(snapshots.some((s) => s.meeting.queue.hands.length >= 2 && s.meeting.updates.slots.some((x) => x.state === 'running')),
    'no snapshot with hands raised while a slot runs');
  assert.ok(snapshots.some((s) => s.meeting.queue.hands.length >= 2 && s.meeting.updates.slots.some((x) => x.state === 'paused')),
    'no snapshot with hands raised while a slot is paused');
  assert.ok(snapshots.some((s) => s.meeting.queue.order === 'fewest_turns' && s.meeting.queue.speaker !== null));
  assert.ok(snapshots.some((s) => s.meeting.updates.autoAdvance === true));

  // ---- the schemas are not vacuous: what the clock records, with a name, fails
  const expiry = F.events.find((e) => e.kind === 'slot_expired');
  const timeEnd = F.events.find((e) => e.kind === 'slot_ended' && e.data.reason === 'time');
  assert.equal(validateServerMessage({ ...expiry, actor: fac.welcome.you.participantId }).valid, false,
    'a slot_expired with an actor passes the schema');
  assert.equal(validateServerMessage({ ...expiry, cid: 'c1' }).valid, false, 'a slot_expired with a cid passes the schema');
  assert.equal(validateServerMessage({ ...timeEnd, actor: fac.welcome.you.participantId, cid: 'c1' }).valid, false,
    'a slot_ended by time with an actor passes the schema');
  const nextEnd = F.events.find((e) => e.kind === 'slot_ended' && e.data.reason === 'next');
  const { actor: _a, cid: _c, ...anonymousEnd } = nextEnd;
  assert.equal(validateServerMessage(anonymousEnd).valid, false, 'a slot_ended by next_slot without its actor passes');
  const runningSnap = snapshots.find((s) => s.why === 'running with hands').meeting;
  const broken = { ...runningSnap, updates: { ...runningSnap.updates,
    slots: runningSnap.updates.slots.map((s) => (s.state === 'running' ? { ...s, deadline: undefined, remainingMs: 1 } : s)) } };
  assert.equal(validateServerMessage({ ...fac.welcome, meeting: JSON.parse(JSON.stringify(broken)) }).valid, false,
    'a running slot with remainingMs instead of its deadline passes the snapshot schema');

  for (const c of clients) assertSchemaClean(c);
  for (const c of clients) await c.close();
});
