// Collaborative editing of one item's notes against the real roundtable binary and a real
// redis-server (PROTOCOL.md, "Collaborative text: edit_text" and "Who is editing: focus").
//
// Each simulated editor is web-client/text_client.js's TextDocumentClient (one op in flight,
// later keystrokes composed into a buffer) wired to a WebSocket the way the web client wires it:
// the committed event carrying the in-flight cid is the ack (serverAck), every other edit of the
// field goes through serverOp. Messages in both directions go through a FIFO with random delays,
// so ops cross on the wire. A failing run names its seed; ROUNDTABLE_COEDIT_SEED=<seed> replays
// the same keystrokes (network and server timing still vary).

import { test } from 'node:test';
import assert from 'node:assert/strict';

import {
  serverForFile, startServer, createMeeting, join, resume, short, waitFor, httpRequest,
} from '../support/harness.mjs';
import { TextDocumentClient } from '../../web-client/text_client.js';
import { apply as applyOp, codePointLength, transform } from '../../web-client/text_ot.js';
import { prng } from '../js/ot_support.mjs';

const SEED = Number(process.env.ROUNDTABLE_COEDIT_SEED ?? Math.floor(Math.random() * 2 ** 31));
const EDITORS = 5;
const KEYSTROKES = 200;
const MAX_TYPING_PAUSE_MS = 20;
const MAX_NET_DELAY_MS = 15;
// The server allows 20 commands per second per connection (burst 40); each editor paces its
// sends with a token bucket a little under that.
const SEND_RATE = { perSecond: 18, burst: 30 };
const NOTES_LIMIT = 5000;
const HISTORY = 200; // edits the server keeps per field (PROTOCOL.md)

// A test may kill -9 the server and start another on the same Redis (env.server is replaced).
const env = serverForFile();

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const seedNote = `(seed ${SEED}; replay with ROUNDTABLE_COEDIT_SEED=${SEED})`;

// ---------------------------------------------------------------------------------------------
// A FIFO link with random per-message delays: items come out in the order they went in, each
// no earlier than its own random delay (and, with `rate`, than a token bucket allows). hold()
// stops delivery (a stalled connection), drop() loses what is queued (the connection died).

class DelayedFifo {
  constructor(rng, maxDelayMs, deliver, { rate = null } = {}) {
    this.rng = rng;
    this.maxDelayMs = maxDelayMs;
    this.deliver = deliver;
    this.rate = rate;
    this.tokens = rate ? rate.burst : 0;
    this.tokensAt = 0;
    this.queue = [];
    this.lastAt = 0;
    this.timer = null;
    this.held = false;
  }

  push(item) {
    const now = performance.now();
    let at = Math.max(this.lastAt, now + this.rng.int(0, this.maxDelayMs));
    if (this.rate) {
      const { perSecond, burst } = this.rate;
      this.tokens = Math.min(burst, this.tokens + ((at - this.tokensAt) * perSecond) / 1000);
      if (this.tokens < 1) {
        at += ((1 - this.tokens) * 1000) / perSecond;
        this.tokens = 1;
      }
      this.tokens -= 1;
      this.tokensAt = at;
    }
    this.lastAt = at;
    this.queue.push({ at, item });
    this.schedule();
  }

  schedule() {
    if (this.timer || this.held || this.queue.length === 0) return;
    const wait = Math.max(0, this.queue[0].at - performance.now());
    this.timer = setTimeout(() => {
      this.timer = null;
      this.flush();
    }, wait);
  }

  flush() {
    while (!this.held && this.queue.length > 0 && this.queue[0].at <= performance.now() + 0.5) {
      const { item } = this.queue.shift();
      this.deliver(item);
    }
    this.schedule();
  }

  hold() {
    this.held = true;
    clearTimeout(this.timer);
    this.timer = null;
  }

  release() {
    this.held = false;
    this.schedule();
  }

  drop() {
    const lost = this.queue.length;
    this.queue.length = 0;
    clearTimeout(this.timer);
    this.timer = null;
    return lost;
  }

  get size() {
    return this.queue.length;
  }
}

// ---------------------------------------------------------------------------------------------
// One participant editing the notes of one item.

const EMOJI = ['😀', '👋🏽', '学', 'é', 'ß', '🎉'];

