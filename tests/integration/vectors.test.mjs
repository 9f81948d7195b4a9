// Replays every protocol/vectors/*.json through the real roundtable binary and a real
// redis-env.server, one WebSocket per participant (format: protocol/vectors/README.md).
//
// Per vector: create the meeting over HTTP, join the participants in order (p2, p3, ...), then
// for each step send on the participant's connection, match `expect` as a subset of the answer
// with the same cid, and match `events` (in order, as subsets, exact count) against the events
// every participant receives for that step. At the end a sentinel update_profile proves that no
// step produced an event it should not have, and a fresh observer's snapshot must equal the
// fold of the events everyone saw.

import { test } from 'node:test';
import assert from 'node:assert/strict';

import { serverForFile, short as shortJson, createMeeting, join, isSubset } from '../support/harness.mjs';
import { loadVectors, rawOf, answerCidOf } from '../support/vectors.mjs';
import { apply as applyOp } from '../../web-client/text_ot.js';

const ANSWERS = new Set(['welcome', 'ack', 'reject']);
const STEP_TIMEOUT = 10000;

const env = serverForFile();
const short = (v) => shortJson(v, 400);

// ---- a minimal fold of events over a snapshot, to check snapshots against event streams
function clone(v) { return JSON.parse(JSON.stringify(v)); }

function applyEvent(state, e) {
  const d = e.data;
  const item = (id) => state.items.find((i) => i.id === id);
  switch (e.kind) {
    case 'participant_joined':
      state.participants.push({ id: d.participantId, name: d.name, role: d.role, attendance: d.attendance,
        organisation: d.organisation });
      break;
    case 'participant_updated': {
      const p = state.participants.find((x) => x.id === d.participantId);
      assert.ok(p, `participant_updated for unknown ${d.participantId}`);
      for (const k of ['name', 'attendance', 'organisation']) if (k in d) p[k] = d[k];
      break;
    }
    case 'title_set': state.title = d.title; break;
    case 'goal_set': state.goal = d.goal; break;
    case 'phase_set': state.phase = d.phase; break;
    case 'item_added':
      state.items.splice(d.index, 0, { id: d.itemId, title: d.title, notes: d.notes, owner: d.owner, due: d.due,
        status: d.status, createdBy: e.actor });
      break;
    case 'item_updated': {
      const it = item(d.itemId);
      assert.ok(it, `item_updated for unknown ${d.itemId}`);
      for (const k of ['title', 'notes', 'owner', 'due', 'status']) if (k in d) it[k] = d[k];
      break;
    }
    case 'text_edited': {
      if (d.field === 'goal') {
        state.goal = applyOp(state.goal, d.op);
      } else {
        const it = item(d.itemId);
        assert.ok(it, `text_edited for unknown ${d.itemId}`);
        it[d.field] = applyOp(it[d.field], d.op);
      }
      break;
    }
    case 'item_moved': {
      const i = state.items.findIndex((x) => x.id === d.itemId);
      assert.ok(i >= 0, `item_moved for unknown ${d.itemId}`);
      const [it] = state.items.splice(i, 1);
      state.items.splice(d.index, 0, it);
      break;
    }
    case 'item_deleted':
      state.items = state.items.filter((x) => x.id !== d.itemId);
      break;
    case 'vote_resolved': {
      const it = item(d.itemId);
      assert.ok(it, `vote_resolved for unknown ${d.itemId}`);
      it.status = d.status;
      break;
    }
    case 'vote_opened': case 'ballot_cast': case 'vote_closed':
      break; // votes are not part of the compared state; an item's status changes only by vote_resolved
    case 'section_moved': {
      const i = state.sections.findIndex((x) => x.id === d.section);
      assert.ok(i > 0, `section_moved of ${d.section}`);
      const [sec] = state.sections.splice(i, 1);
      state.sections.splice(Math.max(1, Math.min(d.index, state.sections.length)), 0, sec);
      break;
    }
    default:
      if (!applySlotEvent(state.updates, e) && !applyQueueEvent(state.queue, e)) {
        assert.fail(`unexpected event kind ${e.kind}`);
      }
  }
}

