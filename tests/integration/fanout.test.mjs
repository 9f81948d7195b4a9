// Fan-out, presence, HTTP API, health, metrics and the Origin check, against the real binary.

import { test } from 'node:test';
import assert from 'node:assert/strict';

import {
  serverForFile, short, createMeeting, join, resume, Client, httpRequest, validateServerMessage, waitFor,
} from '../support/harness.mjs';

const env = serverForFile();

function assertSchemaClean(client) {
  assert.deepEqual(client.invalid.map((x) => ({ message: short(x.message), errors: x.errors })), [],
    `${client.name} received messages that fail the env.server schemas`);
}

test('three clients see every event in the same seq order, with valid messages', { timeout: 60000 }, async () => {
  const meeting = await createMeeting(env.server.baseUrl, { title: 'Fan-out', goal: 'Everyone sees everything' });
  assert.match(meeting.meetingId, /.+/);
  assert.match(meeting.joinCode, /^[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}$/);
  assert.equal(typeof meeting.facilitatorToken, 'string');
  assert.equal(typeof meeting.joinUrl, 'string');

  const fac = await join(env.server.wsUrl, { facilitatorToken: meeting.facilitatorToken, name: 'Sam', attendance: 'room',
    organisation: 'District' });
  const ana = await join(env.server.wsUrl, { code: meeting.joinCode, name: 'Ana', attendance: 'remote',
    organisation: 'Library' });
  const ben = await join(env.server.wsUrl, { code: meeting.joinCode, name: 'Ben', attendance: 'room',
    organisation: 'Head Start', role: 'member' });
  fac.client.name = 'fac'; ana.client.name = 'ana'; ben.client.name = 'ben';
  assert.equal(fac.welcome.you.role, 'facilitator');
  assert.equal(ana.welcome.you.role, 'member');
  assert.equal(ben.welcome.you.role, 'member');

  // Welcome snapshot: the creation data, sections in shared-agenda order.
  const snap = fac.welcome.meeting;
  assert.equal(snap.title, 'Fan-out');
  assert.equal(snap.goal, 'Everyone sees everything');
  assert.equal(snap.phase, 'lobby');
  assert.equal(snap.joinCode, meeting.joinCode);
  assert.equal(snap.id, meeting.meetingId);
  assert.deepEqual(snap.sections.map((s) => s.id), ['goal', 'action_items', 'partner_updates', 'wrap_up']);
  assert.equal(Math.abs(fac.welcome.serverTime - Date.now()) < 60000, true, 'serverTime is epoch ms');
  const benSnap = ben.welcome.meeting;
  assert.deepEqual(benSnap.participants.map((p) => [p.id, p.role, p.online]).sort(),
    [['p2', 'facilitator', true], ['p3', 'member', true], ['p4', 'member', true]]);

  // Everyone edits at once, without waiting for each answer.
  const clients = [fac.client, ana.client, ben.client];
  const pending = [];
  for (let round = 0; round < 5; round++) {
    pending.push(ana.client.command({ type: 'add_item', title: `ana item ${round}` }));
    pending.push(ben.client.command({ type: 'add_item', title: `ben item ${round}`, owner: 'Ben', status: 'agreed' }));
    pending.push(fac.client.command({ type: 'set_goal', goal: `goal version ${round}` }));
  }
  const answers = await Promise.all(pending);
  for (const a of answers) assert.equal(a.type, 'ack', `concurrent command answered ${short(a)}`);
  const ackSeqs = answers.map((a) => a.seq);
  assert.equal(new Set(ackSeqs).size, ackSeqs.length, 'every command got its own seq');
  const last = Math.max(...ackSeqs);
  assert.equal(last, 4 + answers.length, 'seqs are dense after the three joins');

  // Updates and moves that depend on the ids.
  const items = answers.filter((_, i) => i % 3 !== 2).map((a) => `i${a.seq}`);
  const more = await Promise.all([
    ana.client.command({ type: 'update_item', itemId: items[0], status: 'done' }),
    ben.client.command({ type: 'update_item', itemId: items[1], owner: 'Ana' }),
    fac.client.command({ type: 'move_item', itemId: items[2], index: 0 }),
    fac.client.command({ type: 'delete_item', itemId: items[3] }),
  ]);
  for (const a of more) assert.equal(a.type, 'ack', short(a));
  const final = Math.max(...more.map((a) => a.seq));

  for (const c of clients) await c.waitForSeq(final, 10000);
  const streams = clients.map((c) => c.eventsBetween(4, final));
  for (const [i, s] of streams.entries()) {
    assert.deepEqual(s.map((e) => e.seq), Array.from({ length: final - 4 }, (_, j) => 5 + j),
      `${clients[i].name} events not in seq order without gaps`);
  }
  assert.deepEqual(streams[1], streams[0], 'ana and fac saw different events');
  assert.deepEqual(streams[2], streams[0], 'ben and fac saw different events');
  // Each ack matches the event with its cid.
  for (const a of [...answers, ...more]) {
    const e = streams[0].find((x) => x.seq === a.seq);
    assert.equal(e.cid, a.cid, `event ${a.seq} carries the cid of the command acked with it`);
  }
  // A fresh join sees the same state.
  const late = await join(env.server.wsUrl, { code: meeting.joinCode, role: 'observer', name: 'Late', attendance: 'room' });
  assert.equal(late.welcome.version, final + 1);
  assert.equal(late.welcome.meeting.goal, 'goal version 4');
  const lateItems = late.welcome.meeting.items;
  assert.equal(lateItems.length, 9);
  assert.equal(lateItems[0].id, items[2], 'moved item first');
  assert.ok(!lateItems.some((it) => it.id === items[3]), 'deleted item gone');
  assert.equal(lateItems.find((it) => it.id === items[0]).status, 'done');
  assert.equal(lateItems.find((it) => it.id === items[1]).owner, 'Ana');

  for (const c of [...clients, late.client]) assertSchemaClean(c);
  for (const c of [...clients, late.client]) await c.close();
});

