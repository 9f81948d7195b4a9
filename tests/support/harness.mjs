import { before, after } from 'node:test';
// Test harness for the Roundtable integration tests.
//
// Starts a real `redis-server` and the real `roundtable` binary on loopback ports, talks
// HTTP (global fetch) and WebSocket (the `ws` package) to it, and cleans everything up.
//
// Every test file should call `after(cleanup)` (node:test): node's test runner waits for
// open handles (child processes, sockets) before a file's process exits. As a last resort
// every tracked child process is SIGKILLed and temp dirs removed on process exit.

import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import WebSocket from 'ws';

import { validateServerMessage, validateClientMessage } from './schema.mjs';

export { validateServerMessage, validateClientMessage };

const here = path.dirname(fileURLToPath(import.meta.url));
export const REPO_ROOT = path.resolve(here, '..', '..');
export const TEST_SECRET = 'test-secret-0123456789';

// ---------------------------------------------------------------------------------------
// Resource tracking and cleanup

const liveProcs = new Set();   // ChildProcess
const tempDirs = new Set();    // string
const liveClients = new Set(); // Client
// The stderr of every server started since the last cleanup(): a sanitizer's report in any of
// them fails the test file, even when the server went on (TSan reports and continues) or the
// test did not look at its exit.
const serverOutputs = [];      // () => string
const SANITIZER_REPORT = /==\d+==(ERROR|WARNING): \w+Sanitizer|runtime error: /;

function trackProc(proc) {
  liveProcs.add(proc);
  proc.once('exit', () => liveProcs.delete(proc));
}

function killAllSync() {
  for (const proc of liveProcs) {
    try { proc.kill('SIGKILL'); } catch { /* already gone */ }
  }
  for (const dir of tempDirs) {
    try { fs.rmSync(dir, { recursive: true, force: true }); } catch { /* ignore */ }
  }
}
process.on('exit', killAllSync);
for (const sig of ['SIGINT', 'SIGTERM']) {
  process.once(sig, () => { killAllSync(); process.exit(130); });
}

/** Closes every client, kills every process started by this harness, removes temp dirs. */
export async function cleanup() {
  for (const c of [...liveClients]) c.terminate();
  const waits = [];
  for (const proc of [...liveProcs]) {
    if (proc.exitCode === null && proc.signalCode === null) {
      waits.push(once(proc, 'exit').catch(() => {}));
      try { proc.kill('SIGKILL'); } catch { /* ignore */ }
    }
  }
  await Promise.all(waits);
  for (const dir of [...tempDirs]) {
    try { fs.rmSync(dir, { recursive: true, force: true }); } catch { /* ignore */ }
    tempDirs.delete(dir);
  }
  const reports = serverOutputs.splice(0).map((stderr) => stderr()).filter((e) => SANITIZER_REPORT.test(e));
  if (reports.length) {
    throw new Error(`a sanitizer reported in ${reports.length} server(s):\n${reports[0].slice(0, 6000)}`);
  }
}

// ---------------------------------------------------------------------------------------
// Small utilities

// One redis-server and one roundtable for a whole test file: started before its first test,
// stopped after its last (the server by SIGTERM, which must exit 0). The returned object's
// `redis` and `server` are set once the hook has run.
export function serverForFile() {
  const env = { redis: null, server: null };
  before(async () => {
    env.redis = await startRedis();
    env.server = await startServer({ redisUrl: env.redis.url });
  });
  after(async () => {
    try {
      if (env.server && env.server.running) await env.server.stop();
    } finally {
      await cleanup();
    }
  });
  return env;
}

// A value as JSON, cut to `max` characters for assertion messages.
export const short = (v, max = 300) => {
  const s = JSON.stringify(v) ?? String(v);  // undefined stringifies to undefined
  return s.length > max ? `${s.slice(0, max)}…` : s;
};

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Polls `fn` (sync or async) until it returns a truthy value; returns that value. */
// Waits as needed so that `client` stays under the server's rate limit of 20 commands a second
// per connection (burst 40): a token bucket at 15/s, burst 30, kept on the client.
const PACE_RATE = 15;
const PACE_BURST = 30;
export async function pace(client) {
  const now = Date.now();
  const b = client.bucket ?? { tokens: PACE_BURST, at: now };
  b.tokens = Math.min(PACE_BURST, b.tokens + ((now - b.at) / 1000) * PACE_RATE);
  b.at = now;
  if (b.tokens < 1) {
    await sleep(((1 - b.tokens) / PACE_RATE) * 1000);
    b.tokens = 1;
    b.at = Date.now();
  }
  b.tokens -= 1;
  client.bucket = b;
}

