// End-to-end: the end of a meeting and what follows it, in Chromium pages against the real server
// and Redis. A short meeting (an item with a due date, live through its agenda, ended): the
// minutes downloaded as files from the facilitator's, the member's and the observer's pages and
// the HTML opened in the browser; a refused download shown as an error; the next meeting of the
// series planned from the ended one, with the open item carried over. Then a stage check-in
// round trip in a meeting of its own.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

import { ROUNDTABLE_BIN, binaryExists, cleanup } from '../support/harness.mjs';
import {
  ARTIFACTS, facilitatorAndMember, joinForm, openPage, startStack, waitForItemTitled, waitForParticipant,
} from './browser.mjs';

const skip = binaryExists() ? false : `roundtable binary not built (${ROUNDTABLE_BIN})`;

const TITLE = 'Readiness Council'; // facilitatorAndMember's
const GOAL = 'Every child in town ready for kindergarten';
const ITEM = 'Book fair flyer for the spring enrolment';
const DUE = '2026-12-01';
const NEXT_TITLE = 'Readiness Council, April';
const FAC = 'Sam Okafor';
const MEM = 'Ana Ruiz';
const OBS = 'Projector';

let server;
let browser;
let meeting; // {code, joinUrl, meetingId}
const people = {}; // fac, mem, obs: {context, page, errors}

before(async () => {
  if (skip) return;
  ({ server, browser } = await startStack());
  people.fac = await openPage(browser, 'facilitator', { width: 1280, height: 900 });
  people.mem = await openPage(browser, 'member', { width: 1024, height: 900 });
  people.obs = await openPage(browser, 'observer', { width: 1024, height: 800 });
  meeting = await facilitatorAndMember(server.baseUrl, people.fac.page, people.mem.page, { goal: GOAL, facName: FAC, memName: MEM });
  const obs = people.obs.page;
  await obs.goto(meeting.joinUrl);
  await obs.getByTestId('join-observer').check();
  await joinForm(obs, { name: OBS, attendance: 'room', organisation: '' }, GOAL);
});

after(async () => {
  if (browser) await browser.close();
  await cleanup();
});

const section = (page, id) => page.locator(`[data-testid="sections"] > [data-section="${id}"]`);

// The sections `page` marks as where the meeting is now: [[id, aria-current, the marker's text]].
const nowSections = (page) => page.locator('[data-testid="sections"] > [aria-current]').evaluateAll((els) => els.map((el) =>
  [el.dataset.section, el.getAttribute('aria-current'), getComputedStyle(el.querySelector('h2'), '::after').content]));

async function waitForSection(page, id) {
  await section(page, id).and(page.locator('[aria-current="step"]')).waitFor();
  assert.deepEqual(await nowSections(page), [[id, 'step', '"Now"']]);
}

// Clicks `button` and saves the file it downloads; returns {file, name, text}.
async function download(page, button, file) {
  const [dl] = await Promise.all([page.waitForEvent('download'), button.click()]);
  const saved = path.resolve(ARTIFACTS, file);
  await dl.saveAs(saved);
  return { file: saved, name: dl.suggestedFilename(), text: fs.readFileSync(saved, 'utf8') };
}