test('presence: offline when a client disconnects, online when it comes back', { timeout: 60000 }, async () => {
  const meeting = await createMeeting(env.server.baseUrl, { title: 'Presence', goal: 'Know who is here' });
  const fac = await join(env.server.wsUrl, { facilitatorToken: meeting.facilitatorToken, name: 'Sam', attendance: 'room' });
  const ana = await join(env.server.wsUrl, { code: meeting.joinCode, name: 'Ana', attendance: 'remote' });
  const ben = await join(env.server.wsUrl, { code: meeting.joinCode, name: 'Ben', attendance: 'remote' });
  fac.client.name = 'fac'; ana.client.name = 'ana'; ben.client.name = 'ben';
  const benId = ben.welcome.you.participantId;
  const anaId = ana.welcome.you.participantId;

  // Clean close.
  await ben.client.close();
  for (const c of [fac.client, ana.client]) {
    const p = await c.next((m) => m.type === 'presence' && m.participantId === benId && m.online === false, 10000);
    assert.equal(p.seq, undefined, 'presence is not an event');
  }
  // Abrupt drop (no close frame).
  ana.client.terminate();
  await fac.client.next((m) => m.type === 'presence' && m.participantId === anaId && m.online === false, 15000);

  // Snapshot shows them offline.
  const obs = await join(env.server.wsUrl, { code: meeting.joinCode, role: 'observer', name: 'Obs', attendance: 'room' });
  const online = Object.fromEntries(obs.welcome.meeting.participants.map((p) => [p.id, p.online]));
  assert.equal(online[benId], false);
  assert.equal(online[anaId], false);
  assert.equal(online[fac.welcome.you.participantId], true);

  // Ben resumes: online again for everyone.
  const back = await resume(env.server.wsUrl, { token: ben.welcome.token, lastSeq: ben.client.lastSeq });
  assert.equal(back.welcome.you.participantId, benId);
  await fac.client.next((m) => m.type === 'presence' && m.participantId === benId && m.online === true, 10000);
  await obs.client.next((m) => m.type === 'presence' && m.participantId === benId && m.online === true, 10000);

  // Presence never appears as an event.
  assert.ok(!fac.client.events.some((e) => e.kind === 'presence'));
  for (const c of [fac.client, obs.client, back.client]) assertSchemaClean(c);
  for (const c of [fac.client, obs.client, back.client]) await c.close();
});