/** Sends a command at a pace the rate limit allows (`who`: a client or {client}) and asserts
 * it is acked; returns the ack. */
export async function acked(who, command) {
  const client = who.client ?? who;
  await pace(client);
  const answer = await client.command(command);
  assert.equal(answer.type, 'ack', `${client.name}: ${command.type}: ${short(answer)}`);
  return answer;
}

export async function waitFor(fn, { timeoutMs = 10000, intervalMs = 100, what = 'condition' } = {}) {
  const deadline = Date.now() + timeoutMs;
  let lastErr;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (e) { lastErr = e; }
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}` +
        (lastErr ? ` (last error: ${lastErr.message})` : ''));
    }
    await sleep(intervalMs);
  }
}

/** A free TCP port on 127.0.0.1 (racy by nature; callers retry on EADDRINUSE). */
export async function freePort() {
  const srv = net.createServer();
  srv.listen(0, '127.0.0.1');
  await once(srv, 'listening');
  const { port } = srv.address();
  srv.close();
  await once(srv, 'close');
  return port;
}

function makeTempDir(prefix) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  tempDirs.add(dir);
  return dir;
}

// A self-signed certificate for 127.0.0.1 and localhost made by Debian's openssl, valid for a
// day, in a temp dir that cleanup() removes. Returns the paths {cert, key} and the PEM {ca}.
export function selfSignedCertificate() {
  const dir = makeTempDir('rt-tls-');
  const cert = path.join(dir, 'cert.pem');
  const key = path.join(dir, 'key.pem');
  execFileSync('openssl', [
    'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=localhost',
    '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost', '-keyout', key, '-out', cert,
  ], { stdio: 'ignore' });
  return { cert, key, ca: fs.readFileSync(cert) };
}

async function waitExit(proc, timeoutMs = 15000) {
  if (proc.exitCode !== null || proc.signalCode !== null) {
    return { code: proc.exitCode, signal: proc.signalCode };
  }
  let timer;
  const timeout = new Promise((_, rej) => {
    timer = setTimeout(() => rej(new Error(`process ${proc.pid} did not exit within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    const [code, signal] = await Promise.race([once(proc, 'exit'), timeout]);
    return { code, signal };
  } finally {
    clearTimeout(timer);
  }
}

/** Sends PING in RESP over a raw socket; resolves true on +PONG. */
function redisPing(port, timeoutMs = 1000) {
  return new Promise((resolve) => {
    const sock = net.connect({ host: '127.0.0.1', port });
    let buf = '';
    const done = (ok) => { clearTimeout(timer); sock.destroy(); resolve(ok); };
    const timer = setTimeout(() => done(false), timeoutMs);
    sock.on('connect', () => sock.write('*1\r\n$4\r\nPING\r\n'));
    sock.on('data', (d) => {
      buf += d.toString('latin1');
      if (buf.includes('\r\n')) done(buf.startsWith('+PONG'));
    });
    sock.on('error', () => done(false));
    sock.on('close', () => done(false));
  });
}

// ---------------------------------------------------------------------------------------
// Redis

/**
 * Starts a real redis-server with AOF on, in a fresh temp dir, on a free loopback port;
 * `args` are more of its flags. Returns {url, port, dir, proc, stop(), kill(), restart(), log()}.
 */