class Editor {
  constructor({ name, letter, rng, itemId, wsUrl }) {
    this.name = name;
    this.letter = letter;
    this.rng = rng;
    this.itemId = itemId;
    this.wsUrl = wsUrl;
    this.errors = [];
    this.markers = [];
    this.inflightMsg = null; // the edit_text message of the op in flight, as first sent
    this.acks = new Map(); // cid -> seq of every ack received
    this.ownEvents = new Map(); // cid -> seq of this participant's text_edited events
    this.stats = { keystrokes: 0, sent: 0, resent: 0, acked: 0, remoteOps: 0, transformedAgainst: 0, rateLimited: 0 };
    this.connected = false;
    this.recv = new DelayedFifo(rng, MAX_NET_DELAY_MS, (m) => this.guard(() => this.onMessage(m)));
    this.send = new DelayedFifo(rng, MAX_NET_DELAY_MS, (m) => this.guard(() => this.transmit(m)),
      { rate: SEND_RATE });
  }

  guard(fn) {
    try {
      fn();
    } catch (e) {
      this.errors.push(`${this.name}: ${e.stack || e.message}`);
    }
  }

  async joinMeeting(code) {
    const { client, welcome } = await join(this.wsUrl, { code, name: this.name, attendance: 'remote' });
    this.token = welcome.token;
    this.participantId = welcome.you.participantId;
    const item = welcome.meeting.items.find((i) => i.id === this.itemId);
    assert.ok(item, `${this.name}: item ${this.itemId} not in the snapshot`);
    this.doc = new TextDocumentClient(item.notes, 0);
    this.appliedSeq = welcome.version;
    this.attach(client);
  }

  // Feeds everything the connection received after its welcome, then everything it receives.
  attach(client) {
    this.client = client;
    this.connected = true;
    const from = client.messages.indexOf(client.welcome) + 1;
    for (const m of client.messages.slice(from)) this.recv.push(m);
    this.unsubscribe = client.subscribe((m) => this.recv.push(m));
  }

  // The connection dies: whatever was still on the way in either direction is lost.
  disconnect() {
    this.connected = false;
    this.unsubscribe();
    for (const x of this.client.invalid) {
      this.errors.push(`${this.name} got a message failing the schemas: ${short(x.message)}: ${x.errors.join('; ')}`);
    }
    this.client.terminate();
    return { lostIncoming: this.recv.drop(), lostOutgoing: this.send.drop() };
  }

  async reconnect() {
    const { client, welcome } = await resume(this.wsUrl, { token: this.token, lastSeq: this.appliedSeq, name: this.name });
    assert.equal(welcome.you.participantId, this.participantId);
    assert.equal(welcome.resumeFrom, this.appliedSeq, `${this.name}: resume should replay events, got ${short(welcome)}`);
    this.token = welcome.token;
    this.recv.release();
    this.send.release();
    this.attach(client);
    // The op in flight again, exactly as first sent (same cid, version and op): the server
    // applies it if it never got it, or answers with the ack of the original seq.
    if (this.inflightMsg) {
      this.stats.resent += 1;
      this.send.push(this.inflightMsg);
    }
  }

  transmit(msg) {
    if (!this.connected) return;
    this.stats.sent += 1;
    this.client.send(msg);
  }

  putInFlight(op) {
    this.inflightMsg = {
      type: 'edit_text', cid: `${this.name}-${this.doc.inflightId}`, field: 'notes', itemId: this.itemId,
      version: this.appliedSeq, op,
    };
    if (this.connected) this.send.push(this.inflightMsg);
  }

