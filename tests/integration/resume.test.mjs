// Resume after a dropped connection: missed events replayed exactly, snapshots when needed,
// forged tokens refused, pending commands resent at most once.

import { test } from 'node:test';
import assert from 'node:assert/strict';

import { serverForFile, short, startServer, createMeeting, join, resume } from '../support/harness.mjs';

const env = serverForFile();

async function setup(title) {
  const meeting = await createMeeting(env.server.baseUrl, { title, goal: 'Nobody misses anything' });
  const fac = await join(env.server.wsUrl, { facilitatorToken: meeting.facilitatorToken, name: 'Sam', attendance: 'room' });
  const ana = await join(env.server.wsUrl, { code: meeting.joinCode, name: 'Ana', attendance: 'remote' });
  const ben = await join(env.server.wsUrl, { code: meeting.joinCode, name: 'Ben', attendance: 'remote' });
  fac.client.name = 'fac'; ana.client.name = 'ana'; ben.client.name = 'ben';
  await fac.client.waitForSeq(4);
  await ana.client.waitForSeq(4);
  return { meeting, fac, ana, ben };
}

/** Five changes by fac and ana; returns the acks. */
async function fiveChanges(fac, ana, tag) {
  const acks = [];
  acks.push(await ana.client.command({ type: 'add_item', title: `${tag} one` }));
  acks.push(await ana.client.command({ type: 'add_item', title: `${tag} two`, owner: 'Ana' }));
  acks.push(await fac.client.command({ type: 'set_goal', goal: `${tag} goal` }));
  acks.push(await fac.client.command({ type: 'move_item', itemId: `i${acks[1].seq}`, index: 0 }));
  acks.push(await ana.client.command({ type: 'update_item', itemId: `i${acks[0].seq}`, status: 'agreed' }));
  for (const a of acks) assert.equal(a.type, 'ack', short(a));
  return acks;
}

test('a dropped client resumes with lastSeq and gets exactly the missed events', { timeout: 60000 }, async () => {
  const { fac, ana, ben } = await setup('Resume');
  const lastSeq = ben.client.lastSeq;
  assert.equal(lastSeq, 4);
  const token = ben.welcome.token;
  const benId = ben.welcome.you.participantId;
  ben.client.terminate();

  const acks = await fiveChanges(fac, ana, 'missed');
  const last = acks[acks.length - 1].seq;
  assert.equal(last, lastSeq + 5);
  await fac.client.waitForSeq(last);
  const reference = fac.client.eventsBetween(lastSeq, last);

  const back = await resume(env.server.wsUrl, { token, lastSeq });
  back.client.name = 'ben-resumed';
  assert.equal(back.welcome.you.participantId, benId);
  assert.equal(back.welcome.you.role, 'member');
  assert.equal(back.welcome.resumeFrom, lastSeq, `welcome ${short(back.welcome)}`);
  assert.equal(back.welcome.meeting, undefined, 'no snapshot with resumeFrom');
  assert.equal(typeof back.welcome.token, 'string');
  await back.client.waitForSeq(last, 10000);
  assert.deepEqual(back.client.events, reference, 'the missed events, in order, exactly once');

  // Nothing more than the missed events: the next event is the one we cause now.
  const next = await back.client.command({ type: 'add_item', title: 'after resume' });
  assert.equal(next.type, 'ack', short(next));
  assert.equal(next.seq, last + 1);
  await back.client.waitForSeq(next.seq);
  assert.deepEqual(back.client.events.map((e) => e.seq), [...reference.map((e) => e.seq), next.seq]);

  // The fresh token works as well (resume again on another connection, up to date).
  const again = await resume(env.server.wsUrl, { token: back.welcome.token, lastSeq: next.seq });
  assert.equal(again.welcome.you.participantId, benId);
  assert.equal(again.welcome.resumeFrom, next.seq);
  for (const c of [fac.client, ana.client, back.client, again.client]) {
    assert.deepEqual(c.invalid, [], `${c.name} got schema-invalid messages`);
    await c.close();
  }
});

test('resume without lastSeq, or far behind, still misses nothing', { timeout: 60000 }, async () => {
  const { fac, ana, ben } = await setup('Snapshot');
  const token = ben.welcome.token;
  ben.client.terminate();
  const acks = await fiveChanges(fac, ana, 'snap');
  const last = acks[acks.length - 1].seq;
  await fac.client.waitForSeq(last);

  // No lastSeq: a full snapshot at the current version.
  const full = await resume(env.server.wsUrl, { token });
  assert.ok(full.welcome.meeting, `resume without lastSeq answers with a snapshot: ${short(full.welcome)}`);
  assert.equal(full.welcome.resumeFrom, undefined);
  assert.equal(full.welcome.version, last);
  const snap = full.welcome.meeting;
  assert.equal(snap.goal, 'snap goal');
  assert.deepEqual(snap.items.map((i) => i.title), ['snap two', 'snap one']);
  assert.equal(snap.items[1].status, 'agreed');
  full.client.terminate();

  // Far behind (lastSeq 0): either a snapshot, or a replay of everything after 0. Either way
  // the client ends up at `last` with nothing missing.
  const far = await resume(env.server.wsUrl, { token, lastSeq: 0 });
  if (far.welcome.meeting) {
    assert.equal(far.welcome.version, last);
  } else {
    assert.equal(far.welcome.resumeFrom, 0);
    await far.client.waitForSeq(last, 10000);
    assert.deepEqual(far.client.events.map((e) => e.seq), Array.from({ length: last }, (_, i) => i + 1));
    assert.equal(far.client.events[0].kind, 'meeting_created');
  }
  far.client.terminate();

  // Claiming to be ahead of the meeting cannot be served from the log: a snapshot.
  const ahead = await resume(env.server.wsUrl, { token, lastSeq: last + 1000 });
  assert.ok(ahead.welcome.meeting, `lastSeq ahead of the meeting answers with a snapshot: ${short(ahead.welcome)}`);
  assert.equal(ahead.welcome.version, last);
  ahead.client.terminate();
  for (const c of [fac.client, ana.client]) await c.close();
});