export async function startRedis({ port, args = [] } = {}) {
  const dir = makeTempDir('rt-redis-');
  const fixedPort = port;
  let attempt = 0;
  let proc = null;
  let output = '';

  async function launch(p) {
    output = '';
    const child = spawn('redis-server', [
      '--port', String(p),
      '--appendonly', 'yes',
      '--appendfsync', 'everysec',
      '--save', '',
      '--bind', '127.0.0.1',
      '--daemonize', 'no',
      '--dir', dir,
      ...args,
    ], { stdio: ['ignore', 'pipe', 'pipe'] });
    trackProc(child);
    child.stdout.on('data', (d) => { output += d.toString(); });
    child.stderr.on('data', (d) => { output += d.toString(); });
    const exited = once(child, 'exit').then(([code, signal]) => ({ code, signal }));
    const deadline = Date.now() + 15000;
    for (;;) {
      const state = await Promise.race([exited, sleep(50).then(() => null)]);
      if (state) {
        const err = new Error(`redis-server exited early (code ${state.code}, signal ${state.signal}):\n${output}`);
        err.addrInUse = /Address already in use|bind/i.test(output);
        throw err;
      }
      if (await redisPing(p)) return child;
      if (Date.now() > deadline) {
        child.kill('SIGKILL');
        throw new Error(`redis-server on port ${p} not ready within 15 s:\n${output}`);
      }
    }
  }

  let chosen;
  for (;;) {
    chosen = fixedPort ?? await freePort();
    try {
      proc = await launch(chosen);
      break;
    } catch (e) {
      attempt += 1;
      if (fixedPort || !e.addrInUse || attempt >= 5) throw e;
    }
  }

  const redis = {
    url: `redis://127.0.0.1:${chosen}`,
    port: chosen,
    dir,
    get proc() { return proc; },
    log: () => output,
    /** SIGTERM (clean shutdown, AOF flushed) and wait for the exit. */
    async stop() {
      if (proc.exitCode !== null || proc.signalCode !== null) return;
      proc.kill('SIGTERM');
      await waitExit(proc);
    },
    /** SIGKILL and wait for the exit. */
    async kill() {
      if (proc.exitCode !== null || proc.signalCode !== null) return;
      proc.kill('SIGKILL');
      await waitExit(proc);
    },
    /** Starts redis again on the same port and dir (after stop/kill); waits until ready. */
    async restart() {
      if (proc.exitCode === null && proc.signalCode === null) {
        throw new Error('redis is still running; stop() or kill() it first');
      }
      const deadline = Date.now() + 15000;
      for (;;) {
        try {
          proc = await launch(chosen);
          return;
        } catch (e) {
          // The old listening socket may linger for a moment.
          if (!e.addrInUse || Date.now() > deadline) throw e;
          await sleep(200);
        }
      }
    },
  };
  return redis;
}

/** redis-cli against `redis` (a startRedis() result or a cluster's node); its output, trimmed. */
export function redisCli(redis, ...args) {
  return execFileSync('redis-cli', ['-p', String(redis.port), ...args]).toString().trim();
}

/** Version of the snapshot stored for a meeting (0 when none). */
export function storedSnapshotVersion(redis, meetingId) {
  return Number(redisCli(redis, 'HGET', `{m:${meetingId}}:snap`, 'version') || 0);
}

/**
 * A Redis Cluster of `masters` real redis-servers, each with `replicas` replicas, slots
 * spread by `redis-cli --cluster create`; `nodeTimeoutMs` is how long a master may be silent
 * before the others fail it over to a replica. Resolves once every node reports
 * cluster_state:ok and every replica is in sync.
 * Returns {url (redis-cluster:// of the first node), nodes, stop()}.
 */
export async function startRedisCluster({ masters = 3, replicas = 0, nodeTimeoutMs = 5000 } = {}) {
  const nodes = [];
  for (let i = 0; i < masters * (1 + replicas); i += 1) {
    nodes.push(await startRedis({ args: ['--cluster-enabled', 'yes', '--cluster-config-file', 'nodes.conf',
      '--cluster-node-timeout', String(nodeTimeoutMs)] }));
  }
  execFileSync('redis-cli', ['--cluster', 'create', ...nodes.map((n) => `127.0.0.1:${n.port}`),
    '--cluster-replicas', String(replicas), '--cluster-yes'], { stdio: 'pipe' });
  const ready = (n) => {
    if (!redisCli(n, 'cluster', 'info').includes('cluster_state:ok')) return false;
    const replication = redisCli(n, 'info', 'replication');
    return !replication.includes('role:slave') || replication.includes('master_link_status:up');
  };
  await waitFor(() => nodes.every(ready),
  { timeoutMs: 30000, what: 'the cluster to be ok on every node, its replicas in sync' });
  return {
    url: `redis-cluster://127.0.0.1:${nodes[0].port}`,
    port: nodes[0].port,
    nodes,
    async stop() { await Promise.all(nodes.map((n) => n.stop())); },
  };
}

// ---------------------------------------------------------------------------------------
// Roundtable server

export const ROUNDTABLE_BIN = process.env.ROUNDTABLE_BIN || path.join(REPO_ROOT, 'build', 'roundtable');
export const ROUNDTABLE_WEB_ROOT = process.env.ROUNDTABLE_WEB_ROOT || path.join(REPO_ROOT, 'web-client');