  onMessage(m) {
    if (m.type === 'event') {
      if (m.seq <= this.appliedSeq) return; // a duplicate
      if (m.seq !== this.appliedSeq + 1) throw new Error(`gap: event ${m.seq} after ${this.appliedSeq}`);
      this.appliedSeq = m.seq;
      const d = m.data;
      if (m.kind === 'text_edited' && d.field === 'notes' && d.itemId === this.itemId) {
        if (m.actor === this.participantId) {
          if (this.ownEvents.has(m.cid)) throw new Error(`own cid ${m.cid} committed twice: ${this.ownEvents.get(m.cid)} and ${m.seq}`);
          this.ownEvents.set(m.cid, m.seq);
        }
        if (this.inflightMsg && m.actor === this.participantId && m.cid === this.inflightMsg.cid) {
          this.stats.acked += 1;
          this.inflightMsg = null;
          const next = this.doc.serverAck();
          if (next) this.putInFlight(next);
        } else {
          this.stats.remoteOps += 1;
          if (this.doc.inflight) this.stats.transformedAgainst += 1;
          this.doc.serverOp(d.op);
        }
      } else if (d && d.itemId === this.itemId && (m.kind !== 'text_edited' && ('notes' in d || m.kind === 'item_deleted'))) {
        throw new Error(`unexpected ${short(m)}`);
      }
    } else if (m.type === 'ack') {
      this.acks.set(m.cid, m.seq);
    } else if (m.type === 'reject') {
      if (m.code === 'rate_limited' && this.inflightMsg && m.cid === this.inflightMsg.cid) {
        this.stats.rateLimited += 1;
        const msg = this.inflightMsg;
        setTimeout(() => { if (this.inflightMsg === msg && this.connected) this.send.push(msg); }, 300);
      } else {
        throw new Error(`rejected: ${short(m)}`);
      }
    } else if (m.type === 'error') {
      throw new Error(`server error: ${short(m)}`);
    }
  }

  nextMarker() {
    const id = `${this.letter}${this.markers.length}`;
    const marker = `⟨${id}${this.rng.pick(EMOJI)}${id}⟩`;
    this.markers.push(marker);
    return marker;
  }

  // A random edit at a random place: an insert of a unique marker, or a delete.
  randomKeystroke({ deletes = true } = {}) {
    const len = codePointLength(this.doc.text);
    let op;
    const deleteChance = len > 2500 ? 0.8 : 0.35;
    if (deletes && len > 0 && this.rng.chance(deleteChance)) {
      const pos = this.rng.int(0, len - 1);
      const n = Math.min(this.rng.int(1, 6), len - pos);
      op = pos > 0 ? [pos, { d: n }] : [{ d: n }];
    } else {
      const pos = deletes ? this.rng.int(0, len) : this.rng.pick(boundaries(this.doc.text));
      const marker = this.nextMarker();
      op = pos > 0 ? [pos, marker] : [marker];
    }
    this.keystroke(op);
  }

  keystroke(op) {
    this.stats.keystrokes += 1;
    const out = this.doc.applyLocal(op);
    if (out) this.putInFlight(out);
  }

  async type(n, opts) {
    for (let i = 0; i < n; i += 1) {
      await sleep(this.rng.int(0, MAX_TYPING_PAUSE_MS));
      this.guard(() => this.randomKeystroke(opts));
      if (this.errors.length) return;
    }
  }

  get idle() {
    return this.doc.state === 'synchronized' && this.recv.size === 0 && this.send.size === 0;
  }
}

// Code point offsets between whole markers, for a text made of markers only.
function boundaries(text) {
  const parts = text.match(/⟨[^⟨⟩]*⟩/g) ?? [];
  if (parts.join('') !== text) throw new Error(`not a sequence of whole markers: ${short(text)}`);
  const out = [0];
  for (const p of parts) out.push(out[out.length - 1] + codePointLength(p));
  return out;
}

function countOf(text, needle) {
  let n = 0;
  for (let i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + needle.length)) n += 1;
  return n;
}

function allErrors(editors) {
  return editors.flatMap((e) => e.errors.concat(e.client.invalid.map((x) => `${e.name} got a message failing the schemas: ` +
    `${short(x.message)}: ${x.errors.join('; ')}`)));
}

// Waits until every editor has nothing pending and has applied every event up to the same seq;
// fails at once on an editor error.
async function settle(editors, what, timeoutMs = 30000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const errs = allErrors(editors);
    if (errs.length) assert.fail(`${errs.join('\n')} ${seedNote}`);
    const seqs = new Set(editors.map((e) => e.appliedSeq));
    if (editors.every((e) => e.idle && e.client.lastSeq === e.appliedSeq) && seqs.size === 1) return;
    if (Date.now() > deadline) {
      const states = editors.map((x) => `${x.name}: ${x.doc.state}, applied ${x.appliedSeq}, received ${x.client.lastSeq}, ` +
        `queued in ${x.recv.size} out ${x.send.size}`);
      assert.fail(`timed out after ${timeoutMs} ms waiting for ${what}\n${states.join('\n')} ${seedNote}`);
    }
    await sleep(20);
  }
}

