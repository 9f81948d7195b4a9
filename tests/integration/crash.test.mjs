// kill -9 of the server in the middle of a stream of pipelined commands: every acked command
// survives, nothing is applied twice, and resending the un-acked ones with their cids applies
// each exactly once.

import { test, after } from 'node:test';
import assert from 'node:assert/strict';

import { startRedis, startServer, createMeeting, join, resume, cleanup } from '../support/harness.mjs';

after(cleanup);

const TOTAL = 1000;
const KILL_AFTER_ACKS = 300;
// At most this many commands in flight: the server remembers the last 256 cids of a participant,
// so everything applied-but-unacked at the crash stays within the at-most-once window.
const WINDOW = 200;
// The member uses several connections (one join, the others resume with its token): the rate
// limit (20/s, burst 40) is per connection, and this keeps many commands in flight at the crash.
const CONNECTIONS = 8;

const short = (v) => {
  const s = JSON.stringify(v);
  return s.length > 300 ? `${s.slice(0, 300)}…` : s;
};

const cidOf = (i) => `crash-${String(i).padStart(4, '0')}`;
const titleOf = (cid) => `item ${cid}`;

/**
 * Sends `cids` as add_item commands, pipelined: at most WINDOW unanswered in total, spread over
 * `clients` (connections of the same participant; the rate limit is per connection). A reject
 * `rate_limited` puts the command back in the queue (not applied, so the same cid may be sent
 * again) and pauses that connection briefly. Once `holdWhen(state)` is true nothing more is sent.
 * Resolves when every command is answered, or when a connection closes (with `expectClose`:
 * when all have closed, so that answers already on the wire are still counted).
 */
function pipeline(clients, cids, { holdWhen = () => false, expectClose = false } = {}) {
  const state = {
    acked: new Map(),      // cid -> seq
    rejected: new Map(),   // cid -> reject (other than rate_limited)
    inflight: new Set(),
    queue: [...cids],
    rateLimited: 0,
    held: false,
    closed: null,
  };
  return new Promise((resolve) => {
    const conns = clients.map((client) => ({ client, pausedUntil: 0, inflight: 0, paced: false, nextSendAt: 0 }));
    let timer = null;
    const unsubscribes = [];
    let done = false;
    let closedCount = 0;
    const finish = () => {
      if (done) return;
      done = true;
      clearInterval(timer);
      for (const u of unsubscribes) u();
      resolve(state);
    };
    const pump = () => {
      if (done) return;
      if (state.queue.length === 0 && state.inflight.size === 0) { finish(); return; }
      if (!state.held && holdWhen(state)) state.held = true;
      if (state.held) return;
      const now = Date.now();
      let progress = true;
      while (progress && state.inflight.size < WINDOW && state.queue.length > 0) {
        progress = false;
        for (const c of conns) {
          if (now < c.pausedUntil || state.inflight.size >= WINDOW || state.queue.length === 0) continue;
          // Once rate-limited, a connection sends at most ~18 commands per second.
          if (c.paced && now < c.nextSendAt) continue;
          c.nextSendAt = now + 55;
          // Keep each connection's share of the window even, so one paused connection does not hoard it.
          if (c.inflight >= Math.ceil(WINDOW / conns.length)) continue;
          const cid = state.queue.shift();
          state.inflight.add(cid);
          c.inflight += 1;
          c.client.send({ type: 'add_item', cid, title: titleOf(cid) });
          progress = true;
        }
      }
    };
    for (const c of conns) {
      unsubscribes.push(c.client.subscribe((m) => {
        if ((m.type !== 'ack' && m.type !== 'reject') || !state.inflight.has(m.cid)) return;
        state.inflight.delete(m.cid);
        c.inflight -= 1;
        if (m.type === 'ack') state.acked.set(m.cid, m.seq);
        else if (m.code === 'rate_limited') {
          state.rateLimited += 1;
          state.queue.unshift(m.cid);
          c.pausedUntil = Date.now() + 250;
          c.paced = true;
        } else state.rejected.set(m.cid, m);
        pump();
      }, (info) => {
        state.closed = info;
        closedCount += 1;
        if (!expectClose || closedCount === conns.length) finish();
      }));
    }
    timer = setInterval(pump, 20);
    pump();
  });
}

/** The member's connections: the joined one plus resumes with its token. */
async function connections(wsUrl, first, token) {
  const list = [first];
  for (let i = 1; i < CONNECTIONS; i++) {
    const r = await resume(wsUrl, { token, timeoutMs: 30000 });
    r.client.name = `member-${i}`;
    list.push(r.client);
  }
  return list;
}

function countTitles(items) {
  const counts = new Map();
  for (const it of items) counts.set(it.title, (counts.get(it.title) ?? 0) + 1);
  return counts;
}