export function binaryExists() {
  try {
    fs.accessSync(ROUNDTABLE_BIN, fs.constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * Spawns the roundtable binary on an ephemeral port. Resolves once it printed
 * `roundtable listening on http://127.0.0.1:PORT/` (https:// when started with TLS).
 * Returns {baseUrl, wsUrl, port, proc, stdout(), stderr(), stop(), kill9(), exited}.
 */
export async function startServer({ redisUrl, args = [], env = {}, secret = TEST_SECRET, timeoutMs = 20000 } = {}) {
  const argv = [
    '--port', '0',
    '--bind', '127.0.0.1',
    ...(redisUrl ? ['--redis', redisUrl] : []),
    '--web-root', ROUNDTABLE_WEB_ROOT,
    '--secret', secret,
    '--log-level', 'warn',
    ...args,
  ];
  const proc = spawn(ROUNDTABLE_BIN, argv, {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...env },
  });
  trackProc(proc);
  let out = '';
  let err = '';
  proc.stderr.on('data', (d) => { err += d.toString(); });
  serverOutputs.push(() => err);
  const exitPromise = new Promise((resolve) => {
    proc.once('exit', (code, signal) => resolve({ code, signal }));
  });
  const spawnError = new Promise((resolve) => proc.once('error', (e) => resolve(e)));

  const { scheme, port } = await new Promise((resolve, reject) => {
    const re = /roundtable listening on (https?):\/\/127\.0\.0\.1:(\d+)\//;
    const timer = setTimeout(() => {
      proc.kill('SIGKILL');
      reject(new Error(`roundtable did not report listening within ${timeoutMs} ms\n` +
        `argv: ${ROUNDTABLE_BIN} ${argv.join(' ')}\nstdout:\n${out}\nstderr:\n${err}`));
    }, timeoutMs);
    proc.stdout.on('data', (d) => {
      out += d.toString();
      const m = re.exec(out);
      if (m) { clearTimeout(timer); resolve({ scheme: m[1], port: Number(m[2]) }); }
    });
    exitPromise.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`roundtable exited before listening (code ${code}, signal ${signal})\n` +
        `argv: ${ROUNDTABLE_BIN} ${argv.join(' ')}\nstdout:\n${out}\nstderr:\n${err}`));
    });
    spawnError.then((e) => {
      clearTimeout(timer);
      reject(new Error(`cannot spawn ${ROUNDTABLE_BIN}: ${e.message}`));
    });
  });

  const server = {
    port,
    baseUrl: `${scheme}://127.0.0.1:${port}`,
    wsUrl: `${scheme === 'https' ? 'wss' : 'ws'}://127.0.0.1:${port}/ws`,
    proc,
    stdout: () => out,
    stderr: () => err,
    exited: exitPromise,
    get running() { return proc.exitCode === null && proc.signalCode === null; },
    /** SIGTERM, wait, assert exit code 0; returns the exit code. */
    async stop(timeoutMs2 = 15000) {
      if (server.running) proc.kill('SIGTERM');
      const { code, signal } = await waitExit(proc, timeoutMs2);
      if (code !== 0) {
        throw new Error(`roundtable exited with code ${code} signal ${signal} after SIGTERM\nstderr:\n${err}`);
      }
      return code;
    },
    /** SIGKILL, wait. */
    async kill9() {
      if (server.running) proc.kill('SIGKILL');
      await waitExit(proc);
    },
  };
  return server;
}

// ---------------------------------------------------------------------------------------
// HTTP helpers

/** POST /api/meetings; returns the parsed 201 body, throws with status and body otherwise. */
export async function createMeeting(baseUrl, { title = 'Readiness Council', goal = 'Every child ready for kindergarten' } = {}) {
  const res = await fetch(`${baseUrl}/api/meetings`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ title, goal }),
  });
  const text = await res.text();
  if (res.status !== 201) {
    throw new Error(`POST /api/meetings answered ${res.status}: ${text}`);
  }
  try {
    return JSON.parse(text);
  } catch {
    throw new Error(`POST /api/meetings answered 201 with non-JSON body: ${text}`);
  }
}

/** fetch() returning {status, headers, text, json (or undefined)}. */
export async function httpRequest(url, init = {}) {
  const res = await fetch(url, init);
  const text = await res.text();
  let json;
  try { json = JSON.parse(text); } catch { json = undefined; }
  return { status: res.status, headers: res.headers, text, json };
}