test('protocol errors before and around join', { timeout: 60000 }, async () => {
  const meeting = await createMeeting(env.server.baseUrl, { title: 'Errors', goal: 'Clear rejects' });
  const c = await Client.connect(env.server.wsUrl, { name: 'raw' });
  let r = await c.request({ type: 'add_item', cid: 'x1', title: 'Before join' });
  assert.equal(r.type, 'reject'); assert.equal(r.code, 'not_joined');
  r = await c.request({ type: 'join', v: 2, cid: 'x2', code: meeting.joinCode, name: 'A', attendance: 'room' });
  assert.equal(r.type, 'reject'); assert.equal(r.code, 'unsupported_version');
  r = await c.request({ type: 'join', v: 1, cid: 'x3', code: 'ZZZZ-ZZZZ', name: 'A', attendance: 'room' });
  assert.equal(r.type, 'reject'); assert.equal(r.code, 'bad_code');
  r = await c.request({ type: 'join', v: 1, cid: 'x4', code: meeting.joinCode, name: 'A', attendance: 'moon' });
  assert.equal(r.type, 'reject'); assert.equal(r.code, 'invalid_value');
  r = await c.request({ type: 'join', v: 1, cid: 'x5', code: meeting.joinCode, name: 'A'.repeat(61), attendance: 'room' });
  assert.equal(r.type, 'reject'); assert.equal(r.code, 'too_long');
  r = await c.request({ type: 'join', v: 1, cid: 'x6', code: meeting.joinCode, facilitatorToken: meeting.facilitatorToken,
    name: 'A', attendance: 'room' });
  assert.equal(r.type, 'reject'); assert.equal(r.code, 'bad_message');
  r = await c.request({ type: 'join', v: 1, cid: 'x7', code: meeting.joinCode, name: 'A', attendance: 'room',
    role: 'facilitator' });
  assert.equal(r.type, 'reject'); assert.ok(['invalid_value', 'forbidden'].includes(r.code), short(r));
  r = await c.request({ type: 'join', v: 1, cid: 'x8', code: meeting.joinCode, name: 'Ana', attendance: 'room',
    role: 'member' });
  assert.equal(r.type, 'welcome', short(r));
  r = await c.request({ type: 'join', v: 1, cid: 'x9', code: meeting.joinCode, name: 'Ana', attendance: 'room' });
  assert.equal(r.type, 'reject'); assert.equal(r.code, 'already_joined');
  // A cid over 64 characters is a bad_message (its answer cannot carry it: cid null or the cid).
  const longCid = 'c'.repeat(65);
  c.send({ type: 'add_item', cid: longCid, title: 'Long cid' });
  r = await c.next((m) => m.type === 'reject' || m.type === 'ack', 5000);
  assert.equal(r.type, 'reject', short(r));
  assert.equal(r.code, 'bad_message');
  assert.ok(r.cid === null || r.cid === longCid, short(r));
  // Binary frames are refused: never applied, answered with a reject or the connection is closed.
  const bin = await Client.connect(env.server.wsUrl, { name: 'binary' });
  const binJoin = await bin.request({ type: 'join', v: 1, cid: 'bj', code: meeting.joinCode, name: 'Bin', attendance: 'room' });
  assert.equal(binJoin.type, 'welcome');
  bin.sendRaw(Buffer.from(JSON.stringify({ type: 'add_item', cid: 'bin1', title: 'Binary frame' })), { binary: true });
  const binAnswer = await Promise.race([
    bin.next((m) => m.type === 'reject' || m.type === 'ack', 5000).catch(() => null),
    bin.closed.then((info) => ({ closed: info })),
  ]);
  assert.ok(binAnswer && (binAnswer.closed || binAnswer.type === 'reject'), `binary frame answered ${short(binAnswer)}`);
  if (!binAnswer.closed) assert.equal(binAnswer.cid ?? null, null, 'a binary frame has no readable cid');
  bin.terminate();
  // An oversized frame closes with 1009.
  const big = await Client.connect(env.server.wsUrl, { name: 'big' });
  big.sendRaw(JSON.stringify({ type: 'add_item', cid: 'b1', title: 'x'.repeat(70 * 1024) }));
  const closed = await Promise.race([big.closed, new Promise((res) => setTimeout(() => res(null), 10000))]);
  assert.ok(closed, 'a frame over 64 KiB closes the connection');
  assert.equal(closed.code, 1009, `close code ${closed.code}`);
  // The other connection is unaffected.
  r = await c.command({ type: 'add_item', title: 'Still here' });
  assert.equal(r.type, 'ack', short(r));
  const check = await join(env.server.wsUrl, { code: meeting.joinCode, role: 'observer', name: 'Check', attendance: 'room' });
  assert.deepEqual(check.welcome.meeting.items.map((i) => i.title), ['Still here'], 'nothing else was applied');
  assertSchemaClean(c);
  await c.close();
  await check.client.close();
});