test('a short meeting ends with its minutes downloaded on every page, the HTML opened', { skip }, async () => {
  const { fac, mem, obs } = { fac: people.fac.page, mem: people.mem.page, obs: people.obs.page };
  for (const page of [fac, mem, obs]) await page.getByTestId('minutes').waitFor();

  await fac.getByTestId('item-add-title').fill(ITEM);
  await fac.getByTestId('item-add-due').fill(DUE);
  await fac.getByTestId('item-add-submit').click();
  for (const page of [fac, mem, obs]) await waitForItemTitled(page, ITEM);

  // Live: every screen is on the first section after the goal; the facilitator moves it on.
  assert.deepEqual(await nowSections(fac), [], 'no section before live');
  await fac.getByTestId('phase-live').click();
  for (const page of [fac, mem, obs]) await waitForSection(page, 'action_items');
  assert.equal(await mem.locator('[data-testid="section-enter"]:visible').count(), 0, 'members do not move the meeting');
  assert.equal(await section(fac, 'action_items').getByTestId('section-enter').isVisible(), false, 'not to where it is');
  await section(fac, 'wrap_up').getByTestId('section-enter').click();
  for (const page of [fac, mem, obs]) await waitForSection(page, 'wrap_up');
  await section(mem, 'wrap_up').evaluate((el) => el.scrollIntoView({ block: 'center' }));
  await mem.screenshot({ path: path.join(ARTIFACTS, 'section-now-member.png') });

  await fac.getByTestId('phase-ended').click();
  for (const page of [fac, mem, obs]) {
    await page.getByTestId('ended-notice').filter({ hasText: 'minutes are final' }).waitFor();
    assert.equal(await page.locator('[data-testid="ended-notice"] [data-format="html"]').isVisible(), true);
    assert.deepEqual(await nowSections(page), [], 'no "Now" once ended');
  }
  // The end is final: no phase buttons to reopen it.
  assert.equal(await fac.getByTestId('phase-buttons').isVisible(), false);
  await fac.locator('[data-testid="next-meeting"] > summary').click();
  await fac.screenshot({ path: path.join(ARTIFACTS, 'ended-facilitator.png') });
  await fac.locator('[data-testid="next-meeting"] > summary').click();

  const fromFac = await download(fac, fac.locator('[data-testid="ended-notice"] [data-format="html"]'), 'minutes-facilitator.html');
  const fromMem = await download(mem, mem.locator('[data-testid="minutes"] [data-format="html"]'), 'minutes-member.html');
  for (const got of [fromFac, fromMem]) {
    assert.equal(got.name, `minutes-${TITLE}.html`);
    assert.match(got.text, /^<!doctype html>/i);
    for (const want of [GOAL, ITEM, DUE]) assert.ok(got.text.includes(want), `${want} in ${got.file}`);
  }
  const md = await download(obs, obs.locator('[data-testid="minutes"] [data-format="md"]'), 'minutes-observer.md');
  assert.equal(md.name, `minutes-${TITLE}.md`);
  assert.ok(md.text.includes(GOAL) && md.text.includes(ITEM), md.text);

  // The downloaded page, opened in the browser as a file.
  const viewer = await openPage(browser, 'minutes', { width: 1000, height: 900 });
  await viewer.page.goto(pathToFileURL(fromMem.file).href);
  const shown = await viewer.page.locator('body').innerText();
  assert.ok(shown.includes(GOAL) && shown.includes(ITEM), shown);
  await viewer.page.screenshot({ path: path.join(ARTIFACTS, 'minutes-html.png'), fullPage: true });
  await viewer.context.close();

  // A refused download: an error the member sees (and a screen reader hears), no file.
  await mem.route('**/minutes?*', (route) => route.fulfill({
    status: 403, contentType: 'application/json', body: JSON.stringify({ error: { code: 'forbidden', message: 'not your meeting' } }),
  }));
  let downloaded = false;
  mem.once('download', () => { downloaded = true; });
  await mem.locator('[data-testid="minutes"] [data-format="csv"]').click();
  await mem.getByTestId('toast').filter({ hasText: 'The minutes could not be downloaded: not your meeting' }).waitFor();
  assert.equal(await mem.getByTestId('toast').getAttribute('aria-live'), 'polite');
  assert.equal(downloaded, false);
  await mem.unroute('**/minutes?*');
  assert.deepEqual([...people.fac.errors, ...people.mem.errors, ...people.obs.errors], []);
});

test('the next meeting of the series, planned from the ended one, carries the open item over', { skip }, async () => {
  const fac = people.fac.page;
  const mem = people.mem.page;
  assert.equal(await mem.getByTestId('next-meeting').isVisible(), false, 'only the facilitator plans');

  await fac.locator('[data-testid="next-meeting"] > summary').click();
  assert.equal(await fac.getByTestId('next-title').inputValue(), TITLE, 'prefilled with the title');
  // Typing straight after opening keeps what was typed: the prefill must not land after it.
  await fac.locator('[data-testid="next-meeting"] > summary').click();
  await fac.evaluate(() => {
    document.querySelector('[data-testid="next-meeting"] > summary').click();
    document.querySelector('[data-testid="next-title"]').value = 'typed at once';
  });
  await fac.evaluate(() => new Promise((resolve) => setTimeout(resolve, 50)));
  assert.equal(await fac.getByTestId('next-title').inputValue(), 'typed at once');
  await fac.getByTestId('next-title').fill(NEXT_TITLE);
  await fac.getByTestId('next-submit').click();

  // As after creating a meeting on the start page: the facilitator's join form with the invite.
  await fac.getByTestId('join-heading').filter({ hasText: 'as facilitator' }).waitFor();
  const code = (await fac.getByTestId('join-code-display').textContent()).trim();
  assert.match(code, /^[A-Z0-9]{4}-[A-Z0-9]{4}$/);
  assert.notEqual(code, meeting.code);
  const nextId = new URL(fac.url()).searchParams.get('meeting');
  assert.ok(nextId && nextId !== meeting.meetingId, fac.url());
  await joinForm(fac, { name: FAC, attendance: 'room', organisation: 'School District' }, GOAL);

  await fac.getByTestId('meeting-title').filter({ hasText: NEXT_TITLE }).waitFor();
  assert.equal(await fac.getByTestId('follows').textContent(), `Follows: ${TITLE}`);
  assert.equal(await fac.getByTestId('phase-badge').textContent(), 'Lobby');
  assert.equal(await fac.getByTestId('ended-notice').isVisible(), false);
  const itemId = await waitForItemTitled(fac, ITEM);
  const row = fac.locator(`[data-testid="item"][data-item-id="${itemId}"]`);
  assert.equal(await row.getByTestId('item-carried').isVisible(), true);
  assert.equal(await row.getByTestId('item-due').inputValue(), DUE);

  // A member joining the next meeting sees the same.
  const next = await openPage(browser, 'member-next', { width: 1024, height: 900 });
  await next.page.goto(`${server.baseUrl}/?join=${code}`);
  await joinForm(next.page, { name: MEM, attendance: 'remote', organisation: 'Town Library' }, GOAL);
  await waitForParticipant(fac, MEM, { online: 'true' });
  await next.page.getByTestId('follows').filter({ hasText: `Follows: ${TITLE}` }).waitFor();
  await waitForItemTitled(next.page, ITEM);
  assert.equal(await next.page.locator('[data-testid="item-carried"]:visible').count(), 1);
  await fac.screenshot({ path: path.join(ARTIFACTS, 'next-meeting-facilitator.png') });
  assert.deepEqual([...people.fac.errors, ...next.errors], []);
  await next.context.close();
});

