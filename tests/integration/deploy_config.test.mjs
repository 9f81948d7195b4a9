// The production deploy files (README, "Deploy"; issue 8): each protection they promise is
// checked here, so removing one fails a test.
//
// - deploy/redis.conf runs in a real redis-server (only port, dir and daemonize overridden):
//   AOF on with fsync every second, loopback only, never evicts, the dangerous commands are
//   unknown, and every command the server sends is still there: two real roundtable
//   processes create a meeting, join, commit and fan out through it.
// - deploy/roundtable.service keeps its sandbox, and its ExecStart uses only flags (and
//   values) the binary accepts.
// - deploy/docker-compose.yml and deploy/Dockerfile only set ROUNDTABLE_* variables the binary
//   reads, and the compose file's instances are the upstreams of the nginx config it mounts.

import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

import {
  REPO_ROOT, ROUNDTABLE_BIN, acked, cleanup, createMeeting, freePort, httpRequest, join, short,
  sleep, startServer, waitFor,
} from '../support/harness.mjs';

const run = promisify(execFile);
const DEPLOY = path.join(REPO_ROOT, 'deploy');
const REDIS_CONF = path.join(DEPLOY, 'redis.conf');
const UNIT = path.join(DEPLOY, 'roundtable.service');

// Commands deploy/redis.conf must take away (rename-command X ""), each with arguments that
// would do no harm should the command still exist (a syntax error, a read, a help text).
const DISABLED = {
  FLUSHALL: ['NOT-AN-OPTION'],
  FLUSHDB: ['NOT-AN-OPTION'],
  CONFIG: ['GET', 'appendonly'],
  DEBUG: ['HELP'],
  KEYS: ['no-such-key-pattern'],
  SHUTDOWN: ['NOT-AN-OPTION'],
  REPLICAOF: [],
  SLAVEOF: [],
  MODULE: ['LIST'],
};

// The directives of the unit's [Service] section that make its sandbox. Values: what the last
// assignment must match.
const TRUE = /^(yes|true|on|1)$/i;
const SANDBOX = {
  NoNewPrivileges: TRUE,
  ProtectSystem: /^strict$/,
  ProtectHome: /^(yes|true|on|1|read-only|tmpfs)$/i,
  PrivateTmp: TRUE,
  PrivateDevices: TRUE,
  ProtectKernelTunables: TRUE,
  ProtectKernelModules: TRUE,
  ProtectKernelLogs: TRUE,
  MemoryDenyWriteExecute: TRUE,
  Restart: /^on-failure$/,
  KillSignal: /^(SIGTERM|TERM|15)$/,
};

// ---------------------------------------------------------------------------------------
// Parsers

/** redis.conf: directive (lower case) → list of argument lists, in file order. */
function parseRedisConf(text) {
  const out = new Map();
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const tokens = [...line.matchAll(/"((?:[^"\\]|\\.)*)"|'([^']*)'|(\S+)/g)]
      .map((m) => m[1] ?? m[2] ?? m[3]);
    const name = tokens.shift().toLowerCase();
    if (!out.has(name)) out.set(name, []);
    out.get(name).push(tokens);
  }
  return out;
}

/** A systemd unit: section → list of [key, value] in file order (continuation lines joined). */
function parseUnit(text) {
  const sections = new Map();
  let current = null;
  let pending = '';
  for (const raw of text.split('\n')) {
    if (!pending && /^\s*[#;]/.test(raw)) continue;
    let line = pending + raw.trim();
    if (line.endsWith('\\')) { pending = `${line.slice(0, -1)} `; continue; }
    pending = '';
    line = line.trim();
    if (!line) continue;
    const header = /^\[(.+)\]$/.exec(line);
    if (header) {
      current = header[1];
      if (!sections.has(current)) sections.set(current, []);
      continue;
    }
    const eq = line.indexOf('=');
    assert.ok(current && eq > 0, `not a unit file line: ${line}`);
    sections.get(current).push([line.slice(0, eq).trim(), line.slice(eq + 1).trim()]);
  }
  return sections;
}

const valuesOf = (entries, key) => entries.filter(([k]) => k === key).map(([, v]) => v);

/** What `roundtable --help` lists: its flags and its environment variables. */
async function binaryOptions() {
  const { stdout } = await run(ROUNDTABLE_BIN, ['--help'], { env: cleanEnv() });
  const flags = new Set([...stdout.matchAll(/^\s+(--[a-z][a-z0-9-]*)/gm)].map((m) => m[1]));
  const envs = new Set([...stdout.matchAll(/\[(ROUNDTABLE_[A-Z0-9_]+)\]/g)].map((m) => m[1]));
  assert.ok(flags.has('--redis') && flags.has('--port'), `--help lists no flags?\n${stdout}`);
  assert.ok(envs.has('ROUNDTABLE_REDIS'), `--help lists no environment variables?\n${stdout}`);
  return { flags, envs };
}

/** The environment without ROUNDTABLE_* (so only the arguments under test configure it). */
function cleanEnv() {
  return Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('ROUNDTABLE_')));
}