// Partner updates (PROTOCOL.md, "Partner updates"): every field of the snapshot's slots comes
// from an event, times included, so the fold must equal the snapshot exactly.
const TIME_FIELDS = ['deadline', 'remainingMs', 'expired', 'usedMs', 'overrunMs', 'endReason'];
function applySlotEvent(u, e) {
  const d = e.data;
  const slot = () => {
    const s = u.slots.find((x) => x.id === d.slotId);
    assert.ok(s, `${e.kind} for unknown slot ${d.slotId}`);
    return s;
  };
  const set = (s, state, fields) => {
    for (const k of TIME_FIELDS) delete s[k];
    Object.assign(s, { state }, fields);
  };
  switch (e.kind) {
    case 'slot_added':
      u.slots.splice(d.index, 0, { id: d.slotId, organisation: d.organisation, speaker: d.speaker, seconds: d.seconds,
        extendedSeconds: 0, state: 'pending' });
      break;
    case 'slot_updated': {
      const s = slot();
      for (const k of ['organisation', 'speaker', 'seconds']) if (k in d) s[k] = d[k];
      break;
    }
    case 'slot_moved': {
      const i = u.slots.findIndex((x) => x.id === d.slotId);
      assert.ok(i >= 0, `slot_moved of unknown ${d.slotId}`);
      const [s] = u.slots.splice(i, 1);
      u.slots.splice(Math.min(d.index, u.slots.length), 0, s);
      break;
    }
    case 'slot_removed':
      slot();
      u.slots = u.slots.filter((x) => x.id !== d.slotId);
      break;
    case 'slot_started': { // a fresh time-box, also for a skipped slot started again
      const s = slot();
      s.extendedSeconds = 0;
      set(s, 'running', { deadline: d.deadline, expired: false });
      break;
    }
    case 'slot_paused': { const s = slot(); set(s, 'paused', { remainingMs: d.remainingMs, expired: s.expired }); break; }
    case 'slot_resumed': { const s = slot(); set(s, 'running', { deadline: d.deadline, expired: s.expired }); break; }
    case 'slot_extended': {
      const s = slot();
      s.extendedSeconds += d.seconds;
      if ('deadline' in d) s.deadline = d.deadline;
      else s.remainingMs = d.remainingMs;
      // Time given back after the time-out: the next time-out is recorded again.
      if ((s.state === 'running' ? s.deadline - e.at : s.remainingMs) > 0) s.expired = false;
      break;
    }
    case 'slot_expired': slot().expired = true; break;
    case 'slot_ended':
      set(slot(), d.state, { usedMs: d.usedMs, overrunMs: d.overrunMs, endReason: d.reason });
      break;
    case 'auto_advance_set': u.autoAdvance = d.on; break;
    default: return false;
  }
  return true;
}

// The speaking queue (PROTOCOL.md, "Speaking queue").
function applyQueueEvent(q, e) {
  const d = e.data;
  const lower = (pid) => {
    assert.ok(q.hands.some((h) => h.participantId === pid), `${e.kind}: the hand of ${pid} is not raised`);
    q.hands = q.hands.filter((h) => h.participantId !== pid);
  };
  switch (e.kind) {
    case 'hand_raised': q.hands.push({ participantId: d.participantId, raisedAt: e.at }); break;
    case 'hand_lowered': lower(d.participantId); break;
    case 'speaker_called':
      lower(d.participantId);
      q.turns[d.participantId] = (q.turns[d.participantId] ?? 0) + 1;
      q.speaker = d.participantId;
      break;
    case 'queue_cleared': q.hands = []; q.speaker = null; break;
    case 'queue_order_set': q.order = d.order; break;
    default: return false;
  }
  return true;
}