test('a stage check-in: the member picks a stage, the facilitator closes, both see the results', { skip }, async () => {
  const fac = await openPage(browser, 'stage-facilitator', { width: 1280, height: 900 });
  const mem = await openPage(browser, 'stage-member', { width: 1024, height: 900 });
  await facilitatorAndMember(server.baseUrl, fac.page, mem.page, { goal: GOAL, facName: FAC, memName: MEM });
  const f = fac.page;
  await f.locator('[data-testid="vote-open"] > summary').click();
  await f.locator('#vote-method').selectOption('stage');
  // Anonymous and about the collaboration: no item to pick, no open ballots to choose.
  assert.equal(await f.locator('#vote-item').isVisible(), false);
  assert.equal(await f.locator('input[name="visibility"][value="open"]').isVisible(), false);
  await f.getByTestId('vote-open-submit').click();

  const card = (page) => page.locator('[data-testid="vote"]').first();
  for (const page of [f, mem.page]) {
    await card(page).getByTestId('vote-title').filter({ hasText: 'Which stage is our collaboration at?' }).waitFor();
    assert.equal(await card(page).getByTestId('vote-method').textContent(), 'Stage check-in');
    await card(page).locator('[data-setting="anonymous"]').waitFor();
  }
  const buttons = await card(mem.page).locator('[data-testid^="ballot-stage-"]').allTextContents();
  assert.deepEqual(buttons, ['Isolation', 'Communication', 'Coordination', 'Collaboration', 'Integration']);
  await card(mem.page).getByTestId('ballot-stage-coordination').click();
  await card(mem.page).getByTestId('your-ballot').filter({ hasText: 'Your ballot: Coordination' }).waitFor();
  assert.equal(await card(mem.page).getByTestId('ballot-stage-coordination').getAttribute('aria-pressed'), 'true');
  await card(f).getByTestId('ballot-stage-collaboration').click();
  await card(f).locator('[data-testid="vote-progress"][data-voted="2"]').waitFor();

  await card(f).getByTestId('vote-close').click();
  const expected = { isolation: 0, communication: 0, coordination: 1, collaboration: 1, integration: 0 };
  for (const page of [f, mem.page]) {
    await page.locator('[data-testid="vote"][data-state="closed"]').waitFor();
    const tallies = await card(page).locator('[data-testid="tally"]').evaluateAll(
      (lis) => Object.fromEntries(lis.map((li) => [li.dataset.key, Number(li.dataset.count)])));
    assert.deepEqual(tallies, expected);
    const labels = await card(page).locator('[data-testid="tally"] > span').allTextContents();
    assert.deepEqual(labels, ['Isolation', 'Communication', 'Coordination', 'Collaboration', 'Integration']);
    // Anonymous: nobody named next to a ballot.
    assert.equal(await card(page).locator('[data-testid="ballot-entry"]').count(), 0);
  }
  await card(mem.page).evaluate((el) => el.scrollIntoView({ block: 'center' }));
  await mem.page.screenshot({ path: path.join(ARTIFACTS, 'stage-check-in-member.png') });
  assert.deepEqual([...fac.errors, ...mem.errors], []);
  await fac.context.close();
  await mem.context.close();
});