// ---------------------------------------------------------------------------------------
// WebSocket client

const ANSWER_TYPES = new Set(['welcome', 'ack', 'reject', 'clock']);

function describe(msg) {
  const s = JSON.stringify(msg);
  return s.length > 300 ? `${s.slice(0, 300)}…` : s;
}

/** One unlabelled sample of the server's /metrics, NaN when it has none. */
export async function metricValue(baseUrl, name) {
  const { text } = await httpRequest(`${baseUrl}/metrics`);
  const line = text.split('\n').find((l) => l.startsWith(`${name} `));
  return line ? Number(line.split(' ')[1]) : NaN;
}

export class Client {
  /**
   * Opens a WebSocket. `origin` defaults to the server's own origin (what a browser on the
   * served page sends); pass `origin: null` to send no Origin header. `ca`: the certificate
   * to trust for a wss:// URL (a test's self-signed one).
   */
  static async connect(wsUrl, { origin, name = 'client', timeoutMs = 10000, ca } = {}) {
    const u = new URL(wsUrl);
    const pageScheme = u.protocol === 'wss:' ? 'https' : 'http';
    const hdrOrigin = origin === undefined ? `${pageScheme}://${u.host}` : origin;
    const opts = { handshakeTimeout: timeoutMs, maxPayload: 16 * 1024 * 1024 };
    if (ca !== undefined) opts.ca = ca;
    if (hdrOrigin !== null) opts.origin = hdrOrigin;
    const ws = new WebSocket(wsUrl, opts);
    const client = new Client(ws, name);
    await new Promise((resolve, reject) => {
      const onOpen = () => { cleanupListeners(); resolve(); };
      const onError = (e) => { cleanupListeners(); reject(e); };
      const onUnexpected = (req, res) => {
        cleanupListeners();
        let body = '';
        res.on('data', (d) => { body += d; });
        res.on('end', () => {
          const e = new Error(`WebSocket handshake refused: HTTP ${res.statusCode} ${body}`);
          e.statusCode = res.statusCode;
          e.body = body;
          reject(e);
        });
        res.on('error', () => {
          const e = new Error(`WebSocket handshake refused: HTTP ${res.statusCode}`);
          e.statusCode = res.statusCode;
          reject(e);
        });
        ws.terminate();
      };
      const cleanupListeners = () => {
        ws.off('open', onOpen);
        ws.off('error', onError);
        ws.off('unexpected-response', onUnexpected);
      };
      ws.on('open', onOpen);
      ws.on('error', onError);
      ws.on('unexpected-response', onUnexpected);
    });
    return client;
  }

  constructor(ws, name) {
    this.ws = ws;
    this.name = name;
    this.messages = [];      // every message received, in order (a batch's one by one)
    this.batches = [];       // the size of every `batch` frame received
    this.buffer = [];        // not yet consumed by next()
    this.events = [];        // every `event` message, in order
    this.presence = [];      // every `presence` message, in order
    this.invalid = [];       // {message, errors} for messages failing the server schemas
    this.waiters = new Set();
    this.lastSeq = 0;        // highest event seq seen (or welcome version)
    this.welcome = null;
    this.participantId = null;
    this.token = null;
    this.cidPrefix = randomBytes(4).toString('hex');
    this.cidCounter = 0;
    this.isClosed = false;
    this.closeInfo = null;
    liveClients.add(this);
    this.closed = new Promise((resolve) => {
      ws.on('close', (code, reason) => {
        this.isClosed = true;
        this.closeInfo = { code, reason: reason.toString() };
        liveClients.delete(this);
        for (const w of [...this.waiters]) w.onClose(this.closeInfo);
        resolve(this.closeInfo);
      });
    });
    ws.on('error', () => { /* surfaced through close */ });
    ws.on('message', (data, isBinary) => this.onMessage(data, isBinary));
  }

  onMessage(data, isBinary) {
    let msg;
    if (isBinary) {
      msg = { type: '__binary', raw: data };
    } else {
      try { msg = JSON.parse(data.toString()); } catch { msg = { type: '__unparseable', raw: data.toString() }; }
      if (msg === null || typeof msg !== 'object' || Array.isArray(msg)) {
        msg = { type: '__nonobject', raw: data.toString() };
      }
    }
    if (msg.type === 'batch') {
      const check = validateServerMessage(msg);
      if (!check.valid) this.invalid.push({ message: msg, errors: check.errors });
      this.batches.push(Array.isArray(msg.messages) ? msg.messages.length : 0);
      for (const inner of Array.isArray(msg.messages) ? msg.messages : []) this.take(inner);
      return;
    }
    this.take(msg);
  }