test('rate limit: a burst over 40 commands gets rate_limited, nothing of it applied, then it recovers',
  { timeout: 60000 }, async () => {
    const meeting = await createMeeting(env.server.baseUrl, { title: 'Rate', goal: 'Limits hold' });
    const ana = await join(env.server.wsUrl, { code: meeting.joinCode, name: 'Ana', attendance: 'remote' });
    ana.client.name = 'ana';
    const burst = 100;
    const answers = await Promise.all(Array.from({ length: burst },
      (_, i) => ana.client.command({ type: 'add_item', title: `burst ${i}` }, 15000)));
    const acked = answers.filter((a) => a.type === 'ack');
    const rejected = answers.filter((a) => a.type === 'reject');
    // The burst is 40 frames per connection; the env.server counts the join as one of them.
    assert.ok(acked.length + 1 >= 40, `the burst of 40 is allowed: only ${acked.length} acked`);
    assert.ok(rejected.length >= 1, `100 commands at once are over the limit, but all were acked`);
    assert.deepEqual([...new Set(rejected.map((a) => a.code))], ['rate_limited']);
    assert.equal(ana.client.isClosed, false, 'rate limiting does not close the connection');
    // It recovers: within a few seconds commands are accepted again.
    let n = 0;
    await waitFor(async () => {
      n += 1;
      const a = await ana.client.command({ type: 'add_item', title: `later ${n}` });
      if (a.type === 'ack') return true;
      assert.equal(a.code, 'rate_limited');
      return false;
    }, { timeoutMs: 10000, intervalMs: 500, what: 'an ack after the burst' });
    // Exactly the acked ones were applied.
    const check = await join(env.server.wsUrl, { code: meeting.joinCode, role: 'observer', name: 'Check', attendance: 'room' });
    const titles = check.welcome.meeting.items.map((i) => i.title).filter((t) => t.startsWith('burst '));
    assert.deepEqual(titles.sort(), acked.map((a) => `burst ${answers.indexOf(a)}`).sort());
    await ana.client.close();
    await check.client.close();
  });

test('POST /api/meetings validates its input', { timeout: 30000 }, async () => {
  const post = (body, headers = { 'content-type': 'application/json' }) =>
    httpRequest(`${env.server.baseUrl}/api/meetings`, { method: 'POST', headers, body });
  const expectError = (res, status, code) => {
    assert.equal(res.status, status, `status ${res.status}: ${res.text}`);
    assert.ok(res.json && res.json.error, `error body is JSON {"error":{...}}: ${res.text}`);
    if (code) assert.equal(res.json.error.code, code, res.text);
    assert.equal(typeof res.json.error.message, 'string');
    assert.match(res.headers.get('content-type') ?? '', /application\/json/);
  };
  expectError(await post('{"title": "x", "goal": '), 400, 'bad_json');
  expectError(await post('not json at all'), 400, 'bad_json');
  expectError(await post('[1, 2]'), 400);
  expectError(await post(JSON.stringify({ title: 'No goal' })), 400, 'bad_request');
  expectError(await post(JSON.stringify({ goal: 'No title' })), 400, 'bad_request');
  expectError(await post(JSON.stringify({ title: 42, goal: 'Typed' })), 400, 'bad_request');
  expectError(await post(JSON.stringify({ title: 'x'.repeat(201), goal: 'g' })), 400, 'too_long');
  expectError(await post(JSON.stringify({ title: 't', goal: 'g'.repeat(1001) })), 400, 'too_long');

  const ok = await post(JSON.stringify({ title: 'x'.repeat(200), goal: 'g'.repeat(1000) }));
  assert.equal(ok.status, 201, ok.text);
  assert.match(ok.headers.get('content-type') ?? '', /application\/json/);
  for (const k of ['meetingId', 'joinCode', 'facilitatorToken', 'joinUrl']) {
    assert.equal(typeof ok.json[k], 'string', `201 body has ${k}: ${ok.text}`);
  }
  const other = await createMeeting(env.server.baseUrl, { title: 'Another', goal: 'Different ids' });
  assert.notEqual(other.meetingId, ok.json.meetingId);
  assert.notEqual(other.facilitatorToken, ok.json.facilitatorToken);

  const wrongMethod = await httpRequest(`${env.server.baseUrl}/api/meetings`, { method: 'GET' });
  expectError(wrongMethod, 405, 'method_not_allowed');
});

