// End-to-end over TLS: the server started with --tls-cert/--tls-key (a self-signed
// certificate, which these browser contexts are told to accept, as a user would add it to
// their trust store). The facilitator creates a meeting on the https page, a member joins by
// the link, both talk over wss: and see each other's action items.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';

import { ROUNDTABLE_BIN, binaryExists, cleanup, selfSignedCertificate, startRedis, startServer } from '../support/harness.mjs';
import { facilitatorAndMember, launchBrowser, openPage, waitForItemTitled } from './browser.mjs';

const skip = binaryExists() ? false : `roundtable binary not built (${ROUNDTABLE_BIN})`;

const GOAL = 'Every child in town ready for kindergarten';
const ITEM = 'Book fair flyer, sent over TLS';

let server;
let browser;

before(async () => {
  if (skip) return;
  const { cert, key } = selfSignedCertificate();
  const redis = await startRedis();
  server = await startServer({ redisUrl: redis.url, args: ['--tls-cert', cert, '--tls-key', key] });
  browser = await launchBrowser();
});

after(async () => {
  if (browser) await browser.close();
  await cleanup();
});

test('a meeting over https and wss: the member adds an item, the facilitator sees it', { skip }, async () => {
  assert.match(server.baseUrl, /^https:\/\//);
  const trusting = { ignoreHTTPSErrors: true };
  const fac = await openPage(browser, 'facilitator', { width: 1280, height: 800 }, trusting);
  const mem = await openPage(browser, 'member', { width: 390, height: 740 }, trusting);
  const sockets = [];
  for (const { page } of [fac, mem]) page.on('websocket', (ws) => sockets.push(ws.url()));

  const { joinUrl } = await facilitatorAndMember(server.baseUrl, fac.page, mem.page, { goal: GOAL, facName: 'Sam Okafor', memName: 'Ana Ruiz' });
  assert.match(joinUrl, /^https:\/\//, 'the join link the facilitator shares is https');
  await mem.page.getByTestId('item-add-title').fill(ITEM);
  await mem.page.getByTestId('item-add-submit').click();
  await waitForItemTitled(fac.page, ITEM);

  assert.ok(sockets.length >= 2, `each page opened its WebSocket: ${sockets}`);
  for (const url of sockets) assert.match(url, /^wss:\/\/127\.0\.0\.1:\d+\//);
  assert.deepEqual([...fac.errors, ...mem.errors], []);
});