test('forged, malformed and foreign tokens are refused with bad_token', { timeout: 60000 }, async () => {
  const { fac, ana, ben } = await setup('Tokens');
  const token = ben.welcome.token;
  ben.client.terminate();

  // Change one character in the middle of the token: a different signature or payload.
  const mid = Math.floor(token.length / 2);
  const forged1 = token.slice(0, mid) + (token[mid] === 'A' ? 'B' : 'A') + token.slice(mid + 1);
  // Change a character near the end (inside the signature, but not the last, whose low bits may be padding).
  const pos = token.length - 3;
  const forged2 = token.slice(0, pos) + (token[pos] === 'A' ? 'B' : 'A') + token.slice(pos + 1);
  for (const bad of [forged1, forged2, 'garbage', `${token}x`, token.slice(0, -8)]) {
    await assert.rejects(resume(env.server.wsUrl, { token: bad, lastSeq: 4 }), (e) => {
      assert.ok(e.reply, e.message);
      assert.equal(e.reply.type, 'reject');
      assert.equal(e.reply.code, 'bad_token', `token ${bad}: ${short(e.reply)}`);
      return true;
    });
  }
  // A token signed by a server with another secret is refused by ours.
  const otherRedis = env.redis;
  const other = await startServer({ redisUrl: otherRedis.url, secret: 'another-secret-9876543210' });
  try {
    const m2 = await createMeeting(other.baseUrl, { title: 'Elsewhere', goal: 'Other secret' });
    const x = await join(other.wsUrl, { code: m2.joinCode, name: 'Eve', attendance: 'room' });
    x.client.terminate();
    await assert.rejects(resume(env.server.wsUrl, { token: x.welcome.token }), (e) => {
      assert.equal(e.reply && e.reply.code, 'bad_token', e.message);
      return true;
    });
  } finally {
    await other.stop();
  }
  // The real token still works.
  const ok = await resume(env.server.wsUrl, { token, lastSeq: 4 });
  assert.equal(ok.welcome.you.participantId, ben.welcome.you.participantId);
  for (const c of [fac.client, ana.client, ok.client]) await c.close();
});

test('a pending command resent after resume is applied at most once', { timeout: 60000 }, async () => {
  const { meeting, fac, ana, ben } = await setup('At most once');
  const benId = ben.welcome.you.participantId;

  // 1. Acked, connection dropped, resent with the same cid after resume: the original seq.
  const first = await ben.client.command({ type: 'add_item', cid: 'ben-c1', title: 'Pending one' });
  assert.equal(first.type, 'ack');
  ben.client.terminate();
  await fiveChanges(fac, ana, 'meanwhile');
  let back = await resume(env.server.wsUrl, { token: ben.welcome.token, lastSeq: 4 });
  const again = await back.client.request({ type: 'add_item', cid: 'ben-c1', title: 'Pending one' });
  assert.equal(again.type, 'ack', short(again));
  assert.equal(again.seq, first.seq, 'ack of the original seq');

  // 2. Sent and dropped before the answer could arrive: resend after resume.
  const lastBefore = back.client.lastSeq;
  back.client.send({ type: 'add_item', cid: 'ben-c2', title: 'Pending two' });
  back.client.terminate();
  back = await resume(env.server.wsUrl, { token: back.welcome.token, lastSeq: lastBefore });
  const resent = await back.client.request({ type: 'add_item', cid: 'ben-c2', title: 'Pending two' });
  assert.equal(resent.type, 'ack', short(resent));
  const resentAgain = await back.client.request({ type: 'add_item', cid: 'ben-c2', title: 'Pending two' });
  assert.equal(resentAgain.seq, resent.seq);

  // Settle: a final command, then count.
  const fin = await fac.client.command({ type: 'set_title', title: 'Settled' });
  await fac.client.waitForSeq(fin.seq);
  for (const cid of ['ben-c1', 'ben-c2']) {
    const evs = fac.client.events.filter((e) => e.actor === benId && e.cid === cid);
    assert.equal(evs.length, 1, `${cid} applied ${evs.length} times: ${short(evs)}`);
    assert.equal(evs[0].kind, 'item_added');
  }
  assert.equal(fac.client.events.find((e) => e.cid === 'ben-c2' && e.actor === benId).seq, resent.seq);
  const check = await join(env.server.wsUrl, { code: meeting.joinCode, role: 'observer', name: 'Check',
    attendance: 'room' });
  const titles = check.welcome.meeting.items.map((i) => i.title);
  assert.equal(titles.filter((t) => t === 'Pending one').length, 1);
  assert.equal(titles.filter((t) => t === 'Pending two').length, 1);
  for (const c of [fac.client, ana.client, back.client, check.client]) await c.close();
});
