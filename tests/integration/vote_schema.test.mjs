// Live votes against the schemas: every method with every visibility and results setting,
// shows of hands, a late joiner, resumes, and closes of every reason (the facilitator, all
// voted, the deadline, the end of the meeting) through the real server. Every command the
// test sends must pass its client schema, every message any client receives its server
// schema (protocol/schema), and the schemas must see what they check: the run fails if a kind
// of vote, event or snapshot it means to cover did not occur.

import { test } from 'node:test';
import assert from 'node:assert/strict';

import {
  pace, serverForFile, short, createMeeting, join, resume, validateClientMessage, validateServerMessage,
} from '../support/harness.mjs';

const env = serverForFile();

const COMBOS = [];
for (const method of ['consent', 'fist', 'dots']) {
  for (const visibility of ['open', 'anonymous']) {
    for (const results of ['live', 'hidden']) COMBOS.push({ method, visibility, results });
  }
}

// Sends a command that must pass its client schema; returns the answer.
async function send(client, msg) {
  await pace(client);
  const full = { cid: client.nextCid(), ...msg };
  const r = validateClientMessage(full);
  assert.ok(r.valid, `${client.name} would send ${short(full)}, which fails ${r.schema}: ${r.errors.join('; ')}`);
  return client.request(full);
}

async function ok(client, msg) {
  const answer = await send(client, msg);
  assert.equal(answer.type, 'ack', `${client.name}: ${short(msg)} answered ${short(answer)}`);
  return answer;
}

function assertSchemaClean(client) {
  assert.deepEqual(client.invalid.map((x) => ({ message: short(x.message, 600), errors: x.errors })), [],
    `${client.name} received messages that fail the server schemas`);
}

function ballotFor(method, k) {
  if (method === 'consent') {
    return k % 4 === 3 ? { choice: 'block', reason: `reason ${k}` } : { choice: ['agree', 'disagree', 'abstain'][k % 3] };
  }
  if (method === 'fist') return { fist: k % 6 };
  return { dots: k % 2 ? { i6: 1, i7: 1 } : { i7: 2, i6: 0 } };
}

