// --tls-cert / --tls-key: the server speaks HTTPS and WSS itself, with a self-signed
// certificate made for this test by Debian's openssl. A meeting runs end to end over TLS; a
// client that does not trust the certificate, and plain HTTP to the TLS port, get nothing;
// a bad certificate or key stops the server at start-up instead of serving in clear.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import https from 'node:https';
import net from 'node:net';

import {
  startRedis, startServer, cleanup, join, Client, ROUNDTABLE_BIN, TEST_SECRET, selfSignedCertificate,
} from '../support/harness.mjs';

let certificate;
let otherCertificate;
let ca;
let redis;
let server;

// One HTTPS request trusting the test's certificate, or (`trustTestCertificate: false`) only
// the system's CAs (global fetch cannot be given a CA).
function httpsRequest(url, { method = 'GET', body, headers = {}, trustTestCertificate = true } = {}) {
  return new Promise((resolve, reject) => {
    const req = https.request(url, { method, headers, ca: trustTestCertificate ? ca : undefined }, (res) => {
      let text = '';
      res.on('data', (d) => { text += d; });
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

before(async () => {
  certificate = selfSignedCertificate();
  otherCertificate = selfSignedCertificate();
  ca = certificate.ca;
  redis = await startRedis();
  server = await startServer({ redisUrl: redis.url, args: ['--tls-cert', certificate.cert, '--tls-key', certificate.key] });
});

after(async () => {
  try {
    if (server?.running) await server.stop();
  } finally {
    await cleanup();
  }
});

test('the server says it listens on https and serves the web client and the API over TLS', async () => {
  assert.match(server.baseUrl, /^https:\/\//);
  assert.match(server.wsUrl, /^wss:\/\//);
  const page = await httpsRequest(`${server.baseUrl}/`);
  assert.equal(page.status, 200);
  assert.match(page.text, /<html/i);
  assert.ok(page.headers['content-security-policy'], 'security headers are sent over TLS too');
  const health = await httpsRequest(`${server.baseUrl}/healthz`);
  assert.equal(health.status, 200, health.text);
});

test('a meeting runs over wss: create, join by code, an item seen by the other member', async () => {
  const created = await httpsRequest(`${server.baseUrl}/api/meetings`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ title: 'Library partners', goal: 'Every family gets a library card' }),
  });
  assert.equal(created.status, 201, created.text);
  const meeting = JSON.parse(created.text);
  // The link to share is https (it said http:// before the e2e test opened one in Chromium).
  assert.equal(meeting.joinUrl, `${server.baseUrl}/?join=${meeting.joinCode}`);
  const sam = await join(server.wsUrl, { facilitatorToken: meeting.facilitatorToken, name: 'Sam', ca });
  const ana = await join(server.wsUrl, { code: meeting.joinCode, name: 'Ana', ca });
  const ack = await sam.client.command({ type: 'add_item', title: 'Reading corner' });
  assert.equal(ack.type, 'ack', JSON.stringify(ack));
  await ana.client.waitForSeq(ack.seq);
  const seen = ana.client.events.find((e) => e.seq === ack.seq);
  assert.equal(seen.kind, 'item_added');
  assert.equal(seen.data.title, 'Reading corner');
  sam.client.close();
  ana.client.close();
});

test('a forged Origin is still refused over TLS', async () => {
  await assert.rejects(
    Client.connect(server.wsUrl, { origin: 'https://evil.example', ca }),
    (e) => e.statusCode === 403,
  );
});

test('a client that does not trust the certificate gets no connection', async () => {
  await assert.rejects(httpsRequest(`${server.baseUrl}/healthz`, { trustTestCertificate: false }),
    (e) => /self[- ]signed|unable to verify|certificate/i.test(e.message));
  await assert.rejects(Client.connect(server.wsUrl, {}),
    (e) => /self[- ]signed|unable to verify|certificate/i.test(e.message));
});

test('plain HTTP to the TLS port gets no HTTP answer and counts as a failed handshake', async () => {
  const before = await failedHandshakes();
  const answer = await new Promise((resolve) => {
    const socket = net.connect(server.port, '127.0.0.1', () => {
      socket.write('GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
    });
    let got = '';
    socket.on('data', (d) => { got += d.toString('latin1'); });
    socket.on('close', () => resolve(got));
    socket.on('error', () => {});
  });
  assert.doesNotMatch(answer, /HTTP\/1\.1 200/, 'nothing is served in clear');
  const after = await failedHandshakes();
  assert.ok(after > before, `tls handshake failures ${before} -> ${after}`);
});

async function failedHandshakes() {
  const res = await httpsRequest(`${server.baseUrl}/metrics`);
  const m = /^roundtable_tls_handshake_failures_total (\d+)/m.exec(res.text);
  assert.ok(m, 'the metric is exported');
  return Number(m[1]);
}

function startUp(args) {
  return spawnSync(ROUNDTABLE_BIN, ['--port', '0', '--redis', redis.url, '--secret', TEST_SECRET, ...args],
    { encoding: 'utf8', timeout: 20000 });
}

test('TLS settings that cannot work stop the server at start-up, never a fallback to plain HTTP', () => {
  const half = startUp(['--tls-cert', certificate.cert]);
  assert.equal(half.status, 2);
  assert.match(half.stderr, /--tls-cert and --tls-key go together/);

  const missing = startUp(['--tls-cert', `${certificate.cert}.missing`, '--tls-key', certificate.key]);
  assert.equal(missing.status, 1);
  assert.match(missing.stderr + missing.stdout, /cannot use certificate chain/);
  assert.doesNotMatch(missing.stdout, /listening/);

  const mismatched = startUp(['--tls-cert', certificate.cert, '--tls-key', otherCertificate.key]);
  assert.equal(mismatched.status, 1);
  assert.match(mismatched.stderr + mismatched.stdout, /cannot use private key .*mismatch/);
});
