// Benchmark (not a test): many editors on ONE hot text field (an item's notes), each a
// web-client/text_client.js TextDocumentClient (one op in flight, later keystrokes composed into
// a buffer) on its own WebSocket. Prints JSON, like ack_latency.mjs. Two modes:
//
//   throughput: --editors editors (default 20) type as fast as --keystroke-ms allows (default
//     5 ms a keystroke each) for --seconds; each sends its next (composed) op as soon as the one
//     in flight is committed, paced under the server's per-connection limit of 20 commands/s
//     (burst 40) by a client-side token bucket. Reports committed text ops/s (and keystrokes/s).
//     With 20 editors the limit caps it at 20 x 20 = 400 ops/s; raise --editors to find where
//     the server, not the limit, is the bound.
//   latency: a fixed offered rate of --rate keystrokes/s in total (default 1000), round-robin
//     over --latency-editors editors (default 60: 1000/20 = 50/s per editor would exceed the
//     per-connection limit, 1000/60 = 16.7/s does not). Reports p50/p99 from sending an op to its
//     ack and to every other editor having received its event, and keystroke to seen-by-all.
//
// Usage:
//   node tests/load/text_ops.mjs [--mode both|throughput|latency] [--seconds 10] [--editors 20]
//     [--keystroke-ms 5] [--rate 1000] [--latency-editors 60] [--length 300] [--batch on|off]
// Uses build/roundtable (or ROUNDTABLE_BIN) and a redis-server it starts on a free port. The
// load generator (one node process, every editor doing real OT) shares the machine with the
// server and Redis: read the figures as lower bounds of throughput and upper bounds of latency.
import { startRedis, startServer, createMeeting, cleanup } from '../support/harness.mjs';
import { percentile, round, open, metric, messagesOf, batchFlag } from './load_support.mjs';
import { TextDocumentClient } from '../../web-client/text_client.js';
import { codePointLength } from '../../web-client/text_ot.js';

const args = Object.fromEntries(
  process.argv.slice(2).reduce((pairs, a, i, all) => (a.startsWith('--') ? [...pairs, [a.slice(2), all[i + 1]]] : pairs), []),
);
const mode = args.mode ?? 'both';
const batch = batchFlag(args);
const seconds = Number(args.seconds ?? 10);
const throughputEditors = Number(args.editors ?? 20);
const keystrokeMs = Number(args['keystroke-ms'] ?? 5);
const rate = Number(args.rate ?? 1000);
const latencyEditors = Number(args['latency-editors'] ?? 60);
// Length the editors keep the notes around, in code points (the limit is 5000). Every editor
// applies every op to its whole copy (text_ot.apply splits it into code points), so this is
// what the load generator pays most for; the server's cost per op barely depends on it.
const TARGET_LENGTH = Number(args.length ?? 300);

// Under the server's 20 commands/s, burst 40, per connection.
const SEND_RATE = { perSecond: 19, burst: 30 };
const CHARS = ['a', 'e', 'o', ' ', 'é', '学', '😀', '👋🏽'];

const stats = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return { n: s.length, p50: round(percentile(s, 50)), p99: round(percentile(s, 99)), max: round(s.at(-1)) };
};
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));



// One editor: the text client, its connection, and send pacing.
class Editor {
  constructor(index, ws, welcome, itemId, run) {
    this.index = index;
    this.ws = ws;
    this.itemId = itemId;
    this.run = run;
    this.pid = welcome.you.participantId;
    const item = welcome.meeting.items.find((i) => i.id === itemId);
    this.doc = new TextDocumentClient(item.notes, 0);
    this.appliedSeq = welcome.version;
    this.inflight = null; // {cid, msg, sentAt, keystrokeAt}
    this.unsent = false;
    this.tokens = SEND_RATE.burst;
    this.tokensAt = performance.now();
    this.timer = null;
    this.firstPendingKeystroke = null; // time of the oldest keystroke not yet in a sent op
    this.seed = index * 2654435761;
    ws.on('message', (data) => this.onMessage(data));
  }

  random() {
    // xorshift: cheap and deterministic per editor
    let x = this.seed | 0 || 1;
    x ^= x << 13; x ^= x >>> 17; x ^= x << 5;
    this.seed = x;
    return (x >>> 0) / 4294967296;
  }