test('votes of every method, visibility and results: every frame passes the schemas', { timeout: 60000 }, async () => {
  const meeting = await createMeeting(env.server.baseUrl, { title: 'Votes', goal: 'Decide together' });
  const wsUrl = env.server.wsUrl;
  const fac = await join(wsUrl, { facilitatorToken: meeting.facilitatorToken, name: 'Sam', attendance: 'room' });
  const ana = await join(wsUrl, { code: meeting.joinCode, name: 'Ana', attendance: 'remote' });
  const ben = await join(wsUrl, { code: meeting.joinCode, name: 'Ben', attendance: 'room' });
  const obs = await join(wsUrl, { code: meeting.joinCode, name: 'Projector', attendance: 'room', role: 'observer' });
  fac.client.name = 'fac'; ana.client.name = 'ana'; ben.client.name = 'ben'; obs.client.name = 'obs';
  const benId = ben.welcome.you.participantId;
  const clients = [fac.client, ana.client, ben.client, obs.client];

  await ok(fac.client, { type: 'add_item', title: 'Book fair flyer' });
  await ok(fac.client, { type: 'add_item', title: 'Reading corner' });
  const itemIds = fac.client.events.filter((e) => e.kind === 'item_added').map((e) => e.data.itemId);
  assert.deepEqual(itemIds, ['i6', 'i7']);

  // Every combination, in two rounds of six (at most 10 votes are open at once): open one vote
  // per combination; ballots from members and the facilitator, changed minds, shows of hands
  // by id and by name; snapshots while they are open; the facilitator closes them and resolves
  // those on one item. A member joins during the first round: eligible in its open votes.
  const votes = [];
  const resumed = [];
  const snapshots = async (round) => {
    for (const [who, w] of [['fac', fac], ['ana', ana], ['ben', ben], ['obs', obs], ['late', late]]) {
      if (!w) continue;
      const r = await resume(wsUrl, { token: w.welcome.token, name: `${who}-resumed-${round}` });
      resumed.push(r);
      clients.push(r.client);
    }
  };
  let late = null;
  for (const round of [0, 1]) {
    const batch = [];
    for (const [k, combo] of COMBOS.entries()) {
      if (Math.floor(k / 6) !== round) continue;
      const msg = { type: 'open_vote', method: combo.method, visibility: combo.visibility, results: combo.results };
      if (combo.method === 'dots') Object.assign(msg, { itemIds, dotBudget: 2, dotsPerItem: 2, question: 'Which first?' });
      else msg.itemIds = [itemIds[k % 2]];
      if (combo.method === 'consent') msg.allowBlock = true;
      if (k % 3 === 0) msg.quorum = 3;
      const opened = await ok(fac.client, msg);
      batch.push({ ...combo, id: `v${opened.seq}`, k });
    }
    for (const v of batch) {
      await ok(ana.client, { type: 'cast_ballot', voteId: v.id, ballot: ballotFor(v.method, v.k) });
      await ok(ana.client, { type: 'cast_ballot', voteId: v.id, ballot: ballotFor(v.method, v.k + 1) });
      await ok(fac.client, { type: 'record_ballot', voteId: v.id, participantId: benId, ballot: ballotFor(v.method, v.k + 2) });
      await ok(fac.client, { type: 'record_ballot', voteId: v.id, name: 'Dolores', ballot: ballotFor(v.method, v.k + 3) });
      const refused = await send(obs.client, { type: 'cast_ballot', voteId: v.id, ballot: ballotFor(v.method, 0) });
      assert.equal(refused.code, 'forbidden');
    }
    if (!late) {
      late = await join(wsUrl, { code: meeting.joinCode, name: 'Late', attendance: 'remote' });
      late.client.name = 'late';
      clients.push(late.client);
      assert.equal(late.welcome.meeting.votes.length, batch.length);
    }
    for (const v of batch) await ok(late.client, { type: 'cast_ballot', voteId: v.id, ballot: ballotFor(v.method, v.k + 4) });
    await snapshots(`${round}-open`);
    for (const v of batch) {
      await ok(fac.client, { type: 'close_vote', voteId: v.id });
      if (v.method !== 'dots') await ok(fac.client, { type: 'resolve_vote', voteId: v.id, status: 'agreed' });
      const again = await send(fac.client, { type: 'resolve_vote', voteId: v.id, status: 'done' });
      assert.equal(again.code, 'not_resolvable');
    }
    votes.push(...batch);
  }
  await snapshots('closed');

  // Close when all voted (open and anonymous), and a time limit the server closes by itself.
  for (const visibility of ['open', 'anonymous']) {
    const opened = await ok(fac.client, { type: 'open_vote', method: 'consent', question: 'Lunch now?', visibility,
      closeWhenAllVoted: true });
    const voteId = `v${opened.seq}`;
    for (const c of [fac.client, ana.client, ben.client]) {
      await ok(c, { type: 'cast_ballot', voteId, ballot: { choice: 'agree' } });
    }
    const last = await ok(late.client, { type: 'cast_ballot', voteId, ballot: { choice: 'abstain' } });
    await fac.client.waitForSeq(last.seq);
    const closed = fac.client.events.find((e) => e.seq === last.seq);
    assert.equal(closed.kind, 'vote_closed');
    assert.equal(closed.data.reason, 'all_voted');
  }
  const timed = await ok(fac.client, { type: 'open_vote', method: 'fist', question: 'Confident?', timeLimit: 5 });
  await ok(ana.client, { type: 'cast_ballot', voteId: `v${timed.seq}`, ballot: { fist: 3 } });
  const leftOpen = await ok(fac.client, { type: 'open_vote', method: 'dots', itemIds, dotBudget: 1, visibility: 'anonymous',
    results: 'hidden' });
  await ok(ben.client, { type: 'cast_ballot', voteId: `v${leftOpen.seq}`, ballot: { dots: { i7: 1 } } });

  // An event resume: the votes' events replayed.
  const fromSeq = await resume(wsUrl, { token: ana.welcome.token, lastSeq: ana.welcome.version, name: 'ana-lastSeq' });
  assert.equal(fromSeq.welcome.resumeFrom, ana.welcome.version);
  clients.push(fromSeq.client);

  // The deadline close (no actor), then the end of the meeting closes what is still open.
  const deadlineClose = await fac.client.waitUntil(
    () => fac.client.events.find((e) => e.kind === 'vote_closed' && e.data.voteId === `v${timed.seq}`), 9000,
    'the deadline close');
  assert.equal(deadlineClose.data.reason, 'deadline');
  const ended = await ok(fac.client, { type: 'set_phase', phase: 'ended' });
  const after = await join(wsUrl, { code: meeting.joinCode, name: 'After', attendance: 'room', role: 'observer' });
  after.client.name = 'after';
  clients.push(after.client);
  for (const c of clients) await c.waitForSeq(ended.seq);

  // What the run covered: without these the schemas would have had nothing to check.
  const events = fac.client.events;
  const kinds = new Set(events.map((e) => e.kind));
  for (const k of ['vote_opened', 'ballot_cast', 'vote_closed', 'vote_resolved']) assert.ok(kinds.has(k), `no ${k}`);
  const reasons = new Set(events.filter((e) => e.kind === 'vote_closed').map((e) => e.data.reason));
  assert.deepEqual([...reasons].sort(), ['all_voted', 'deadline', 'facilitator', 'meeting_ended']);
  const anonymousIds = new Set(events.filter((e) => e.kind === 'vote_opened' && e.data.visibility === 'anonymous')
    .map((e) => e.data.voteId));
  const anonymousBallots = events.filter((e) => e.kind === 'ballot_cast' && anonymousIds.has(e.data.voteId));
  assert.ok(anonymousBallots.length >= 20, `only ${anonymousBallots.length} anonymous ballot_cast events`);
  for (const e of anonymousBallots) {
    assert.ok(!('actor' in e) && !('cid' in e) && !('voter' in e.data) && !('ballot' in e.data), short(e));
  }
  const snapshotVotes = resumed.flatMap((r) => r.welcome.meeting.votes);
  for (const combo of COMBOS) {
    for (const state of ['open', 'closed']) {
      assert.ok(snapshotVotes.some((v) => v.method === combo.method && v.visibility === combo.visibility &&
        v.results === combo.results && v.state === state), `no ${state} ${JSON.stringify(combo)} vote in a snapshot`);
    }
  }
  assert.ok(snapshotVotes.some((v) => v.resolved), 'no resolved vote in a snapshot');
  assert.ok(snapshotVotes.some((v) => v.yourBallotRecorded === true), 'no recorded ballot of the viewer in a snapshot');
  for (const v of snapshotVotes) {
    assert.equal('yourBallot' in v, 'yourBallotRecorded' in v, `yourBallot and yourBallotRecorded go together: ${short(v)}`);
  }
  const endedVotes = after.welcome.meeting.votes;
  assert.ok(endedVotes.length >= votes.length + 3 && endedVotes.every((v) => v.state === 'closed'));

  // The schemas are not vacuous: a received anonymous ballot with its voter named fails.
  const leaked = { ...anonymousBallots[0], actor: fac.welcome.you.participantId, cid: 'c1' };
  assert.equal(validateServerMessage(leaked).valid, false, 'an anonymous ballot_cast with an actor passes the schema');
  const leakedData = { ...anonymousBallots[0], data: { ...anonymousBallots[0].data, voter: 'p3' } };
  assert.equal(validateServerMessage(leakedData).valid, false, 'an anonymous ballot_cast with a voter passes the schema');

  for (const c of clients) assertSchemaClean(c);
  for (const c of clients) await c.close();
});