async function snapshotNotes(wsUrl, code, itemId) {
  const { client, welcome } = await join(wsUrl, { code, role: 'observer', name: 'Checker' });
  client.terminate();
  const item = welcome.meeting.items.find((i) => i.id === itemId);
  assert.ok(item, `item ${itemId} missing from the snapshot`);
  return { notes: item.notes, version: welcome.version };
}

async function setupMeeting(title, notes = '') {
  const meeting = await createMeeting(env.server.baseUrl, { title, goal: 'Write the notes together' });
  const { client: fac } = await join(env.server.wsUrl, { facilitatorToken: meeting.facilitatorToken, name: 'Sam', attendance: 'room' });
  const added = await fac.command({ type: 'add_item', title: 'Book fair flyer', notes });
  assert.equal(added.type, 'ack', short(added));
  return { meeting, fac, itemId: `i${added.seq}`, itemSeq: added.seq };
}

// ---------------------------------------------------------------------------------------------

test(`${EDITORS} editors type ${KEYSTROKES} random edits each into one item's notes and converge; ` +
  'the text survives kill -9 of the server', { timeout: 120000 }, async (t) => {
  t.diagnostic(`seed ${SEED}`);
  const started = performance.now();
  const { meeting, fac, itemId, itemSeq } = await setupMeeting('Co-editing', 'Notes: ');
  const editors = [];
  t.after(() => { for (const e of editors) if (e.connected) e.disconnect(); fac.terminate(); });
  for (let i = 0; i < EDITORS; i += 1) {
    const ed = new Editor({
      name: `ed${i}`, letter: String.fromCharCode(65 + i), rng: prng(SEED + 7919 * (i + 1)), itemId, wsUrl: env.server.wsUrl,
    });
    await ed.joinMeeting(meeting.joinCode);
    editors.push(ed);
  }
  // A passive participant folds every committed op of the field onto the snapshot text.
  const { client: watcher, welcome: watcherWelcome } = await join(env.server.wsUrl, {
    code: meeting.joinCode, role: 'observer', name: 'Watcher',
  });
  t.after(() => watcher.terminate());

  await Promise.all(editors.map((e) => e.type(KEYSTROKES)));
  assert.deepEqual(allErrors(editors), [], seedNote);
  const typedMs = performance.now() - started;
  await settle(editors, 'every editor to have no pending op');

  const texts = editors.map((e) => e.doc.text);
  for (const [i, text] of texts.entries()) {
    assert.equal(text, texts[0], `ed${i}'s text differs from ed0's ${seedNote}`);
  }
  const finalText = texts[0];
  assert.ok(codePointLength(finalText) <= NOTES_LIMIT);

  // Every op was committed once: each cid at most one event, the in-flight cids all acked.
  await watcher.waitForSeq(editors[0].appliedSeq);
  const edits = watcher.events.filter((e) => e.kind === 'text_edited' && e.data.itemId === itemId);
  const cids = edits.map((e) => `${e.actor}/${e.cid}`);
  assert.equal(new Set(cids).size, cids.length, 'a cid was committed twice');
  const sent = editors.reduce((n, e) => n + e.stats.acked, 0);
  assert.equal(edits.length, sent, 'committed ops = ops the editors saw acknowledged');
  let folded = watcherWelcome.meeting.items.find((i) => i.id === itemId).notes;
  for (const e of edits) folded = applyOp(folded, e.data.op);
  assert.equal(folded, finalText, 'the committed ops, applied in seq order, give the editors\' text');

  // No marker twice (markers cut by deletes are simply gone).
  const markers = editors.flatMap((e) => e.markers);
  assert.equal(new Set(markers).size, markers.length);
  let intact = 0;
  for (const m of markers) {
    const n = countOf(finalText, m);
    assert.ok(n <= 1, `marker ${m} appears ${n} times ${seedNote}`);
    intact += n;
  }
  assert.ok(intact > 0, 'some markers survive');

  // The server agrees, and still does after kill -9 and a restart on the same Redis.
  const snap = await snapshotNotes(env.server.wsUrl, meeting.joinCode, itemId);
  assert.equal(snap.notes, finalText, 'fresh snapshot notes equal the editors\' text');
  for (const e of editors) e.disconnect();
  watcher.terminate();
  fac.terminate();
  await env.server.kill9();
  env.server = await startServer({ redisUrl: env.redis.url });
  const after9 = await snapshotNotes(env.server.wsUrl, meeting.joinCode, itemId);
  assert.equal(after9.notes, finalText, 'the notes after kill -9 and restart');
  assert.ok(after9.version >= snap.version, `version went back: ${after9.version} < ${snap.version}`);

  // The edit history survived too: an op based on the oldest kept version is transformed, one
  // based before it is stale (the server keeps the last 200 edits of the field).
  const fieldSeqs = edits.map((e) => e.seq); // the only edits of these notes since item_added
  const floor = fieldSeqs.length > HISTORY ? fieldSeqs[fieldSeqs.length - HISTORY - 1] : itemSeq;
  const { client: late } = await resume(env.server.wsUrl, { token: editors[0].token, name: 'late' });
  if (floor > 1) {
    const stale = await late.command({ type: 'edit_text', field: 'notes', itemId, version: floor - 1, op: ['Z'] });
    assert.equal(stale.type, 'reject', `an op based on ${floor - 1} (before the kept edits) ${short(stale)}`);
    assert.equal(stale.code, 'stale', short(stale));
  }
  const kept = await late.command({ type: 'edit_text', field: 'notes', itemId, version: floor, op: ['Z'] });
  assert.equal(kept.type, 'ack', `an op based on ${floor} ${short(kept)}`);
  // Transformed as the server must: over every edit after `floor`, committed inserts first.
  let expected = ['Z'];
  for (const e of edits) if (e.seq > floor) expected = transform(expected, e.data.op, 'right');
  const end = await snapshotNotes(env.server.wsUrl, meeting.joinCode, itemId);
  assert.equal(end.notes, applyOp(finalText, expected), `the late insert, transformed to ${short(expected)}`);
  late.terminate();

  const stats = editors.map((e) => e.stats);
  const sum = (k) => stats.reduce((n, s) => n + s[k], 0);
  t.diagnostic(`keystrokes ${sum('keystrokes')}, ops committed ${edits.length}, edits transformed against a pending op ` +
    `${sum('transformedAgainst')}, rate_limited ${sum('rateLimited')}, final length ${codePointLength(finalText)} ` +
    `code points, intact markers ${intact}/${markers.length}, typing ${Math.round(typedMs)} ms, total ` +
    `${Math.round(performance.now() - started)} ms, history floor ${floor}`);
});