  /** One server message, alone in its frame or out of a batch. */
  take(msg) {
    this.messages.push(msg);
    const check = validateServerMessage(msg);
    if (!check.valid) this.invalid.push({ message: msg, errors: check.errors });
    if (msg && msg.type === 'event') {
      this.events.push(msg);
      if (typeof msg.seq === 'number' && msg.seq > this.lastSeq) this.lastSeq = msg.seq;
    } else if (msg && msg.type === 'presence') {
      this.presence.push(msg);
    } else if (msg && msg.type === 'welcome') {
      this.welcome = msg;
      if (msg.you) this.participantId = msg.you.participantId;
      if (msg.token) this.token = msg.token;
      if (typeof msg.version === 'number' && msg.meeting) this.lastSeq = msg.version;
      else if (typeof msg.resumeFrom === 'number') this.lastSeq = Math.max(this.lastSeq, msg.resumeFrom);
    }
    this.buffer.push(msg);
    for (const w of [...this.waiters]) w.onMessage(msg);
  }

  nextCid() {
    this.cidCounter += 1;
    return `${this.cidPrefix}-${this.cidCounter}`;
  }

  send(obj) {
    this.ws.send(JSON.stringify(obj));
  }

  sendRaw(text, opts) {
    this.ws.send(text, opts);
  }

  /**
   * Resolves with the next received message matching `predicate` (buffered messages first);
   * the matched message is removed from the buffer, others stay.
   */
  next(predicate = () => true, timeoutMs = 5000) {
    const idx = this.buffer.findIndex((m) => predicate(m));
    if (idx >= 0) return Promise.resolve(this.buffer.splice(idx, 1)[0]);
    if (this.isClosed) {
      return Promise.reject(new Error(`${this.name}: connection closed (${JSON.stringify(this.closeInfo)}) ` +
        `while waiting for ${predicate.toString()}`));
    }
    return new Promise((resolve, reject) => {
      const waiter = {
        onMessage: (msg) => {
          const i = this.buffer.indexOf(msg);
          if (i < 0 || !predicate(msg)) return; // consumed by another waiter, or no match
          this.buffer.splice(i, 1);
          finish();
          resolve(msg);
        },
        onClose: (info) => {
          finish();
          reject(new Error(`${this.name}: connection closed (${JSON.stringify(info)}) while waiting for ` +
            `${predicate.toString()}; last messages: ${this.messages.slice(-5).map(describe).join(' | ')}`));
        },
      };
      const timer = setTimeout(() => {
        finish();
        reject(new Error(`${this.name}: timed out after ${timeoutMs} ms waiting for ${predicate.toString()}; ` +
          `last messages: ${this.messages.slice(-5).map(describe).join(' | ')}`));
      }, timeoutMs);
      const finish = () => { clearTimeout(timer); this.waiters.delete(waiter); };
      this.waiters.add(waiter);
    });
  }

  /**
   * Calls `onMessage(msg)` for every message received from now on (and `onClose(info)` on close).
   * Returns a function that unsubscribes. Does not consume from the buffer.
   */
  subscribe(onMessage, onClose = () => {}) {
    const waiter = { onMessage, onClose: (info) => { this.waiters.delete(waiter); onClose(info); } };
    this.waiters.add(waiter);
    return () => this.waiters.delete(waiter);
  }

  /** Drops buffered messages (those not yet consumed by next()). */
  clearBuffer() {
    this.buffer.length = 0;
  }

  /** Resolves when `cond()` (re-checked on every message) is truthy; does not consume. */
  waitUntil(cond, timeoutMs = 5000, what = 'condition') {
    const v = cond();
    if (v) return Promise.resolve(v);
    return new Promise((resolve, reject) => {
      const waiter = {
        onMessage: () => {
          const r = cond();
          if (r) { finish(); resolve(r); }
        },
        onClose: (info) => {
          finish();
          reject(new Error(`${this.name}: connection closed (${JSON.stringify(info)}) while waiting for ${what}`));
        },
      };
      const timer = setTimeout(() => {
        finish();
        reject(new Error(`${this.name}: timed out after ${timeoutMs} ms waiting for ${what}; ` +
          `lastSeq ${this.lastSeq}; last messages: ${this.messages.slice(-5).map(describe).join(' | ')}`));
      }, timeoutMs);
      const finish = () => { clearTimeout(timer); this.waiters.delete(waiter); };
      this.waiters.add(waiter);
    });
  }

