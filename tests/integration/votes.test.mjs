// Live votes against the real server and Redis: 100 members voting at once with changed
// minds and reconnects, exact tallies; anonymous secrecy checked on every frame any client
// received (live, on resume, after a restart); the deadline closed by the server, also across
// kill -9; no ballot lost or counted twice across kill -9.

import { test, after } from 'node:test';
import assert from 'node:assert/strict';

import {
  startRedis, startServer, createMeeting, join, resume, cleanup, short, sleep,
} from '../support/harness.mjs';

after(cleanup);

async function stack() {
  const redis = await startRedis();
  const server = await startServer({ redisUrl: redis.url });
  return { redis, server };
}

async function joinMany(wsUrl, code, n, { prefix = 'm', attendance = 'remote' } = {}) {
  const members = [];
  for (let start = 0; start < n; start += 20) {
    const batch = [];
    for (let i = start; i < Math.min(n, start + 20); i++) {
      batch.push(join(wsUrl, { code, name: `${prefix}${i}`, attendance, organisation: 'Org' }));
    }
    members.push(...await Promise.all(batch));
  }
  return members;
}

const ack = (answer, what) => assert.equal(answer.type, 'ack', `${what}: ${short(answer)}`);

function fistTallies(ballots) {
  const counts = [0, 0, 0, 0, 0, 0];
  for (const v of ballots.values()) counts[v]++;
  return counts;
}

test('100 members vote at once in a blind vote, change their minds, reconnect mid-vote: the tally is exact', { timeout: 120000 }, async () => {
  const { server } = await stack();
  const meeting = await createMeeting(server.baseUrl);
  const fac = await join(server.wsUrl, { facilitatorToken: meeting.facilitatorToken, name: 'Sam', attendance: 'room' });
  const members = await joinMany(server.wsUrl, meeting.joinCode, 100);
  const opened = await fac.client.command({ type: 'open_vote', method: 'fist', question: 'Ready to launch?', results: 'hidden' });
  ack(opened, 'open_vote');
  const voteId = `v${opened.seq}`;

  const finalBallot = new Map();  // participant id -> fist
  const reconnected = [];
  await Promise.all(members.map(async (m, i) => {
    const pid = m.welcome.you.participantId;
    const first = i % 6;
    if (i % 5 === 0) {
      // Sends its ballot and loses the connection before the answer; resumes and resends
      // the same cid: applied at most once.
      const cid = `lost-${i}`;
      m.client.send({ type: 'cast_ballot', cid, voteId, ballot: { fist: first } });
      m.client.terminate();
      const again = await resume(server.wsUrl, { token: m.welcome.token, name: `again${i}` });
      ack(await again.client.request({ type: 'cast_ballot', cid, voteId, ballot: { fist: first } }), `resent ${cid}`);
      m.client = again.client;
      reconnected.push(i);
    } else {
      ack(await m.client.command({ type: 'cast_ballot', voteId, ballot: { fist: first } }), `ballot of ${pid}`);
    }
    finalBallot.set(pid, first);
    if (i % 4 === 0) {
      const changed = 5 - first;
      ack(await m.client.command({ type: 'cast_ballot', voteId, ballot: { fist: changed } }), `change of ${pid}`);
      finalBallot.set(pid, changed);
    }
  }));
  assert.equal(reconnected.length, 20);

  const closed = await fac.client.command({ type: 'close_vote', voteId });
  ack(closed, 'close_vote');
  const expected = fistTallies(finalBallot);
  for (const c of [fac.client, ...members.map((m) => m.client)]) {
    await c.waitForSeq(closed.seq);
    const ev = c.events.find((e) => e.kind === 'vote_closed' && e.data.voteId === voteId);
    assert.ok(ev, `${c.name} saw the close`);
    assert.deepEqual(ev.data.tallies.counts, expected);
    assert.equal(ev.data.voted, 100);
    assert.equal(ev.data.eligible, 101);  // the facilitator may vote too
    assert.equal(ev.data.ballots.length, 100);
    for (const b of ev.data.ballots) assert.equal(b.ballot.fist, finalBallot.get(b.voter), `ballot of ${b.voter}`);
  }
  await server.stop();
});

