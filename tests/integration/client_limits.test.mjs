// Per-address limits: meetings created per hour (HTTP 429 with Retry-After) and wrong join
// codes per minute (then even the right code gets rate_limited, so guessing learns nothing).
// X-Real-IP counts only from a --trusted-proxy. Commands per connection follow
// --commands-per-second.

import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import WebSocket from 'ws';

import {
  startRedis, startServer, createMeeting, httpRequest, join, cleanup, short,
} from '../support/harness.mjs';

after(cleanup);

async function stack(args) {
  const redis = await startRedis();
  return startServer({ redisUrl: redis.url, args });
}

async function metricsText(server) {
  return (await httpRequest(`${server.baseUrl}/metrics`)).text;
}

// A join by code over a raw socket, with extra handshake headers; resolves with the answer.
function joinWithHeaders(server, code, headers) {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(server.wsUrl, { headers });
    ws.once('error', reject);
    ws.once('open', () => ws.send(JSON.stringify({ type: 'join', v: 1, cid: 'j', code, name: 'Via proxy', attendance: 'remote' })));
    ws.once('message', (data) => {
      ws.close();
      resolve(JSON.parse(data.toString()));
    });
  });
}

test('an address past its meetings per hour gets 429 rate_limited with Retry-After', { timeout: 30000 }, async () => {
  const server = await stack(['--meetings-per-ip-hour', '3']);
  for (let i = 0; i < 3; i++) await createMeeting(server.baseUrl, { title: `Allowed ${i}` });
  const res = await httpRequest(`${server.baseUrl}/api/meetings`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ title: 'One too many', goal: 'Nope' }),
  });
  assert.equal(res.status, 429, short(res.text));
  assert.equal(JSON.parse(res.text).error.code, 'rate_limited');
  const retryAfter = Number(res.headers.get('retry-after'));
  assert.ok(retryAfter > 0 && retryAfter <= 1200, `Retry-After ${retryAfter}: a third of an hour at most`);
  assert.match(await metricsText(server), /roundtable_client_limit_refusals_total\{limit="meetings_per_hour"\} 1/);
  await server.stop();
});

test('wrong join codes are limited per address; past the limit the right code is refused too', { timeout: 30000 }, async () => {
  const server = await stack(['--failed-joins-per-ip-minute', '3']);
  const meeting = await createMeeting(server.baseUrl);
  for (let i = 0; i < 3; i++) {
    await assert.rejects(join(server.wsUrl, { code: `ZZZZ-ZZZ${i}`, name: 'Guesser' }),
      (e) => e.reply?.code === 'bad_code', `wrong code ${i} is bad_code`);
  }
  await assert.rejects(join(server.wsUrl, { code: meeting.joinCode, name: 'Guesser' }),
    (e) => e.reply?.code === 'rate_limited' && /wrong join codes/.test(e.reply.message),
    'the right code from the same address is refused, so the answer reveals nothing');
  // X-Real-IP from an untrusted peer is ignored: no way around the limit by a header.
  const spoofed = await joinWithHeaders(server, meeting.joinCode, { 'X-Real-IP': '198.51.100.7' });
  assert.equal(spoofed.code, 'rate_limited', short(spoofed));
  // Joining with the facilitator token is not a guess and is not limited.
  const fac = await join(server.wsUrl, { facilitatorToken: meeting.facilitatorToken, name: 'Sam' });
  assert.equal(fac.welcome.type, 'welcome');
  await fac.client.close();
  assert.match(await metricsText(server), /roundtable_client_limit_refusals_total\{limit="wrong_codes_per_minute"\} 2/);
  await server.stop();
});

test('behind a trusted proxy, each client address has its own limit', { timeout: 30000 }, async () => {
  const server = await stack(['--failed-joins-per-ip-minute', '2', '--trusted-proxy', '127.0.0.1']);
  const meeting = await createMeeting(server.baseUrl);
  const attacker = { 'X-Real-IP': '203.0.113.66' };
  for (let i = 0; i < 2; i++) {
    const wrong = await joinWithHeaders(server, `ZZZZ-ZZZ${i}`, attacker);
    assert.equal(wrong.code, 'bad_code', short(wrong));
  }
  assert.equal((await joinWithHeaders(server, meeting.joinCode, attacker)).code, 'rate_limited');
  // Another person behind the same proxy still gets in.
  const member = await joinWithHeaders(server, meeting.joinCode, { 'X-Real-IP': '203.0.113.10' });
  assert.equal(member.type, 'welcome', short(member));
  // IPv6 clients are limited by their /64: another address in it is the same client.
  for (let i = 0; i < 2; i++) {
    await joinWithHeaders(server, `ZZZZ-YYY${i}`, { 'X-Real-IP': `2001:db8:1:2::${i + 1}` });
  }
  const neighbour = await joinWithHeaders(server, meeting.joinCode, { 'X-Real-IP': '2001:db8:1:2::99' });
  assert.equal(neighbour.code, 'rate_limited', short(neighbour));
  const elsewhere = await joinWithHeaders(server, meeting.joinCode, { 'X-Real-IP': '2001:db8:1:3::1' });
  assert.equal(elsewhere.type, 'welcome', short(elsewhere));
  await server.stop();
});

test('--commands-per-second sets each connection\'s command rate, bursts of twice that', { timeout: 30000 }, async () => {
  const server = await stack(['--commands-per-second', '5']);
  const meeting = await createMeeting(server.baseUrl, { title: 'Slow lane' });
  const ana = await join(server.wsUrl, { code: meeting.joinCode, name: 'Ana', attendance: 'remote' });
  // 20 at once: the join took one of the burst of 10, so 9 pass and 11 are refused.
  const answers = await Promise.all(Array.from({ length: 20 }, (_, i) => ana.client.command({ type: 'add_item', title: `t${i}` })));
  const acked = answers.filter((a) => a.type === 'ack').length;
  assert.ok(acked >= 9 && acked <= 10, `${acked} of 20 acked with a burst of 10`);
  assert.deepEqual([...new Set(answers.filter((a) => a.type !== 'ack').map((a) => a.code))], ['rate_limited']);
  await server.stop();
});