  keystroke() {
    const now = performance.now();
    const len = codePointLength(this.doc.text);
    let op;
    const del = len > TARGET_LENGTH * 1.2 || (len > TARGET_LENGTH * 0.8 && this.random() < 0.5);
    if (del && len > 0) {
      const pos = Math.floor(this.random() * len);
      op = pos > 0 ? [pos, { d: 1 }] : [{ d: 1 }];
    } else {
      const pos = Math.floor(this.random() * (len + 1));
      const ch = CHARS[Math.floor(this.random() * CHARS.length)];
      op = pos > 0 ? [pos, ch] : [ch];
    }
    this.run.keystrokes += 1;
    if (this.firstPendingKeystroke === null) this.firstPendingKeystroke = now;
    const out = this.doc.applyLocal(op);
    if (out) this.putInFlight(out);
    else if (this.doc.state === 'synchronized') this.firstPendingKeystroke = null; // composed away
  }

  putInFlight(op) {
    const cid = `e${this.index}-${this.doc.inflightId}`;
    this.inflight = {
      cid, keystrokeAt: this.firstPendingKeystroke ?? performance.now(), sentAt: null,
      msg: { type: 'edit_text', cid, field: 'notes', itemId: this.itemId, version: this.appliedSeq, op },
    };
    this.firstPendingKeystroke = null;
    this.trySend();
  }

  trySend() {
    if (!this.inflight || this.inflight.sentAt !== null || this.timer) return;
    const now = performance.now();
    this.tokens = Math.min(SEND_RATE.burst, this.tokens + ((now - this.tokensAt) * SEND_RATE.perSecond) / 1000);
    this.tokensAt = now;
    if (this.tokens < 1) {
      this.timer = setTimeout(() => { this.timer = null; this.trySend(); }, ((1 - this.tokens) * 1000) / SEND_RATE.perSecond);
      return;
    }
    this.tokens -= 1;
    this.inflight.sentAt = now;
    this.run.sent.set(this.inflight.cid, this.inflight);
    this.ws.send(JSON.stringify(this.inflight.msg));
  }

  onMessage(data) {
    const now = performance.now();
    for (const m of messagesOf(data)) this.take(m, now);
  }

  take(m, now) {
    if (m.type === 'event') {
      if (m.seq <= this.appliedSeq) return;
      if (m.seq !== this.appliedSeq + 1) throw new Error(`editor ${this.index}: gap ${this.appliedSeq} -> ${m.seq}`);
      this.appliedSeq = m.seq;
      if (m.kind !== 'text_edited' || m.data.itemId !== this.itemId) return;
      if (m.actor === this.pid && this.inflight && m.cid === this.inflight.cid) {
        this.inflight = null;
        const next = this.doc.serverAck();
        if (next) this.putInFlight(next);
      } else {
        this.doc.serverOp(m.data.op);
        this.run.onSeen(m.cid, now);
      }
    } else if (m.type === 'ack') {
      this.run.onAck(m.cid, now);
    } else if (m.type === 'reject') {
      this.run.rejects[m.code] = (this.run.rejects[m.code] ?? 0) + 1;
      if (m.code === 'rate_limited' && this.inflight && m.cid === this.inflight.cid) {
        this.inflight.sentAt = null;
        this.tokens = 0;
        this.trySend();
      } else {
        throw new Error(`editor ${this.index}: ${JSON.stringify(m)}`);
      }
    }
  }
}

async function setup(server, meeting, count, notes) {
  const fac = await open(server.wsUrl, {
    type: 'join', v: 1, cid: 'j', facilitatorToken: meeting.facilitatorToken, name: 'Fac', attendance: 'room', batch,
  });
  fac.ws.send(JSON.stringify({ type: 'add_item', cid: 'item', title: 'Hot notes', notes }));
  const ack = await new Promise((resolve) => {
    const on = (d) => {
      const x = messagesOf(d).find((y) => y.cid === 'item' && y.type !== 'event');
      if (x) { fac.ws.off('message', on); resolve(x); }
    };
    fac.ws.on('message', on);
  });
  if (ack.type !== 'ack') throw new Error(`add_item: ${JSON.stringify(ack)}`);
  const itemId = `i${ack.seq}`;
  const conns = [];
  for (let i = 0; i < count; i++) {
    conns.push(await open(server.wsUrl, {
      type: 'join', v: 1, cid: `j${i}`, code: meeting.joinCode, name: `E${i}`, attendance: 'remote', batch,
    }));
  }
  // Every editor starts from a snapshot that already includes every join (resuming makes no
  // event), so none misses an event between its welcome and its message handler.
  for (const c of conns) c.ws.close();
  const editors = [];
  for (let i = 0; i < count; i++) {
    const c = await open(server.wsUrl, { type: 'resume', v: 1, cid: `r${i}`, token: conns[i].welcome.token, batch });
    editors.push(c);
  }
  return { fac, itemId, conns: editors };
}