test('kill -9 under pipelined load loses no acked command and applies none twice', { timeout: 300000 }, async (t) => {
  const redis = await startRedis();
  let server = await startServer({ redisUrl: redis.url });
  const meeting = await createMeeting(server.baseUrl, { title: 'Crash', goal: 'Nothing acked is lost' });
  const member = await join(server.wsUrl, { code: meeting.joinCode, name: 'Ana', attendance: 'remote' });
  member.client.name = 'member';
  const token = member.welcome.token;
  const cids = Array.from({ length: TOTAL }, (_, i) => cidOf(i));

  // Phase 1: pipeline, and kill -9 the server once ~300 acks came back.
  let killed = null;
  const conns1 = await connections(server.wsUrl, member.client, token);
  const phase1 = await pipeline(conns1, cids, {
    expectClose: true,
    holdWhen: (s) => {
      if (s.acked.size < KILL_AFTER_ACKS) return false;
      killed = server.kill9();
      return true; // send nothing more, but keep listening: acks already on the wire still count
    },
  });
  assert.ok(killed, `the server was not killed: ${phase1.acked.size} acks, closed ${short(phase1.closed)}, ` +
    `rejects ${short([...phase1.rejected.values()].slice(0, 3))}`);
  await killed;
  assert.equal(phase1.rejected.size, 0, `unexpected rejects before the crash: ${short([...phase1.rejected.values()].slice(0, 5))}`);
  const acked1 = phase1.acked;
  const inflightAtCrash = phase1.inflight.size;
  assert.ok(acked1.size >= KILL_AFTER_ACKS && acked1.size < TOTAL, `acked before the crash: ${acked1.size}`);

  // Phase 2: a new server on the same Redis; the member resumes and gets a snapshot.
  server = await startServer({ redisUrl: redis.url });
  const back = await resume(server.wsUrl, { token, timeoutMs: 30000 });
  back.client.name = 'member-resumed';
  const snap = back.welcome.meeting;
  assert.ok(snap, 'resume without lastSeq answers with a snapshot');
  const counts = countTitles(snap.items);
  const dups = [...counts].filter(([, n]) => n > 1);
  assert.deepEqual(dups, [], 'no item is present twice after the crash');
  const byTitle = new Map(snap.items.map((it) => [it.title, it]));
  const missing = [...acked1.keys()].filter((cid) => !byTitle.has(titleOf(cid)));
  assert.deepEqual(missing, [], `acked but lost after kill -9 (${missing.length} of ${acked1.size})`);
  for (const [cid, seq] of acked1) {
    assert.equal(byTitle.get(titleOf(cid)).id, `i${seq}`, `${cid} was acked with seq ${seq}`);
  }
  const known = new Set(cids.map(titleOf));
  for (const it of snap.items) assert.ok(known.has(it.title), `unexpected item ${short(it)}`);
  const appliedUnacked = snap.items.filter((it) => !acked1.has(it.title.slice(5)));
  assert.ok(appliedUnacked.length <= inflightAtCrash,
    `${appliedUnacked.length} applied without ack, but only ${inflightAtCrash} were in flight`);
  assert.equal(back.welcome.version, Math.max(2, ...snap.items.map((it) => Number(it.id.slice(1)))),
    'the version is the seq of the last add');

  // Phase 3: resend every un-acked command with its original cid.
  const unacked = cids.filter((cid) => !acked1.has(cid));
  const conns2 = await connections(server.wsUrl, back.client, back.welcome.token);
  const phase2 = await pipeline(conns2, unacked);
  assert.equal(phase2.closed, null, `connection closed during the resend: ${short(phase2.closed)}`);
  assert.equal(phase2.rejected.size, 0, `rejects on resend: ${short([...phase2.rejected.values()].slice(0, 5))}`);
  assert.equal(phase2.acked.size, unacked.length);
  for (const it of appliedUnacked) {
    const cid = it.title.slice(5);
    assert.equal(phase2.acked.get(cid), Number(it.id.slice(1)),
      `${cid} was applied before the crash as ${it.id}; the resend must ack that original seq`);
  }

  // Final state: every command exactly once.
  const check = await join(server.wsUrl, { code: meeting.joinCode, role: 'observer', name: 'Check', attendance: 'room',
    timeoutMs: 30000 });
  const finalItems = check.welcome.meeting.items;
  const finalCounts = countTitles(finalItems);
  for (const cid of cids) {
    assert.equal(finalCounts.get(titleOf(cid)) ?? 0, 1, `${cid} present ${finalCounts.get(titleOf(cid)) ?? 0} times`);
  }
  assert.equal(finalItems.length, TOTAL);
  const allAcks = new Map([...acked1, ...phase2.acked]);
  for (const it of finalItems) {
    assert.equal(it.id, `i${allAcks.get(it.title.slice(5))}`, `item ${it.title} id matches its ack`);
  }

  for (const c of [...conns1, ...conns2, check.client]) {
    assert.deepEqual(c.invalid.slice(0, 3), [], `${c.name} received messages failing the server schemas`);
  }
  for (const c of conns2) c.terminate();
  check.client.terminate();
  await server.stop();
  await redis.stop();
  t.diagnostic(`${acked1.size} acked before kill -9, ${appliedUnacked.length} applied but unacked, ` +
    `${inflightAtCrash} in flight, ${phase1.rateLimited + phase2.rateLimited} rate-limited retries`);
});