test('anonymous votes: no frame any client receives ties a person to a ballot, live, on resume or after a restart', { timeout: 120000 }, async () => {
  const { redis, server } = await stack();
  const meeting = await createMeeting(server.baseUrl);
  const fac = await join(server.wsUrl, { facilitatorToken: meeting.facilitatorToken, name: 'Sam', attendance: 'room' });
  const members = await joinMany(server.wsUrl, meeting.joinCode, 8, { attendance: 'room' });
  const lateResumer = members[7];
  const resumeFrom = lateResumer.welcome.version;
  lateResumer.client.terminate();

  const opened = await fac.client.command({
    type: 'open_vote', method: 'consent', allowBlock: true, question: 'Adopt the plan?', visibility: 'anonymous',
  });
  ack(opened, 'open_vote');
  const voteId = `v${opened.seq}`;
  const choices = ['agree', 'disagree', 'abstain', 'block', 'agree', 'agree', 'disagree'];
  const ballotCids = new Set();
  for (let i = 0; i < 7; i++) {
    const ballot = choices[i] === 'block' ? { choice: 'block', reason: 'needs costing' } : { choice: choices[i] };
    const cid = `secret-${i}-${members[i].client.cidPrefix}`;
    ballotCids.add(cid);
    const answer = await members[i].client.request({ type: 'cast_ballot', cid, voteId, ballot });
    ack(answer, 'ballot');
  }
  // The facilitator's show of hands for an in-room member, by id: sealed too.
  const recorded = await fac.client.command({
    type: 'record_ballot', voteId, participantId: members[0].welcome.you.participantId, ballot: { choice: 'abstain' },
  });
  ack(recorded, 'record_ballot');

  // A late joiner's snapshot, a resume replaying the vote from memory, and (after kill -9) a
  // resume replaying it from the Redis log.
  const late = await join(server.wsUrl, { code: meeting.joinCode, name: 'Late' });
  const resumed = await resume(server.wsUrl, { token: lateResumer.welcome.token, lastSeq: resumeFrom });
  await resumed.client.waitForSeq(recorded.seq);
  await server.kill9();
  const server2 = await startServer({ redisUrl: redis.url });
  const fromLog = await resume(server2.wsUrl, { token: lateResumer.welcome.token, lastSeq: resumeFrom, name: 'fromLog' });
  await fromLog.client.waitForSeq(recorded.seq);

  const everyone = [fac, ...members.slice(0, 7), late, resumed, fromLog];
  const voterIds = members.map((m) => m.welcome.you.participantId);
  for (const who of everyone) {
    const own = who.client;
    for (const msg of own.messages) {
      const text = JSON.stringify(msg);
      if (msg.type === 'ack' || msg.type === 'reject') continue;  // the voter's own answers
      for (const cid of ballotCids) assert.ok(!text.includes(cid), `${own.name} saw ballot cid ${cid}: ${short(msg)}`);
      if (msg.type === 'event' && msg.kind === 'ballot_cast') {
        for (const key of ['actor', 'cid']) assert.ok(!(key in msg), `${own.name}: ballot_cast has ${key}: ${short(msg)}`);
        for (const key of ['voter', 'ballot', 'recorded']) {
          assert.ok(!(key in msg.data), `${own.name}: ballot_cast data has ${key}: ${short(msg)}`);
        }
        for (const pid of voterIds) assert.ok(!text.includes(`"${pid}"`), `${own.name}: ${pid} in ${short(msg)}`);
      }
      const votes = msg.type === 'welcome' && msg.meeting ? msg.meeting.votes : [];
      for (const v of votes) {
        assert.ok(!('voters' in v) && !('ballots' in v), `${own.name}: snapshot vote shows voters: ${short(v)}`);
      }
    }
  }
  // Tallies are still right, also after the restart: the recorded abstain replaced member 0's agree.
  const fac2 = await resume(server2.wsUrl, { token: fac.welcome.token, name: 'fac2' });
  const close = await fac2.client.command({ type: 'close_vote', voteId });
  ack(close, 'close after restart');
  await fac2.client.waitForSeq(close.seq);
  const ev = fac2.client.events.find((e) => e.kind === 'vote_closed');
  assert.deepEqual(ev.data.tallies, { agree: 2, disagree: 2, abstain: 2, block: 1, reasons: ['needs costing'] });
  assert.equal(ev.data.voted, 7);
  assert.ok(!('ballots' in ev.data));
  await server2.stop();
});

