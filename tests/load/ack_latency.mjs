// Benchmark (not a test): N members of one meeting send commands at a fixed total rate;
// prints JSON with the latency from send to ack (committed in Redis) and from send to the
// event being seen by every other member, and what the server's /metrics say about group
// commit. Usage:
//   node tests/load/ack_latency.mjs [--clients 20] [--rate 200] [--seconds 10]
// Uses build/roundtable (or ROUNDTABLE_BIN) and a redis-server it starts on a free port.
// The load generator shares the machine with the server: read figures as upper bounds.
import { startRedis, startServer, createMeeting, cleanup } from '../support/harness.mjs';
import { percentile, round, open, metric } from './load_support.mjs';

const args = Object.fromEntries(
  process.argv.slice(2).reduce((pairs, a, i, all) => (a.startsWith('--') ? [...pairs, [a.slice(2), all[i + 1]]] : pairs), []),
);
const clients = Number(args.clients ?? 20);
const rate = Number(args.rate ?? 200);
const seconds = Number(args.seconds ?? 10);




const redis = await startRedis();
const server = await startServer({ redisUrl: redis.url });
try {
  const meeting = await createMeeting(server.baseUrl, { title: 'Bench', goal: 'Measure' });
  const fac = await open(server.wsUrl, {
    type: 'join', v: 1, cid: 'j', facilitatorToken: meeting.facilitatorToken, name: 'Fac', attendance: 'room',
  });
  const members = [];
  for (let i = 0; i < clients; i++) {
    members.push(await open(server.wsUrl, {
      type: 'join', v: 1, cid: `j${i}`, code: meeting.joinCode, name: `M${i}`, attendance: 'remote',
    }));
  }
  // One item per member, so each edits its own and last-writer-wins never hides anything.
  const items = [];
  for (const [i, m] of members.entries()) {
    m.ws.send(JSON.stringify({ type: 'add_item', cid: `item${i}`, title: `Item ${i}` }));
    const ack = await new Promise((resolve) => {
      const on = (d) => { const x = JSON.parse(d); if (x.cid === `item${i}` && x.type === 'ack') { m.ws.off('message', on); resolve(x); } };
      m.ws.on('message', on);
    });
    items.push(`i${ack.seq}`);
  }

  const all = [fac, ...members];
  const sentAt = new Map();     // cid -> ms
  const seenBy = new Map();     // cid -> receivers that saw its event
  const ackMs = [], fanoutMs = [];
  let rejected = 0, acked = 0, deliveries = 0;
  for (const [index, c] of all.entries()) {
    c.ws.on('message', (d) => {
      const m = JSON.parse(d);
      const now = performance.now();
      if (m.type === 'ack' && sentAt.has(m.cid)) { acked++; ackMs.push(now - sentAt.get(m.cid)); }
      if (m.type === 'reject') rejected++;
      if (m.type === 'event' && sentAt.has(m.cid)) {
        deliveries++;
        const n = (seenBy.get(m.cid) ?? 0) + 1;
        seenBy.set(m.cid, n);
        if (n === all.length) fanoutMs.push(now - sentAt.get(m.cid));
      }
    });
    c.index = index;
  }
  const commitsBefore = await metric(server.baseUrl, 'roundtable_commits_total');
  const eventsBefore = await metric(server.baseUrl, 'roundtable_events_committed_total');

  const total = rate * seconds;
  const start = performance.now();
  for (let k = 0; k < total; k++) {
    const due = start + (k * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const who = k % clients;
    const cid = `b${k}`;
    sentAt.set(cid, performance.now());
    members[who].ws.send(JSON.stringify({ type: 'update_item', cid, itemId: items[who], owner: `owner ${k}` }));
  }
  const deadline = performance.now() + 10000;
  while (acked + rejected < total && performance.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  const elapsed = (performance.now() - start) / 1000;

  const commits = (await metric(server.baseUrl, 'roundtable_commits_total')) - commitsBefore;
  const events = (await metric(server.baseUrl, 'roundtable_events_committed_total')) - eventsBefore;
  ackMs.sort((a, b) => a - b);
  fanoutMs.sort((a, b) => a - b);
  console.log(JSON.stringify({
    benchmark: 'ack_latency',
    clients: clients + 1,
    offered_rate_per_s: rate,
    seconds,
    commands: total,
    acked,
    rejected,
    ack_ms: { p50: round(percentile(ackMs, 50)), p99: round(percentile(ackMs, 99)), max: round(ackMs.at(-1) ?? null) },
    seen_by_all_ms: { p50: round(percentile(fanoutMs, 50)), p99: round(percentile(fanoutMs, 99)) },
    deliveries_per_s: Math.round(deliveries / elapsed),
    commits,
    events_per_commit: round(events / commits),
  }, null, 2));
  for (const c of all) c.ws.close();
} finally {
  await server.stop();
  await cleanup();
}