test('an editor whose connection drops keeps typing, resumes and resends its op in flight with the same cid: ' +
  'nothing duplicated, nothing lost', { timeout: 120000 }, async (t) => {
  const { meeting, fac, itemId } = await setupMeeting('Dropped editor');
  const rng = prng(SEED + 17);
  const d = new Editor({ name: 'drop', letter: 'D', rng: prng(SEED + 31), itemId, wsUrl: env.server.wsUrl });
  const e = new Editor({ name: 'else', letter: 'E', rng: prng(SEED + 37), itemId, wsUrl: env.server.wsUrl });
  t.after(() => { for (const x of [d, e]) if (x.connected) x.disconnect(); fac.terminate(); });
  await d.joinMeeting(meeting.joinCode);
  await e.joinMeeting(meeting.joinCode);
  const opts = { deletes: false }; // markers inserted between markers only: every one must survive
  const typingE = e.type(120, opts);

  await d.type(20, opts);
  // 1. The op in flight is committed, but the connection dies before its event arrives.
  d.recv.hold();
  if (!d.inflightMsg) await d.type(1, opts); // synchronized: the next keystroke goes out at once
  const committed = d.inflightMsg;
  assert.ok(committed, 'an op in flight');
  await waitFor(() => e.client.events.find((x) => x.cid === committed.cid && x.actor === d.participantId),
    { what: `the commit of ${committed.cid}`, intervalMs: 5 });
  const firstSeq = e.client.events.find((x) => x.cid === committed.cid).seq;
  d.disconnect();
  d.acks.delete(committed.cid);
  await d.type(10 + rng.int(0, 10), opts); // typing on while offline
  assert.equal(d.inflightMsg, committed, 'still waiting for the same op');
  await d.reconnect();
  await waitFor(() => d.acks.has(committed.cid), { what: `the ack of the resent ${committed.cid}` });
  assert.equal(d.acks.get(committed.cid), firstSeq, 'the resend is acked with the original seq');

  await d.type(20, opts);
  // 2. The op in flight never leaves: the connection dies with it still queued.
  d.send.hold();
  for (let i = 0; i < 200 && d.send.size === 0; i += 1) await d.type(1, opts);
  const unsent = d.inflightMsg;
  assert.ok(unsent && d.send.size === 1 && d.send.queue[0].item === unsent, 'the op in flight is held back');
  const lost = d.disconnect();
  assert.equal(lost.lostOutgoing, 1, 'the op was still queued');
  await d.type(10, opts);
  await d.reconnect();

  await d.type(30, opts);
  await typingE;
  await settle([d, e], 'both editors to have no pending op');
  assert.deepEqual(allErrors([d, e]), []);

  const text = d.doc.text;
  assert.equal(e.doc.text, text, 'both editors see the same text');
  assert.equal((await snapshotNotes(env.server.wsUrl, meeting.joinCode, itemId)).notes, text, 'and so does the server');
  const markers = [...d.markers, ...e.markers];
  for (const m of markers) assert.equal(countOf(text, m), 1, `marker ${m} ${seedNote}`);
  assert.equal(text, (text.match(/⟨[^⟨⟩]*⟩/g) ?? []).join(''), 'nothing but the markers');
  assert.equal(text.match(/⟨/g).length, markers.length, 'exactly the markers typed');

  const commits = e.client.events.filter((x) => x.actor === d.participantId && x.kind === 'text_edited');
  const dCids = commits.map((x) => x.cid);
  assert.equal(new Set(dCids).size, dCids.length, 'no cid of drop committed twice');
  assert.equal(dCids.filter((c) => c === committed.cid).length, 1);
  assert.equal(dCids.filter((c) => c === unsent.cid).length, 1, 'the op that never left was applied after the resume');
  t.diagnostic(`drop: ${d.stats.keystrokes} keystrokes, ${commits.length} ops committed, ${d.stats.resent} resends; ` +
    `else: ${e.stats.keystrokes} keystrokes; ${markers.length} markers, each once`);
});

