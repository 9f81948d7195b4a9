// Benchmark (not a test): a vote of 500 people. Each round the facilitator opens a vote, all
// members cast their ballot within one second (random moments), every screen catches up,
// then the facilitator closes it; measured: from sending close_vote to the final tally being
// on each screen (every member's connection), and ballot ack latency. Prints one JSON line.
// Usage:
//   node tests/load/vote_close.mjs [--members 499] [--rounds 10] [--results live|hidden]
//                                  [--visibility open|anonymous] [--batch on|off]
// 499 members + the facilitator = 500 voters (a meeting holds at most 500 participants).
// The load generator shares the 2 cores with the server and Redis: figures are upper bounds.
import { performance } from 'node:perf_hooks';

import { startRedis, startServer, createMeeting, cleanup, sleep } from '../support/harness.mjs';
import { percentile, round, open, batchFlag, messagesOf } from './load_support.mjs';

const args = Object.fromEntries(
  process.argv.slice(2).reduce((pairs, a, i, all) => (a.startsWith('--') ? [...pairs, [a.slice(2), all[i + 1]]] : pairs), []),
);
const memberCount = Number(args.members ?? 499);
const rounds = Number(args.rounds ?? 10);
const results = args.results ?? 'live';
const visibility = args.visibility ?? 'open';
const batch = batchFlag(args);

// The generator runs 500 clients in one process: it looks at the raw bytes of a frame
// (no decode, no parse) unless the frame answers one of its own requests or is a batch.
// The seq a frame carries: events and acks have "seq" (a JSON key cannot occur unescaped
// inside a string).
const SEQ = Buffer.from('"seq":');
function seqOf(buf) {
  const i = buf.lastIndexOf(SEQ);
  if (i < 0) return 0;
  let n = 0;
  for (let k = i + SEQ.length; k < buf.length && buf[k] >= 48 && buf[k] <= 57; k++) n = n * 10 + buf[k] - 48;
  return n;
}
const VOTE_CLOSED = Buffer.from('"vote_closed"');
const ANSWER = Buffer.from('{"cid"');
const BATCH = Buffer.from('{"type":"batch"');

const redis = await startRedis();
const server = await startServer({ redisUrl: redis.url });
try {
  const meeting = await createMeeting(server.baseUrl, { title: 'Town hall', goal: 'Decide together' });
  const fac = await open(server.wsUrl, {
    type: 'join', v: 1, cid: 'j', facilitatorToken: meeting.facilitatorToken, name: 'Fac', attendance: 'room', batch,
  });
  const voters = [fac];
  for (let i = 0; i < memberCount; i++) {
    voters.push(await open(server.wsUrl, {
      type: 'join', v: 1, cid: `j${i}`, code: meeting.joinCode, name: `m${i}`, attendance: i % 2 ? 'room' : 'remote', batch,
    }));
  }
  let closeSentAt = 0;
  let closingVote = '';
  for (const v of voters) {
    v.lastSeq = v.welcome.version;
    v.answers = new Map();  // cid -> resolve
    v.ws.on('message', (data) => {
      if (data.subarray(0, BATCH.length).equals(BATCH)) {
        for (const m of messagesOf(data)) {
          if (typeof m.seq === 'number') v.lastSeq = Math.max(v.lastSeq, m.seq);
          if (closingVote && m.kind === 'vote_closed' && m.data?.voteId === closingVote) {
            v.closedAt = performance.now() - closeSentAt;
          }
          if (m.type === 'ack' || m.type === 'reject') v.answers.get(m.cid)?.(m);
        }
        return;
      }
      v.lastSeq = Math.max(v.lastSeq, seqOf(data));
      if (closingVote && data.includes(VOTE_CLOSED) && data.includes(`"${closingVote}"`)) {
        v.closedAt = performance.now() - closeSentAt;
      }
      if (data.subarray(0, ANSWER.length).equals(ANSWER)) {
        const m = JSON.parse(data.toString());
        v.answers.get(m.cid)?.(m);
      }
    });
  }
  const request = (v, msg) => new Promise((resolve) => {
    const sentAt = performance.now();
    v.answers.set(msg.cid, (m) => resolve({ m, ms: performance.now() - sentAt }));
    v.ws.send(JSON.stringify(msg));
  });
  const caughtUp = async (seq) => {
    while (voters.some((v) => v.lastSeq < seq)) await sleep(5);
  };

  const lastScreen = [];
  const perScreen = [];
  const ballotAcks = [];
  for (let r = 0; r < rounds; r++) {
    const opened = await request(fac, {
      type: 'open_vote', cid: `open${r}`, method: 'consent', question: `Round ${r}?`, results, visibility,
    });
    if (opened.m.type !== 'ack') throw new Error(`open_vote: ${JSON.stringify(opened.m)}`);
    const voteId = `v${opened.m.seq}`;
    await caughtUp(opened.m.seq);
    const answers = await Promise.all(voters.map((v, i) => new Promise((resolve) => {
      setTimeout(() => request(v, {
        type: 'cast_ballot', cid: `b${r}-${i}`, voteId, ballot: { choice: ['agree', 'disagree', 'abstain'][i % 3] },
      }).then(resolve), Math.random() * 1000);
    })));
    for (const a of answers) {
      if (a.m.type !== 'ack') throw new Error(`cast_ballot: ${JSON.stringify(a.m)}`);
      ballotAcks.push(a.ms);
    }
    await caughtUp(Math.max(...answers.map((a) => a.m.seq)));
    for (const v of voters) v.closedAt = undefined;
    closingVote = voteId;
    closeSentAt = performance.now();
    const closed = await request(fac, { type: 'close_vote', cid: `close${r}`, voteId });
    if (closed.m.type !== 'ack') throw new Error(`close_vote: ${JSON.stringify(closed.m)}`);
    await caughtUp(closed.m.seq);
    const times = voters.map((v) => v.closedAt);
    if (times.some((t) => t === undefined)) throw new Error('a screen never got the close');
    perScreen.push(...times);
    lastScreen.push(Math.max(...times));
    closingVote = '';
  }
  const asc = (xs) => [...xs].sort((a, b) => a - b);
  const last = asc(lastScreen);
  const each = asc(perScreen);
  const acks = asc(ballotAcks);
  console.log(JSON.stringify({
    benchmark: 'vote_close',
    voters: voters.length,
    rounds,
    results,
    visibility,
    batch,
    close_to_every_screen_ms: { p50: round(percentile(last, 50)), p99: round(percentile(last, 99)), max: round(last.at(-1)) },
    close_to_one_screen_ms: { p50: round(percentile(each, 50)), p99: round(percentile(each, 99)) },
    ballot_ack_ms: { p50: round(percentile(acks, 50)), p99: round(percentile(acks, 99)), max: round(acks.at(-1)) },
  }));
  for (const v of voters) v.ws.close();
  await server.stop();
} finally {
  await cleanup();
}
