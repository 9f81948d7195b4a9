// Shared by the end-to-end tests: one headless Chromium (playwright-core, no bundled browser),
// pages as separate people, and the steps and waits every test needs on the meeting screen.

import fs from 'node:fs';
import { createRequire } from 'node:module';
import { before, after } from 'node:test';
import { chromium } from 'playwright-core';

import { acked, cleanup, freePort, join, resume, startRedis, startServer } from '../support/harness.mjs';

export const ARTIFACTS = process.env.ROUNDTABLE_ARTIFACTS || 'test-artifacts';
export const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
// Long enough for a loaded 2-core CI machine, short enough that a missing update fails fast.
export const UI_TIMEOUT_MS = 15000;

// Redis, a server on a fixed free port (so a restarted server is where the pages reconnect)
// and Chromium, for one test file.
export async function startStack() {
  const redis = await startRedis();
  const serverArgs = ['--port', String(await freePort())];
  const server = await startServer({ redisUrl: redis.url, args: serverArgs });
  const browser = await launchBrowser();
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  return { redis, serverArgs, server, browser };
}

// startStack() before a file's first test (unless `skip`), everything closed after its last;
// the returned object's redis, server and browser are set once the hook has run.
export function stackForFile(skip) {
  const stack = {};
  before(async () => {
    if (!skip) Object.assign(stack, await startStack());
  });
  after(async () => {
    if (stack.browser) await stack.browser.close();
    await cleanup();
  });
  return stack;
}