  /** Waits until an event with seq >= `seq` has been received. */
  waitForSeq(seq, timeoutMs = 10000) {
    return this.waitUntil(() => this.lastSeq >= seq, timeoutMs, `event seq ${seq}`);
  }

  /** Events received with from < seq <= to. */
  eventsBetween(from, to) {
    return this.events.filter((e) => e.seq > from && e.seq <= to);
  }

  /** Sends and waits for the welcome/ack/reject carrying the same cid (null if none). */
  async request(obj, timeoutMs = 10000) {
    const cid = typeof obj.cid === 'string' ? obj.cid : null;
    const p = this.next((m) => ANSWER_TYPES.has(m.type) && (m.cid ?? null) === cid, timeoutMs);
    this.send(obj);
    return p;
  }

  /** Sends a command with a fresh cid (unless given) and waits for its answer. */
  command(obj, timeoutMs = 10000) {
    return this.request({ cid: this.nextCid(), ...obj }, timeoutMs);
  }

  /** Clean close (close frame). Resolves once closed. */
  async close(code = 1000, reason = '') {
    if (!this.isClosed) {
      try { this.ws.close(code, reason); } catch { /* ignore */ }
      const t = setTimeout(() => this.ws.terminate(), 3000);
      await this.closed;
      clearTimeout(t);
    }
    return this.closeInfo;
  }

  /** Drops the TCP connection without a close frame. */
  terminate() {
    try { this.ws.terminate(); } catch { /* ignore */ }
    liveClients.delete(this);
  }
}

function answerError(what, reply) {
  const e = new Error(`${what} answered ${describe(reply)}`);
  e.reply = reply;
  return e;
}

/**
 * Connects and joins. Pass `code` (member/observer) or `facilitatorToken`.
 * Returns {client, welcome}; throws (with `.reply`) if the answer is not a welcome.
 */
export async function join(wsUrl, {
  code, facilitatorToken, name = 'Tester', attendance = 'remote', organisation = '', role,
  cid, origin, batch, ca, timeoutMs = 10000,
} = {}) {
  const client = await Client.connect(wsUrl, { origin, name, ca });
  const msg = { type: 'join', v: 1, cid: cid ?? client.nextCid() };
  if (facilitatorToken !== undefined) msg.facilitatorToken = facilitatorToken;
  if (code !== undefined) msg.code = code;
  msg.name = name;
  msg.attendance = attendance;
  msg.organisation = organisation;
  if (role !== undefined) msg.role = role;
  if (batch !== undefined) msg.batch = batch;
  const welcome = await client.request(msg, timeoutMs);
  if (welcome.type !== 'welcome') {
    client.terminate();
    throw answerError(`join as ${name}`, welcome);
  }
  return { client, welcome };
}

/** Connects and resumes with a member token. Returns {client, welcome}; throws on reject. */
export async function resume(wsUrl, { token, lastSeq, cid, origin, batch, name = 'resumer', timeoutMs = 10000 } = {}) {
  const client = await Client.connect(wsUrl, { origin, name });
  const msg = { type: 'resume', v: 1, cid: cid ?? client.nextCid(), token };
  if (lastSeq !== undefined) msg.lastSeq = lastSeq;
  if (batch !== undefined) msg.batch = batch;
  const welcome = await client.request(msg, timeoutMs);
  if (welcome.type !== 'welcome') {
    client.terminate();
    throw answerError('resume', welcome);
  }
  return { client, welcome };
}

// ---------------------------------------------------------------------------------------
// Matching helpers

/** True when `actual` contains `expected` (objects: recursively by key; arrays: same length, elementwise). */
export function isSubset(expected, actual) {
  if (expected === actual) return true;
  if (expected === null || typeof expected !== 'object') return Object.is(expected, actual);
  if (actual === null || typeof actual !== 'object') return false;
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual) || actual.length !== expected.length) return false;
    return expected.every((e, i) => isSubset(e, actual[i]));
  }
  return Object.keys(expected).every((k) => Object.hasOwn(actual, k) && isSubset(expected[k], actual[k]));
}