function newRun(count) {
  const run = {
    keystrokes: 0,
    sent: new Map(), // cid -> inflight record
    seenCount: new Map(),
    ackMs: [],
    seenByAllMs: [],
    keystrokeToAllMs: [],
    rejects: {},
    committed: 0,
    onAck(cid, now) {
      const r = run.sent.get(cid);
      if (r) run.ackMs.push(now - r.sentAt);
    },
    onSeen(cid, now) {
      const n = (run.seenCount.get(cid) ?? 0) + 1;
      run.seenCount.set(cid, n);
      if (n === count - 1) {
        const r = run.sent.get(cid);
        if (r) {
          run.seenByAllMs.push(now - r.sentAt);
          run.keystrokeToAllMs.push(now - r.keystrokeAt);
        }
      }
    },
  };
  return run;
}

async function drain(editors, timeoutMs = 20000) {
  const deadline = performance.now() + timeoutMs;
  while (performance.now() < deadline) {
    const seqs = new Set(editors.map((e) => e.appliedSeq));
    if (editors.every((e) => e.doc.state === 'synchronized') && seqs.size === 1) return true;
    await sleep(20);
  }
  return false;
}

async function runMode(server, name, count, drive) {
  const meeting = await createMeeting(server.baseUrl, { title: `Bench ${name}`, goal: 'Measure' });
  const { fac, itemId, conns } = await setup(server, meeting, count, 'x'.repeat(TARGET_LENGTH));
  const run = newRun(count);
  const editors = conns.map((c, i) => new Editor(i, c.ws, c.welcome, itemId, run));
  // Committed ops counted by a passive listener (the facilitator's connection).
  let committed = 0;
  let firstSeq = null;
  fac.ws.on('message', (d) => {
    for (const m of messagesOf(d)) {
      if (m.type === 'event' && m.kind === 'text_edited') { committed += 1; if (firstSeq === null) firstSeq = m.seq; }
    }
  });
  const commitsBefore = await metric(server.baseUrl, 'roundtable_commits_total');
  const eventsBefore = await metric(server.baseUrl, 'roundtable_events_committed_total');
  const start = performance.now();
  await drive(editors, run, start);
  const typedFor = (performance.now() - start) / 1000;
  const committedWhileTyping = committed;
  const drained = await drain(editors);
  const commits = (await metric(server.baseUrl, 'roundtable_commits_total')) - commitsBefore;
  const events = (await metric(server.baseUrl, 'roundtable_events_committed_total')) - eventsBefore;
  const texts = new Set(editors.map((e) => e.doc.text));
  const result = {
    editors: count,
    seconds: round(typedFor),
    keystrokes: run.keystrokes,
    keystrokes_per_s: Math.round(run.keystrokes / typedFor),
    ops_sent: run.sent.size,
    ops_committed: committed,
    committed_ops_per_s: Math.round(committedWhileTyping / typedFor),
    keystrokes_per_op: round(run.keystrokes / Math.max(1, run.sent.size)),
    ack_ms: stats(run.ackMs),
    seen_by_all_others_ms: stats(run.seenByAllMs),
    keystroke_to_seen_by_all_ms: stats(run.keystrokeToAllMs),
    rejects: run.rejects,
    events_per_commit: round(events / commits),
    converged: drained && texts.size === 1,
    final_length: codePointLength(editors[0].doc.text),
  };
  for (const e of editors) e.ws.close();
  fac.ws.close();
  return result;
}

const redis = await startRedis();
const server = await startServer({ redisUrl: redis.url });
const out = { benchmark: 'text_ops', cores: (await import('node:os')).cpus().length, batch };
try {
  if (mode === 'both' || mode === 'throughput') {
    out.throughput = await runMode(server, 'throughput', throughputEditors, async (editors) => {
      const end = performance.now() + seconds * 1000;
      await Promise.all(editors.map(async (e) => {
        while (performance.now() < end) {
          e.keystroke();
          await sleep(keystrokeMs);
        }
      }));
    });
    out.throughput.keystroke_interval_ms = keystrokeMs;
    out.throughput.text_length_target = TARGET_LENGTH;
  }
  if (mode === 'both' || mode === 'latency') {
    out.latency = await runMode(server, 'latency', latencyEditors, async (editors, run, start) => {
      const total = Math.round(rate * seconds);
      for (let k = 0; k < total; k++) {
        const due = start + (k * 1000) / rate;
        const wait = due - performance.now();
        if (wait > 1) await sleep(wait);
        editors[k % editors.length].keystroke();
      }
    });
    out.latency.offered_keystrokes_per_s = rate;
    out.latency.text_length_target = TARGET_LENGTH;
  }
  console.log(JSON.stringify(out, null, 2));
} finally {
  await server.stop();
  await cleanup();
}
