// --durability: the embedded redis-server runs with appendfsync everysec by default and
// appendfsync always with --durability strict (what README "Durability" promises);
// --durability none (benchmarks only) keeps nothing on disk.

import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import net from 'node:net';
import path from 'node:path';

import { startServer, createMeeting, cleanup } from '../support/harness.mjs';

after(cleanup);

// The port of the server's embedded redis-server child, from its process title
// ("redis-server 127.0.0.1:PORT": Redis rewrites its command line).
function embeddedRedisPort(pid) {
  const children = fs.readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean);
  for (const child of children) {
    const title = fs.readFileSync(`/proc/${child}/cmdline`, 'utf8').replace(/\0/g, ' ');
    const m = /redis-server \S+:(\d+)/.exec(title);
    if (m) return Number(m[1]);
  }
  throw new Error(`no redis-server among the children of ${pid}: ${children}`);
}

// One command over RESP; the reply's bulk strings.
function redisCommand(port, ...args) {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    let reply = '';
    socket.on('data', (d) => {
      reply += d.toString();
      const lines = reply.split('\r\n');
      const count = Number(lines[0].slice(1));
      const strings = lines.filter((_, i) => i > 0 && i % 2 === 0);
      if (strings.length >= count) {
        socket.end();
        resolve(strings.slice(0, count));
      }
    });
    socket.on('error', reject);
    socket.write(`*${args.length}\r\n${args.map((a) => `$${Buffer.byteLength(a)}\r\n${a}\r\n`).join('')}`);
  });
}

for (const [flag, expected, aof] of [
  [[], 'everysec', 'yes'],
  [['--durability', 'strict'], 'always', 'yes'],
  [['--durability', 'none'], 'everysec', 'no'], // benchmarks only: nothing on disk
]) {
  test(`embedded Redis with ${flag.join(' ') || 'the default'}: appendonly ${aof}, appendfsync ${expected}`, { timeout: 60000 }, async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rt-durability-'));
    const server = await startServer({ args: ['--data-dir', dir, ...flag] });
    try {
      const port = embeddedRedisPort(server.proc.pid);
      assert.deepEqual(await redisCommand(port, 'CONFIG', 'GET', 'appendfsync'), ['appendfsync', expected]);
      assert.deepEqual(await redisCommand(port, 'CONFIG', 'GET', 'appendonly'), ['appendonly', aof]);
      const meeting = await createMeeting(server.baseUrl);
      assert.ok(meeting.meetingId);
    } finally {
      await server.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
}