export function launchBrowser() {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

// A page in a context of its own: each context has its own cookies and localStorage, like two
// people on two devices. launch() gives the browser a fresh temporary profile (playwright-core
// refuses --user-data-dir in launch() args, and launchPersistentContext would mean one whole
// browser per page), so nothing leaks between test runs either. Returns {context, page,
// errors}: errors collects the page's uncaught exceptions, for the tests to assert none.
// `contextOptions` go to newContext (e.g. ignoreHTTPSErrors for a self-signed certificate).
export async function openPage(browser, role, viewport, contextOptions = {}) {
  // English unless a test asks for another language, whatever the machine's own.
  const context = await browser.newContext({ viewport, locale: 'en-US', ...contextOptions });
  context.setDefaultTimeout(UI_TIMEOUT_MS);
  const page = await context.newPage();
  const errors = [];
  // Server frames that carried several messages (the client joins with batch: true).
  const frames = { batches: 0 };
  page.on('websocket', (ws) => ws.on('framereceived', ({ payload }) => {
    if (typeof payload === 'string' && JSON.parse(payload).type === 'batch') frames.batches += 1;
  }));
  page.on('pageerror', (err) => errors.push(`${role}: ${err.message}`));
  page.on('console', (msg) => {
    if (msg.type() === 'error') console.log(`[${role} console] ${msg.text()}`);
  });
  return { context, page, errors, frames };
}

export const itemSelector = (itemId) => `[data-testid="item"][data-item-id="${itemId}"]`;
export const item = (page, itemId) => page.locator(itemSelector(itemId));

// Resolves with the id of the first action item whose title field shows `title`.
export async function waitForItemTitled(page, title) {
  const handle = await page.waitForFunction(
    (t) => [...document.querySelectorAll('[data-testid="item"]')]
      .find((li) => li.querySelector('[data-testid="item-title"]').value === t)
      ?.dataset.itemId,
    title,
    { timeout: UI_TIMEOUT_MS },
  );
  return handle.jsonValue();
}

// Waits until the form control `field` (a data-testid) of an item shows `value`.
export async function waitForItemField(page, itemId, field, value) {
  await page.waitForFunction(
    ([sel, v]) => document.querySelector(sel)?.value === v,
    [`${itemSelector(itemId)} [data-testid="${field}"]`, value],
    { timeout: UI_TIMEOUT_MS },
  );
}

export async function waitForParticipant(page, name, attrs = {}) {
  let selector = '[data-testid="participant"]';
  for (const [k, v] of Object.entries(attrs)) selector += `[data-${k}="${v}"]`;
  await page.locator(selector).filter({ hasText: name }).first().waitFor();
}

export const waitForConnected = (page) =>
  page.locator('[data-testid="conn-status"][data-state="connected"]').waitFor();

// Fills in the join form and waits until the meeting, with `goal` in its banner, is live.
export async function joinForm(page, { name, attendance, organisation }, goal) {
  await page.getByTestId('join-name').fill(name);
  await page.getByTestId(`join-attendance-${attendance}`).check();
  await page.getByTestId('join-organisation').fill(organisation);
  await page.getByTestId('join-submit').click();
  await page.getByTestId('goal-banner').filter({ hasText: goal }).waitFor();
  await waitForConnected(page);
}

// Creates a meeting from the landing page, as a facilitator does, and stops at the join form.
// Returns {code, joinUrl, meetingId}.
export async function createMeetingInUi(page, baseUrl, { title, goal }) {
  await page.goto(`${baseUrl}/`);
  await page.getByTestId('create-title').fill(title);
  await page.getByTestId('create-goal').fill(goal);
  await page.getByTestId('create-submit').click();
  // The invite box is in the page from the start, hidden and empty until the meeting exists.
  await page.getByTestId('join-code-display').waitFor();
  const code = (await page.getByTestId('join-code-display').textContent()).trim();
  const joinUrl = await page.getByTestId('join-url-display').inputValue();
  const meetingId = new URL(page.url()).searchParams.get('meeting');
  return { code, joinUrl, meetingId };
}

// The facilitator creates a meeting in `fac` and joins from the room, the member opens the join
// link in `mem` and joins remote; resolves once the facilitator sees the member online.
export async function facilitatorAndMember(baseUrl, fac, mem, { goal, facName, memName }) {
  const meeting = await createMeetingInUi(fac, baseUrl, { title: 'Readiness Council', goal });
  await joinForm(fac, { name: facName, attendance: 'room', organisation: 'School District' }, goal);
  await mem.goto(meeting.joinUrl);
  await joinForm(mem, { name: memName, attendance: 'remote', organisation: 'Town Library' }, goal);
  await waitForParticipant(fac, memName, { online: 'true' });
  return meeting;
}

// A meeting in full swing beside the pages, over raw WebSockets: Lee Chen (in the room) adds
// `items` with `notes` and raises a hand; the facilitator (through the token `facPage` holds)
// moves the meeting live, opens a live consent vote on `question` that Lee votes agree in, and
// starts a partner update of `organisation`. Resolves once every page in `pages` shows them.
export async function meetingInFullSwing(server, meeting, facPage, pages, { items, notes, question, organisation }) {
  const lee = await join(server.wsUrl, { code: meeting.code, name: 'Lee Chen', attendance: 'room' });
  for (const title of items) await acked(lee, { type: 'add_item', title, notes });
  await acked(lee, { type: 'raise_hand' });
  const token = await facPage.evaluate((id) => localStorage.getItem(`rt.token.${id}`), meeting.meetingId);
  const fac = await resume(server.wsUrl, { token });
  await acked(fac, { type: 'set_phase', phase: 'live' });
  const opened = await acked(fac, { type: 'open_vote', method: 'consent', question, results: 'live', visibility: 'open' });
  await acked(lee, { type: 'cast_ballot', voteId: `v${opened.seq}`, ballot: { choice: 'agree' } });
  const slot = await acked(fac, { type: 'add_slot', organisation, speaker: 'Kim', seconds: 120 });
  await acked(fac, { type: 'start_slot', slotId: `u${slot.seq}` });
  for (const page of pages) {
    await waitForItemTitled(page, items.at(-1));
    await page.getByText(question).first().waitFor();
    await page.getByText(organisation).first().waitFor();
    await waitForConnected(page);
  }
}

const AXE = fs.readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

// The axe violations of `page` as it is now (the rules of WCAG 2.0/2.1 A and AA, and axe's
// best practices), printed; returns the serious and critical ones.
export async function axeViolations(page, view) {
  // Evaluated through the DevTools protocol: the server's CSP (no inline script) stays on.
  await page.evaluate(AXE);
  const found = await page.evaluate(() => window.axe.run(document, { resultTypes: ['violations'] })
    .then((r) => r.violations.map((v) => ({
      id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => n.target.join(' ')),
    }))));
  for (const v of found) console.log(`${view}: ${v.impact} ${v.id} (${v.help}): ${v.nodes.join(', ')}`);
  return found.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}