test('GET /healthz, /metrics and unknown paths', { timeout: 30000 }, async () => {
  const h = await httpRequest(`${env.server.baseUrl}/healthz`);
  assert.equal(h.status, 200, h.text);
  assert.deepEqual(h.json, { status: 'ok', redis: 'ok' });

  // Make sure some commands were counted.
  const meeting = await createMeeting(env.server.baseUrl, { title: 'Metrics', goal: 'Counted' });
  const fac = await join(env.server.wsUrl, { facilitatorToken: meeting.facilitatorToken, name: 'Sam', attendance: 'room' });
  assert.equal((await fac.client.command({ type: 'set_phase', phase: 'live' })).type, 'ack');

  const m = await httpRequest(`${env.server.baseUrl}/metrics`);
  assert.equal(m.status, 200);
  assert.match(m.headers.get('content-type') ?? '', /text\/plain/);
  for (const name of ['roundtable_connections', 'roundtable_commands_total', 'roundtable_commit_seconds_bucket']) {
    assert.ok(new RegExp(`^${name}(\\{[^}]*\\})? [0-9.eE+-]+$`, 'm').test(m.text), `/metrics has a ${name} sample:\n${m.text}`);
  }
  assert.ok(/^roundtable_commit_seconds_bucket\{[^}]*le="\+Inf"[^}]*\} [0-9]+/m.test(m.text), 'histogram has +Inf bucket');
  const conns = /^roundtable_connections(?:\{[^}]*\})? ([0-9.]+)/m.exec(m.text);
  assert.ok(Number(conns[1]) >= 1, 'at least our connection is counted');
  await fac.client.close();

  for (const p of ['/api/no-such-thing', '/no/such/file.html']) {
    const nf = await httpRequest(`${env.server.baseUrl}${p}`);
    assert.equal(nf.status, 404, `${p}: ${nf.status}`);
    assert.ok(nf.json && nf.json.error && nf.json.error.code === 'not_found', `${p}: 404 body ${nf.text}`);
  }
});

test('WebSocket handshake: a forged Origin is refused, same origin is accepted', { timeout: 30000 }, async () => {
  await assert.rejects(Client.connect(env.server.wsUrl, { origin: 'http://evil.example' }), (e) => {
    assert.equal(e.statusCode, 403, e.message);
    return true;
  });
  await assert.rejects(Client.connect(env.server.wsUrl, { origin: `http://127.0.0.1:${env.server.port}.evil.example` }),
    (e) => e.statusCode === 403);
  const same = await Client.connect(env.server.wsUrl, { origin: env.server.baseUrl });
  const meeting = await createMeeting(env.server.baseUrl, { title: 'Origin', goal: 'Same origin works' });
  const w = await same.request({ type: 'join', v: 1, cid: 'o1', code: meeting.joinCode, name: 'Ana', attendance: 'room' });
  assert.equal(w.type, 'welcome', short(w));
  const check = validateServerMessage(w);
  assert.ok(check.valid, check.errors.join('; '));
  await same.close();
});