function comparable(snapshot) {
  return {
    title: snapshot.title,
    goal: snapshot.goal,
    phase: snapshot.phase,
    participants: snapshot.participants.map(({ id, name, role, attendance, organisation }) =>
      ({ id, name, role, attendance, organisation })).sort((a, b) => a.id.localeCompare(b.id)),
    items: snapshot.items.map(({ id, title, notes, owner, due, status, createdBy }) =>
      ({ id, title, notes, owner, due, status, createdBy })),
    sections: snapshot.sections.map(({ id, title }) => ({ id, title })),
    updates: snapshot.updates,
    queue: snapshot.queue,
  };
}

async function replay(file, vector) {
  const meeting = await createMeeting(env.server.baseUrl, vector.meeting);
  const conns = new Map(); // as -> {client, pid, p}
  const order = [];

  // Joins: participant k gets id p(k+2) and version k+2; the others see participant_joined.
  for (const [k, p] of vector.participants.entries()) {
    const seq = k + 2;
    const opts = p.role === 'facilitator'
      ? { facilitatorToken: meeting.facilitatorToken }
      : { code: meeting.joinCode, role: p.role };
    const { client, welcome } = await join(env.server.wsUrl, {
      ...opts, name: p.name, attendance: p.attendance, organisation: p.organisation ?? '', cid: `join-${p.as}`,
      timeoutMs: STEP_TIMEOUT,
    });
    client.name = `${file}:${p.as}`;
    assert.equal(welcome.you.participantId, `p${seq}`, `${file}: ${p.as} joined as ${welcome.you.participantId}`);
    assert.equal(welcome.you.role, p.role, `${file}: ${p.as} role`);
    assert.equal(welcome.version, seq, `${file}: ${p.as} welcome version`);
    assert.ok(welcome.meeting, `${file}: join answers with a snapshot`);
    for (const other of order) {
      await other.client.waitForSeq(seq, STEP_TIMEOUT);
      const [e] = other.client.eventsBetween(seq - 1, seq);
      assert.ok(e && e.kind === 'participant_joined' && e.data.participantId === `p${seq}`,
        `${file}: ${other.p.as} should see participant_joined p${seq}, got ${short(e)}`);
    }
    const conn = { client, pid: `p${seq}`, p };
    conns.set(p.as, conn);
    order.push(conn);
  }

  let version = 1 + vector.participants.length;
  const stepOfCid = new Map(); // `${pid}/${cid}` -> step index, to name culprits
  const anonymousVotes = new Set(); // voteIds of anonymous votes, from their vote_opened

  for (const [i, step] of vector.steps.entries()) {
    const conn = conns.get(step.as);
    assert.ok(conn, `${file} step ${i}: unknown participant ${step.as}`);
    const raw = rawOf(step);
    const cid = answerCidOf(step);
    const sent = raw !== null ? raw : step.send;
    const where = `${file} step ${i} (${step.as} sent ${short(sent)})`;
    if (cid !== null) stepOfCid.set(`${conn.pid}/${cid}`, i);

    const answerP = conn.client.next((m) => ANSWERS.has(m.type) && (m.cid ?? null) === cid, STEP_TIMEOUT);
    if (raw !== null) conn.client.sendRaw(raw);
    else conn.client.send(step.send);
    let answer;
    try {
      answer = await answerP;
    } catch (e) {
      throw new Error(`${where}: no answer: ${e.message}`);
    }
    assert.ok(isSubset(step.expect, answer), `${where}: expected ${short(step.expect)}, got ${short(answer)}`);

    if (answer.type === 'ack' && answer.seq > version) {
      const to = answer.seq;
      let first = null;
      for (const c of order) {
        await c.client.waitForSeq(to, STEP_TIMEOUT).catch((e) => {
          throw new Error(`${where}: ${c.p.as} did not receive events up to seq ${to}: ${e.message}`);
        });
        const got = c.client.eventsBetween(version, to);
        assert.deepEqual(got.map((e) => e.seq), Array.from({ length: to - version }, (_, j) => version + 1 + j),
          `${where}: ${c.p.as} received seqs ${got.map((e) => e.seq)} for (${version}, ${to}]`);
        if (step.events !== undefined) {
          assert.equal(got.length, step.events.length,
            `${where}: ${c.p.as} expected ${step.events.length} event(s), got ${short(got)}`);
          step.events.forEach((exp, j) => {
            assert.ok(isSubset(exp, got[j]), `${where}: ${c.p.as} event ${j}: expected ${short(exp)}, got ${short(got[j])}`);
          });
        }
        for (const e of got) {
          if (e.kind === 'vote_opened' && e.data.visibility === 'anonymous') anonymousVotes.add(e.data.voteId);
          // The ballot_cast of an anonymous vote names nobody: no actor, no cid, no voter, no ballot.
          if (e.kind === 'ballot_cast' && anonymousVotes.has(e.data.voteId)) {
            for (const k of ['actor', 'cid']) assert.ok(!(k in e), `${where}: anonymous ballot has ${k}: ${short(e)}`);
            for (const k of ['voter', 'ballot', 'recorded']) {
              assert.ok(!(k in e.data), `${where}: anonymous ballot data has ${k}: ${short(e)}`);
            }
            continue;
          }
          assert.equal(e.actor, conn.pid, `${where}: event ${short(e)} has the wrong actor`);
          if (cid !== null) assert.equal(e.cid, cid, `${where}: event ${short(e)} has the wrong cid`);
        }
        if (first === null) first = got;
        else assert.deepEqual(got, first, `${where}: ${c.p.as} saw different events than ${order[0].p.as}`);
      }
      version = to;
    } else if (step.events !== undefined && step.events.length > 0) {
      assert.fail(`${where}: expected events ${short(step.events)} but the answer ${short(answer)} produced none`);
    }
  }

  // Sentinel: one more event by the first participant; it must be exactly version + 1, so no
  // rejected or duplicate step slipped an event in.
  const first = order[0];
  const sentinel = await first.client.command({ type: 'update_profile', organisation: first.p.organisation ?? '' },
    STEP_TIMEOUT);
  assert.equal(sentinel.type, 'ack', `${file}: sentinel update_profile answered ${short(sentinel)}`);
  for (const c of order) {
    await c.client.waitForSeq(sentinel.seq, STEP_TIMEOUT);
    const extra = c.client.eventsBetween(version, sentinel.seq - 1);
    assert.equal(extra.length, 0, `${file}: events no step acknowledged: ${short(extra.map((e) => ({
      ...e, fromStep: stepOfCid.get(`${e.actor}/${e.cid}`) })))}`);
    assert.equal(sentinel.seq, version + 1, `${file}: sentinel seq`);
    // The whole stream since the join: contiguous, no duplicates.
    const seqs = c.client.events.map((e) => e.seq);
    const start = c.client.welcome.version;
    assert.deepEqual(seqs, Array.from({ length: sentinel.seq - start }, (_, j) => start + 1 + j),
      `${file}: ${c.p.as} event stream is not contiguous: ${seqs}`);
    assert.deepEqual(c.client.invalid, [], `${file}: ${c.p.as} received messages failing the env.server schemas`);
  }

  // A fresh observer's snapshot equals the first participant's snapshot folded with its events.
  const state = clone(first.client.welcome.meeting);
  for (const e of first.client.events) applyEvent(state, e);
  const { client: checker, welcome } = await join(env.server.wsUrl, {
    code: meeting.joinCode, role: 'observer', name: 'Checker', attendance: 'remote', organisation: '',
    timeoutMs: STEP_TIMEOUT,
  });
  assert.equal(welcome.version, sentinel.seq + 1, `${file}: checker welcome version`);
  const snap = comparable(welcome.meeting);
  snap.participants = snap.participants.filter((p) => p.id !== welcome.you.participantId);
  assert.deepEqual(snap, comparable(state), `${file}: snapshot after the steps differs from the fold of the events`);

  checker.terminate();
  for (const c of order) await c.client.close();
}

for (const { file, vector } of loadVectors()) {
  test(`vector ${file}: ${vector.description}`, { timeout: 120000 }, async () => {
    await replay(file, vector);
  });
}