/** The Redis commands the server sends (server/store/ is the only layer that talks to Redis):
 * argv literals of command()/send() calls, subscription verbs, and redis.call() in the Lua. */
function commandsTheServerSends() {
  const dir = path.join(REPO_ROOT, 'server', 'store');
  const found = new Set();
  for (const file of fs.readdirSync(dir).filter((f) => /\.(cpp|hpp)$/.test(f))) {
    const src = fs.readFileSync(path.join(dir, file), 'utf8');
    // command(key, {"SET", ...}), send({...}), args = {"EVAL", ...}, send_pubsub("SUBSCRIBE", ...),
    // and either side of `cond ? "SPUBLISH" : "PUBLISH"`.
    for (const m of src.matchAll(/(?:command|send)\([^{;]*?\{\s*"([A-Za-z]+)"/g)) found.add(m[1].toUpperCase());
    for (const m of src.matchAll(/args\s*=\s*\{\s*"([A-Za-z]+)"/g)) found.add(m[1].toUpperCase());
    for (const m of src.matchAll(/send_pubsub\(\s*"([A-Za-z]+)"/g)) found.add(m[1].toUpperCase());
    for (const m of src.matchAll(/\?\s*"([A-Z]+)"\s*:\s*"([A-Z]+)"/g)) for (const c of m.slice(1)) found.add(c);
    for (const m of src.matchAll(/redis\.call\(\s*'([A-Za-z]+)'/g)) found.add(m[1].toUpperCase());
  }
  return found;
}

// ---------------------------------------------------------------------------------------
// A real redis-server on deploy/redis.conf

const redisConf = parseRedisConf(fs.readFileSync(REDIS_CONF, 'utf8'));

async function startProductionRedis() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rt-deploy-redis-'));
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    const proc = spawn('redis-server', [REDIS_CONF, '--port', String(port), '--dir', dir, '--daemonize', 'no'],
      { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    proc.stdout.on('data', (d) => { output += d; });
    proc.stderr.on('data', (d) => { output += d; });
    const redis = {
      port, dir, proc, log: () => output,
      cli: async (...args) => (await run('redis-cli', ['-h', '127.0.0.1', '-p', String(port), ...args])).stdout.trim(),
      async stop() {
        if (proc.exitCode === null && proc.signalCode === null) {
          proc.kill('SIGTERM');
          await once(proc, 'exit');
        }
        fs.rmSync(dir, { recursive: true, force: true });
      },
    };
    process.once('exit', () => { try { proc.kill('SIGKILL'); } catch { /* gone */ } });
    const deadline = Date.now() + 15000;
    for (;;) {
      if (proc.exitCode !== null || proc.signalCode !== null) break;
      try {
        if (await redis.cli('PING') === 'PONG') return redis;
      } catch { /* not listening yet */ }
      if (Date.now() > deadline) { proc.kill('SIGKILL'); break; }
      await sleep(50);
    }
    if (!/Address already in use/i.test(output) || attempt >= 5) {
      throw new Error(`redis-server on deploy/redis.conf did not start:\n${output}`);
    }
  }
}

let redis;
after(cleanup);
after(async () => { if (redis) await redis.stop(); });

async function productionRedis() {
  redis ??= await startProductionRedis();
  return redis;
}

/** Resolves to the error of a TCP connection attempt, or null if it connected. */
function connectError(host, port) {
  return new Promise((resolve) => {
    const sock = net.connect({ host, port });
    sock.setTimeout(2000, () => { sock.destroy(); resolve(new Error('timeout')); });
    sock.on('connect', () => { sock.destroy(); resolve(null); });
    sock.on('error', (e) => resolve(e));
  });
}

// ---------------------------------------------------------------------------------------
// redis.conf

test('deploy/redis.conf: AOF with fsync every second, loopback only, protected mode, no eviction', { timeout: 60000 }, async () => {
  const one = (name) => {
    const v = redisConf.get(name);
    assert.ok(v, `deploy/redis.conf sets no ${name}`);
    return v.at(-1).join(' ');
  };
  assert.equal(one('appendonly'), 'yes');
  assert.equal(one('appendfsync'), 'everysec');
  assert.equal(one('protected-mode'), 'yes');
  assert.equal(one('maxmemory-policy'), 'noeviction');
  const bind = redisConf.get('bind')?.at(-1) ?? [];
  assert.ok(bind.length > 0, 'deploy/redis.conf has no bind line (Redis would listen on every address)');
  for (const address of bind) {
    assert.ok(['127.0.0.1', '::1', '-127.0.0.1', '-::1'].includes(address), `bind ${address} is not loopback`);
  }
  // The server's --redis URL carries no password: a requirepass would lock it out.
  assert.equal(redisConf.get('requirepass'), undefined, 'roundtable cannot AUTH');

  const r = await productionRedis();
  const server = await r.cli('INFO', 'server');
  assert.match(server, new RegExp(`^config_file:${REDIS_CONF.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s*$`, 'm'));
  assert.match(await r.cli('INFO', 'persistence'), /^aof_enabled:1\s*$/m);
  assert.match(await r.cli('INFO', 'memory'), /^maxmemory_policy:noeviction\s*$/m);

  // Nothing answers on this machine's other addresses.
  const others = Object.values(os.networkInterfaces()).flat().filter((a) => a && !a.internal);
  for (const a of others) {
    const host = a.family === 'IPv6' || a.family === 6 ? `${a.address}${a.scopeid ? `%${a.scopeid}` : ''}` : a.address;
    const err = await connectError(host, r.port);
    assert.ok(err, `redis on deploy/redis.conf accepted a connection on ${host}:${r.port}`);
  }
});

test('deploy/redis.conf: FLUSHALL, FLUSHDB, CONFIG, DEBUG, KEYS, SHUTDOWN, REPLICAOF, SLAVEOF, MODULE are unknown commands', { timeout: 60000 }, async () => {
  const renamed = new Map((redisConf.get('rename-command') ?? []).map(([from, to]) => [from.toUpperCase(), to]));
  const r = await productionRedis();
  for (const [command, args] of Object.entries(DISABLED)) {
    assert.equal(renamed.get(command), '', `deploy/redis.conf must have rename-command ${command} ""`);
    const answer = await r.cli(command, ...args);
    assert.match(answer, new RegExp(`^ERR unknown command '${command}'`, 'i'), `${command} ${args.join(' ')} answered: ${answer}`);
  }
  assert.equal(await r.cli('PING'), 'PONG', 'still up');
});

test('deploy/redis.conf keeps every command the server sends', { timeout: 60000 }, async () => {
  const needed = commandsTheServerSends();
  for (const c of ['EVAL', 'GET', 'SET', 'SUBSCRIBE', 'PUBLISH', 'XADD', 'XRANGE', 'PING', 'SELECT',
    'SSUBSCRIBE', 'SPUBLISH', 'SUNSUBSCRIBE', 'CLUSTER']) {
    assert.ok(needed.has(c), `did not find ${c} among the commands of server/store (found ${[...needed]})`);
  }
  const renamed = new Set((redisConf.get('rename-command') ?? []).map(([from]) => from.toUpperCase()));
  const r = await productionRedis();
  for (const c of needed) {
    assert.ok(!renamed.has(c), `deploy/redis.conf renames ${c}, which the server sends`);
    const info = JSON.parse(await r.cli('--json', 'COMMAND', 'INFO', c));
    assert.ok(Array.isArray(info) && Array.isArray(info[0]), `${c} is not a command of this Redis: ${short(info)}`);
  }
});

test('two roundtable instances on deploy/redis.conf: create, join, commit across instances, in the AOF', { timeout: 90000 }, async () => {
  const r = await productionRedis();
  // Database 1, so the server also sends SELECT.
  const url = `redis://127.0.0.1:${r.port}/1`;
  const s1 = await startServer({ redisUrl: url });
  const s2 = await startServer({ redisUrl: url });
  for (const s of [s1, s2]) {
    const health = await waitFor(async () => {
      const h = await httpRequest(`${s.baseUrl}/healthz`);
      return h.status === 200 && h;
    }, { what: 'healthz 200' });
    assert.equal(health.json?.redis, 'ok', health.text);
  }

  const meeting = await createMeeting(s1.baseUrl, { title: 'Deploy check', goal: 'The production Redis works' });
  const fac = await join(s1.wsUrl, { facilitatorToken: meeting.facilitatorToken, name: 'Fay', attendance: 'room' });
  const ana = await join(s2.wsUrl, { code: meeting.joinCode, name: 'Ana', attendance: 'remote' });
  // A commit on instance 2 (EVAL) reaches a client of instance 1 (PUBLISH → SUBSCRIBE).
  const a = await acked(ana, { type: 'add_item', title: 'committed through deploy/redis.conf' });
  await fac.client.waitForSeq(a.seq, 10000);
  const item = fac.client.events.find((e) => e.seq === a.seq);
  assert.ok(item, `event ${a.seq} reached the other instance`);

  const id = meeting.meetingId;
  assert.equal(await r.cli('-n', '1', 'GET', `{m:${id}}:ver`), String(a.seq));
  assert.equal(await r.cli('-n', '1', 'XLEN', `{m:${id}}:log`), String(a.seq));
  assert.equal(await r.cli('-n', '0', 'EXISTS', `{m:${id}}:ver`), '0', 'SELECT 1 took effect');

  // In the append-only file within about a second (appendfsync everysec).
  const aofDir = path.join(r.dir, 'appendonlydir');
  await waitFor(() => fs.readdirSync(aofDir).some((f) => fs.readFileSync(path.join(aofDir, f), 'latin1')
    .includes('committed through deploy/redis.conf')), { timeoutMs: 5000, what: 'the event in the AOF' });

  await s2.stop();
  await s1.stop();
  // A refused command (a SUBSCRIBE renamed away, say) drops the connection and the server
  // limps on by reconnecting and rereading the log: that must not happen here.
  for (const s of [s1, s2]) assert.doesNotMatch(s.stderr(), /redis (connection lost|error)/, s.stderr());
});

// ---------------------------------------------------------------------------------------
// roundtable.service

test('deploy/roundtable.service: sandboxed, stops gracefully, restarts on failure', async () => {
  const unit = parseUnit(fs.readFileSync(UNIT, 'utf8'));
  const service = unit.get('Service');
  assert.ok(service, 'no [Service] section');
  for (const [key, want] of Object.entries(SANDBOX)) {
    const values = valuesOf(service, key);
    assert.ok(values.length > 0, `${key}= is missing`);
    assert.match(values.at(-1), want, `${key}=${values.at(-1)}`);
  }
  const families = valuesOf(service, 'RestrictAddressFamilies');
  assert.ok(families.length > 0, 'RestrictAddressFamilies= is missing');
  for (const v of families) assert.ok(v && !v.startsWith('~'), `RestrictAddressFamilies=${v}: an allow-list, please`);
  assert.deepEqual(new Set(families.flatMap((v) => v.split(/\s+/))), new Set(['AF_INET', 'AF_INET6', 'AF_UNIX']));

  const filters = valuesOf(service, 'SystemCallFilter');
  const allowed = filters.filter((v) => !v.startsWith('~')).flatMap((v) => v.split(/\s+/));
  assert.ok(allowed.includes('@system-service'), `SystemCallFilter=@system-service is missing (${filters})`);
  assert.deepEqual([...new Set(allowed)], ['@system-service'], 'the allow-list grows no further than @system-service');

  const caps = valuesOf(service, 'CapabilityBoundingSet');
  assert.ok(caps.length > 0, 'CapabilityBoundingSet= is missing');
  assert.deepEqual(caps.filter((v) => v !== ''), [], 'CapabilityBoundingSet= must be empty');

  const dynamic = valuesOf(service, 'DynamicUser').at(-1);
  const user = valuesOf(service, 'User').at(-1);
  assert.ok((dynamic && TRUE.test(dynamic)) || (user && !/^(root|0)$/.test(user)),
    'DynamicUser=yes or User= an unprivileged user');

  const stop = valuesOf(service, 'TimeoutStopSec').at(-1);
  assert.ok(stop, 'TimeoutStopSec= is missing');
  const m = /^(\d+)\s*(s|sec)?$/.exec(stop);
  assert.ok(m && Number(m[1]) > 10, `TimeoutStopSec=${stop}: the server may take up to 10 s to drain`);
});

test('deploy/roundtable.service: ExecStart uses flags and values the binary accepts, with --redis', async () => {
  const service = parseUnit(fs.readFileSync(UNIT, 'utf8')).get('Service');
  const exec = valuesOf(service, 'ExecStart');
  assert.equal(exec.length, 1, `one ExecStart, got ${exec.length}`);
  assert.doesNotMatch(exec[0], /^[-@:]*[+!]/, 'a + or ! prefix would run the server outside the sandbox');
  assert.doesNotMatch(exec[0], /[$%"']/, 'no variables, specifiers or quoting in ExecStart (this test reads it literally)');
  const [binary, ...args] = exec[0].replace(/^[-@:]+/, '').split(/\s+/);
  assert.match(binary, /^\/.*\/roundtable$/, 'an absolute path to the roundtable binary');

  const { flags } = await binaryOptions();
  const used = args.filter((a) => a.startsWith('-')).map((a) => a.split('=')[0]);
  assert.ok(used.length > 0, 'ExecStart passes no flags');
  for (const f of used) assert.ok(flags.has(f), `ExecStart passes ${f}, which roundtable --help does not list`);
  // Without --redis the server would start an embedded redis-server in a data dir this sandbox
  // (ProtectSystem=strict, no StateDirectory) does not let it write.
  assert.ok(used.includes('--redis'), 'ExecStart must name the Redis (--redis)');

  // The binary parses every argument before --help: exit 0 means every value is valid too.
  const { stdout } = await run(ROUNDTABLE_BIN, [...args, '--help'], { env: cleanEnv() });
  assert.match(stdout, /^Usage: roundtable/);

  // systemd's own parser, where there is one (not required).
  let analyze = null;
  try { analyze = (await run('sh', ['-c', 'command -v systemd-analyze'])).stdout.trim(); } catch { /* none */ }
  if (analyze) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rt-unit-'));
    try {
      const copy = path.join(dir, 'roundtable.service');
      fs.writeFileSync(copy, fs.readFileSync(UNIT, 'utf8').replaceAll(binary, ROUNDTABLE_BIN));
      const res = await run(analyze, ['verify', copy]).catch((e) => e);
      const complaints = `${res.stdout ?? ''}\n${res.stderr ?? ''}`.split('\n')
        .filter((l) => l.includes(copy) || l.startsWith('roundtable.service:'));
      assert.deepEqual(complaints, [], 'systemd-analyze verify');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }
});

// ---------------------------------------------------------------------------------------
// docker-compose.yml and Dockerfile

test('deploy/docker-compose.yml and Dockerfile: settings the binary reads, instances nginx balances', async () => {
  const compose = fs.readFileSync(path.join(DEPLOY, 'docker-compose.yml'), 'utf8');
  const dockerfile = fs.readFileSync(path.join(DEPLOY, 'Dockerfile'), 'utf8');
  const nginx = fs.readFileSync(path.join(DEPLOY, 'nginx.conf.example'), 'utf8');
  const { envs } = await binaryOptions();
  for (const [name, text] of [['docker-compose.yml', compose], ['Dockerfile', dockerfile]]) {
    const set = [...text.matchAll(/\b(ROUNDTABLE_[A-Z0-9_]+)\b/g)].map((m) => m[1]);
    for (const e of set) assert.ok(envs.has(e), `${name} sets ${e}, which roundtable --help does not list`);
  }
  assert.match(compose, /\.\/redis\.conf:/, 'the redis service runs deploy/redis.conf');
  assert.match(compose, /\.\/nginx\.conf\.example:/, 'the nginx service runs deploy/nginx.conf.example');
  assert.match(compose, /ROUNDTABLE_REDIS:\s*redis:\/\/127\.0\.0\.1:/,
    'the instances reach Redis on loopback (deploy/redis.conf binds nothing else)');
  const ports = [...compose.matchAll(/ROUNDTABLE_PORT:\s*"?(\d+)"?/g)].map((m) => m[1]);
  assert.equal(ports.length, 2, 'two roundtable instances');
  for (const p of ports) assert.match(nginx, new RegExp(`server 127\\.0\\.0\\.1:${p}\\b`), `nginx balances over :${p}`);
  assert.match(dockerfile, /^FROM debian:12/m);
  const users = [...dockerfile.matchAll(/^USER\s+(\S+)/gm)].map((m) => m[1]);
  assert.ok(users.length > 0 && !/^(root|0)(:|$)/.test(users.at(-1)), 'the image runs as a non-root user');
});