test('a vote in progress survives kill -9: no ballot lost, none counted twice', { timeout: 120000 }, async () => {
  const { redis, server } = await stack();
  const meeting = await createMeeting(server.baseUrl);
  const fac = await join(server.wsUrl, { facilitatorToken: meeting.facilitatorToken, name: 'Sam', attendance: 'room' });
  const members = await joinMany(server.wsUrl, meeting.joinCode, 10);
  const opened = await fac.client.command({ type: 'open_vote', method: 'fist', question: 'Confidence?', results: 'hidden' });
  ack(opened, 'open_vote');
  const voteId = `v${opened.seq}`;
  const cids = members.map((m, i) => `k-${i}-${m.client.cidPrefix}`);
  await Promise.all(members.map(async (m, i) => ack(
    await m.client.request({ type: 'cast_ballot', cid: cids[i], voteId, ballot: { fist: i % 6 } }), 'ballot')));
  // Hidden results: nobody has seen a tally or a value yet.
  for (const m of members) {
    for (const e of m.client.events.filter((x) => x.kind === 'ballot_cast')) {
      assert.ok(!('tallies' in e.data) && !('ballot' in e.data), short(e));
    }
  }
  await server.kill9();
  const server2 = await startServer({ redisUrl: redis.url });
  // Every member resends its ballot with the same cid (it cannot know whether it landed):
  // answered with the original seq, not counted again. Half then change their mind.
  const final = new Map();
  await Promise.all(members.map(async (m, i) => {
    const again = await resume(server2.wsUrl, { token: m.welcome.token, name: `r${i}` });
    const answer = await again.client.request({ type: 'cast_ballot', cid: cids[i], voteId, ballot: { fist: i % 6 } });
    ack(answer, 'resent');
    final.set(m.welcome.you.participantId, i % 6);
    if (i % 2 === 0) {
      ack(await again.client.command({ type: 'cast_ballot', voteId, ballot: { fist: 5 } }), 'changed');
      final.set(m.welcome.you.participantId, 5);
    }
    const snapVote = again.welcome.meeting.votes.find((v) => v.id === voteId);
    assert.equal(snapVote.state, 'open');
    assert.equal(snapVote.voted, 10);
    assert.deepEqual(snapVote.yourBallot, { fist: i % 6 }, 'the restarted server still knows your ballot');
  }));
  const fac2 = await resume(server2.wsUrl, { token: fac.welcome.token, name: 'fac2' });
  const close = await fac2.client.command({ type: 'close_vote', voteId });
  ack(close, 'close');
  await fac2.client.waitForSeq(close.seq);
  const ev = fac2.client.events.find((e) => e.kind === 'vote_closed');
  assert.equal(ev.data.voted, 10);
  assert.deepEqual(ev.data.tallies.counts, fistTallies(final));
  await server2.stop();
});

test('the server closes a vote at its deadline, once, also when it was down at the time', { timeout: 120000 }, async () => {
  const { redis, server } = await stack();
  const meeting = await createMeeting(server.baseUrl);
  const fac = await join(server.wsUrl, { facilitatorToken: meeting.facilitatorToken, name: 'Sam', attendance: 'room' });
  const [ana] = await joinMany(server.wsUrl, meeting.joinCode, 1);

  const opened = await fac.client.command({ type: 'open_vote', method: 'consent', question: 'Lunch now?', timeLimit: 5 });
  ack(opened, 'open_vote');
  const voteId = `v${opened.seq}`;
  const openEvent = await ana.client.waitUntil(() => ana.client.events.find((e) => e.kind === 'vote_opened'));
  assert.equal(openEvent.data.deadline, openEvent.at + 5000);
  ack(await ana.client.command({ type: 'cast_ballot', voteId, ballot: { choice: 'agree' } }), 'ballot');
  const closedEvent = await ana.client.waitUntil(
    () => ana.client.events.find((e) => e.kind === 'vote_closed'), 9000, 'the deadline close');
  assert.equal(closedEvent.data.reason, 'deadline');
  assert.ok(!('actor' in closedEvent) && !('cid' in closedEvent));
  assert.ok(closedEvent.at >= openEvent.data.deadline, 'not closed early');
  assert.ok(closedEvent.at - openEvent.data.deadline < 1500, `closed ${closedEvent.at - openEvent.data.deadline} ms late`);
  const late = await ana.client.command({ type: 'cast_ballot', voteId, ballot: { choice: 'disagree' } });
  assert.equal(late.type, 'reject');
  assert.equal(late.code, 'vote_closed');
  await sleep(1500);
  assert.equal(ana.client.events.filter((e) => e.kind === 'vote_closed').length, 1, 'closed exactly once');

  // A deadline that passes while the server is down: the vote is closed when the meeting
  // is loaded again, and the timing in the event is the server's.
  const second = await fac.client.command({ type: 'open_vote', method: 'fist', question: 'Again?', timeLimit: 5 });
  ack(second, 'second open_vote');
  await server.kill9();
  await sleep(5500);
  const server2 = await startServer({ redisUrl: redis.url });
  const back = await resume(server2.wsUrl, { token: ana.welcome.token, lastSeq: second.seq });
  const closedLater = await back.client.waitUntil(
    () => back.client.events.find((e) => e.kind === 'vote_closed' && e.data.voteId === `v${second.seq}`), 5000,
    'the close after restart');
  assert.equal(closedLater.data.reason, 'deadline');
  await server2.stop();
});