test('focus: the others see who edits what; it clears when the last connection closes', { timeout: 60000 }, async (t) => {
  const { meeting, fac, itemId } = await setupMeeting('Focus');
  const opened = [fac];
  t.after(() => { for (const c of opened) c.terminate(); });
  const a = await join(env.server.wsUrl, { code: meeting.joinCode, name: 'Ana' });
  const b = await join(env.server.wsUrl, { code: meeting.joinCode, name: 'Ben' });
  opened.push(a.client, b.client);
  const aId = a.welcome.you.participantId;
  const bId = b.welcome.you.participantId;
  const editingOf = (client, pid) => client.messages.filter((m) => m.type === 'editing' && m.participantId === pid);

  const ack = await a.client.command({ type: 'focus', itemId, field: 'notes' });
  assert.equal(ack.type, 'ack', short(ack));
  assert.equal(ack.seq, a.client.lastSeq, 'a focus ack carries the current version');
  const seen = await b.client.next((m) => m.type === 'editing', 5000);
  const pick = ({ type, participantId, itemId: i, field }) => ({ type, participantId, itemId: i, field });
  assert.deepEqual(pick(seen), { type: 'editing', participantId: aId, itemId, field: 'notes' });
  await fac.next((m) => m.type === 'editing' && m.participantId === aId, 5000);

  // b's focus reaches a after a's own would have: a never hears about itself.
  assert.equal((await b.client.command({ type: 'focus', itemId, field: 'title' })).type, 'ack');
  await a.client.next((m) => m.type === 'editing' && m.participantId === bId, 5000);
  assert.deepEqual(editingOf(a.client, aId), [], 'no editing message about oneself');

  const versionBefore = a.client.lastSeq;
  const c = await join(env.server.wsUrl, { code: meeting.joinCode, name: 'Cy', role: 'observer' });
  opened.push(c.client);
  const listed = [...c.welcome.meeting.editing].sort((x, y) => x.participantId.localeCompare(y.participantId));
  assert.deepEqual(listed.map(({ participantId, itemId: i, field }) => ({ participantId, itemId: i, field })), [
    { participantId: aId, itemId, field: 'notes' },
    { participantId: bId, itemId, field: 'title' },
  ].sort((x, y) => x.participantId.localeCompare(y.participantId)), 'the welcome snapshot lists who edits what');
  assert.equal(c.welcome.version, versionBefore + 1, 'focus made no event (only c joining did)');
  const denied = await c.client.command({ type: 'focus', itemId, field: 'notes' });
  assert.equal(denied.code, 'forbidden', short(denied));

  // A second connection of a: closing the first one does not clear a's focus.
  const metric = async () => {
    const { text } = await httpRequest(`${env.server.baseUrl}/metrics`);
    return Number(/^roundtable_connections (\d+)/m.exec(text)[1]);
  };
  const a2 = await resume(env.server.wsUrl, { token: a.welcome.token, name: 'Ana again' });
  opened.push(a2.client);
  // Open now: fac, a, a2, b, c (connections of earlier tests are closed by then).
  await waitFor(async () => (await metric()) === 5, { what: 'the server to count 5 connections' });
  a.client.terminate();
  await waitFor(async () => (await metric()) === 4, { what: 'the server to close the first connection' });
  // The room has handled the close before it handles b's next command.
  assert.equal((await b.client.command({ type: 'update_profile', organisation: 'x' })).type, 'ack');
  assert.deepEqual(editingOf(b.client, aId).slice(1), [], 'still editing while another connection is open');

  a2.client.terminate();
  const cleared = await b.client.next((m) => m.type === 'editing' && m.participantId === aId, 10000);
  assert.equal(cleared.itemId, null, short(cleared));
  assert.equal(cleared.field, null, short(cleared));
  assert.ok(b.client.presence.some((p) => p.participantId === aId && p.online === false), 'and a is offline');
  const d = await join(env.server.wsUrl, { code: meeting.joinCode, name: 'Di', role: 'observer' });
  opened.push(d.client);
  assert.deepEqual(d.welcome.meeting.editing.map((x) => x.participantId), [bId], 'only b is still editing');

  // Focus on nothing is shown as nulls.
  assert.equal((await b.client.command({ type: 'focus' })).type, 'ack');
  const none = await c.client.next((m) => m.type === 'editing' && m.participantId === bId && m.field === null, 5000);
  assert.equal(none.itemId, null);
  const e = await join(env.server.wsUrl, { code: meeting.joinCode, name: 'Ed', role: 'observer' });
  opened.push(e.client);
  assert.deepEqual(e.welcome.meeting.editing, [], 'nobody is editing');
  for (const x of [fac, b.client, c.client, d.client, e.client]) {
    assert.deepEqual(x.invalid, [], `${x.name} got messages failing the schemas`);
    x.terminate();
  }
});