// PROTOCOL.md, "Secrecy of anonymous votes": nobody may learn who voted what in an anonymous
// vote. The close that a closeWhenAllVoted ballot triggers is an event of the same command;
// if it carried that command's actor and cid, everyone would learn who cast the last ballot,
// and with live results the tallies before and after would tell what it was (a bug found by
// this test).
test('anonymous close-when-all-voted: the close does not name the last voter', { timeout: 30000 }, async () => {
  const meeting = await createMeeting(env.server.baseUrl, { title: 'Secret', goal: 'Nobody knows' });
  const fac = await join(env.server.wsUrl, { facilitatorToken: meeting.facilitatorToken, name: 'Sam', attendance: 'room' });
  const ana = await join(env.server.wsUrl, { code: meeting.joinCode, name: 'Ana', attendance: 'remote' });
  const opened = await ok(fac.client, { type: 'open_vote', method: 'fist', question: 'Confident?', visibility: 'anonymous',
    closeWhenAllVoted: true });
  const voteId = `v${opened.seq}`;
  await ok(fac.client, { type: 'cast_ballot', voteId, ballot: { fist: 5 } });
  const last = await ok(ana.client, { type: 'cast_ballot', voteId, ballot: { fist: 1 } });
  await fac.client.waitForSeq(last.seq);
  const close = fac.client.events.find((e) => e.seq === last.seq);
  try {
    assert.equal(close.kind, 'vote_closed');
    assert.ok(!('actor' in close) && !('cid' in close), `the close names the last voter: ${short(close)}`);
  } finally {
    await fac.client.close();
    await ana.client.close();
  }
});
