// Rotating the join code: the facilitator gets a new code drawn by the server, every screen
// gets join_code_set, the old code is refused from then on (also after a kill -9 restart),
// those already in stay in, and nobody else can make the server claim codes.

import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

import { startRedis, startServer, createMeeting, join, cleanup, short } from '../support/harness.mjs';

after(cleanup);
const run = promisify(execFile);

// The meeting ids that rt:code:* keys point at, by code (the store's key names: its tests).
async function codeKeys(redis) {
  const port = new URL(redis.url).port;
  const { stdout } = await run('redis-cli', ['-p', port, '--scan', '--pattern', 'rt:code:*']);
  return stdout.split('\n').filter(Boolean).map((k) => k.slice('rt:code:'.length)).sort();
}

test('the facilitator replaces the join code; the old one stops working', { timeout: 60000 }, async () => {
  const redis = await startRedis();
  let server = await startServer({ redisUrl: redis.url });
  const meeting = await createMeeting(server.baseUrl);
  const oldCode = meeting.joinCode;
  const fac = await join(server.wsUrl, { facilitatorToken: meeting.facilitatorToken, name: 'Sam', attendance: 'room' });
  const ana = await join(server.wsUrl, { code: oldCode, name: 'Ana' });

  const refused = await ana.client.command({ type: 'rotate_join_code' });
  assert.equal(refused.code, 'forbidden', short(refused));
  assert.deepEqual(await codeKeys(redis), [oldCode], 'a member cannot make the server claim a code');

  const ack = await fac.client.command({ type: 'rotate_join_code' });
  assert.equal(ack.type, 'ack', short(ack));
  await ana.client.waitForSeq(ack.seq);
  const event = ana.client.events.at(-1);
  assert.equal(event.kind, 'join_code_set');
  const newCode = event.data.joinCode;
  assert.match(newCode, /^[A-Z0-9]{4}-[A-Z0-9]{4}$/);
  assert.notEqual(newCode, oldCode);
  assert.deepEqual(await codeKeys(redis), [newCode], 'the old code is released in Redis');

  await assert.rejects(join(server.wsUrl, { code: oldCode, name: 'Eve' }), (e) => e.reply?.code === 'bad_code');
  const lee = await join(server.wsUrl, { code: newCode, name: 'Lee' });
  assert.equal(lee.welcome.meeting.joinCode, newCode);
  // Those already in stay in.
  const item = await ana.client.command({ type: 'add_item', title: 'Still here' });
  assert.equal(item.type, 'ack', short(item));

  await server.kill9();
  server = await startServer({ redisUrl: redis.url });
  await assert.rejects(join(server.wsUrl, { code: oldCode, name: 'Eve' }), (e) => e.reply?.code === 'bad_code');
  const kim = await join(server.wsUrl, { code: newCode, name: 'Kim' });
  assert.equal(kim.welcome.meeting.joinCode, newCode);
  for (const c of [fac.client, ana.client, lee.client, kim.client]) {
    assert.deepEqual(c.invalid, [], `${c.name} got schema-invalid messages`);
    c.terminate();
  }
  await server.stop();
});