test('notes hold at most 5000 code points, whole or edited', { timeout: 60000 }, async (t) => {
  const { meeting, fac } = await setupMeeting('Limits');
  const { client } = await join(env.server.wsUrl, { code: meeting.joinCode, name: 'Ana' });
  t.after(() => { client.terminate(); fac.terminate(); });
  const full = '😀'.repeat(NOTES_LIMIT);
  const added = await client.command({ type: 'add_item', title: 'Long notes', notes: full });
  assert.equal(added.type, 'ack', short(added));
  const itemId = `i${added.seq}`;
  const over = await client.command({ type: 'add_item', title: 'Too long', notes: `${full}x` });
  assert.equal(over.code, 'too_long', short(over));
  const overUpdate = await client.command({ type: 'update_item', itemId, notes: `x${full}` });
  assert.equal(overUpdate.code, 'too_long', short(overUpdate));
  const grow = await client.command({ type: 'edit_text', field: 'notes', itemId, version: added.seq, op: [NOTES_LIMIT, 'x'] });
  assert.equal(grow.code, 'too_long', short(grow));
  const replace = await client.command({ type: 'edit_text', field: 'notes', itemId, version: added.seq, op: ['x', { d: 1 }] });
  assert.equal(replace.type, 'ack', short(replace));
  const emptied = await client.command({ type: 'update_item', itemId, notes: '' });
  assert.equal(emptied.type, 'ack', short(emptied));
  // Made on the 5000-character version: transformed over the whole-field update it becomes an
  // insert into the empty notes.
  const late = await client.command({ type: 'edit_text', field: 'notes', itemId, version: added.seq, op: [NOTES_LIMIT, '!'] });
  assert.equal(late.type, 'ack', short(late));
  const snap = await snapshotNotes(env.server.wsUrl, meeting.joinCode, itemId);
  assert.equal(snap.notes, '!');
  assert.deepEqual(client.invalid, []);
  client.terminate();
  fac.terminate();
});
