// End-to-end: live votes (PROTOCOL.md "Live votes") in two Chromium pages against the real
// server and a real Redis. A facilitator opens a blind consent vote on an action item, both
// people vote (one changes their mind), neither page shows a tally before the close, both show
// the exact counts after it, and accepting the outcome sets the item's status. Then an
// anonymous live fist-of-five vote, during which the member's page never names anyone next to
// a ballot, not after a reload either, and a show of hands recorded for a guest stays unnamed.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';

import { ROUNDTABLE_BIN, binaryExists, cleanup } from '../support/harness.mjs';
import {
  ARTIFACTS, facilitatorAndMember, openPage, startStack, waitForConnected, waitForItemField,
  waitForItemTitled,
} from './browser.mjs';

const skip = binaryExists() ? false : `roundtable binary not built (${ROUNDTABLE_BIN})`;

const GOAL = 'Every child in town ready for kindergarten';
const ITEM = 'Book fair flyer for the spring enrolment';
const QUESTION = 'How confident are we in the enrolment timeline?';
const FAC = 'Sam Okafor';
const MEM = 'Ana Ruiz';

let server;
let browser;
const people = {}; // fac, mem: {context, page, errors}
let itemId;

const voteCard = (page, voteId) => page.locator(`[data-testid="vote"][data-vote-id="${voteId}"]`);

// The counts a page shows for a vote, {key: count}, or null when it shows no tallies.
async function talliesOf(page, voteId) {
  return voteCard(page, voteId).evaluate((card) => {
    const list = card.querySelector('[data-testid="vote-tallies"]');
    if (!list) return null;
    return Object.fromEntries([...list.querySelectorAll('[data-testid="tally"]')]
      .map((li) => [li.dataset.key, Number(li.dataset.count)]));
  });
}

async function waitForTallies(page, voteId, expected) {
  await page.waitForFunction(([sel, want]) => {
    const list = document.querySelector(`${sel} [data-testid="vote-tallies"]`);
    if (!list) return false;
    const got = Object.fromEntries([...list.querySelectorAll('[data-testid="tally"]')]
      .map((li) => [li.dataset.key, Number(li.dataset.count)]));
    return JSON.stringify(got) === JSON.stringify(want);
  }, [`[data-testid="vote"][data-vote-id="${voteId}"]`, expected]);
}

const waitForProgress = (page, voteId, voted, eligible) => voteCard(page, voteId)
  .locator(`[data-testid="vote-progress"][data-voted="${voted}"][data-eligible="${eligible}"]`).waitFor();

// Makes `page` note every moment an anonymous vote's card shows a participant's name (or the
// guest's); window.namedInVotes collects what it saw.
function watchNames(page) {
  return page.evaluate((names) => {
    window.namedInVotes = [];
    const list = document.querySelector('[data-testid="vote-list"]');
    new MutationObserver(() => {
      for (const card of list.querySelectorAll('[data-testid="vote"]')) {
        if (!card.querySelector('[data-setting="anonymous"]')) continue;
        for (const n of names) if (card.textContent.includes(n)) window.namedInVotes.push(card.textContent);
      }
    }).observe(list, { subtree: true, childList: true, characterData: true, attributes: true });
  }, [MEM, FAC, 'Kim']);
}

// Opens the facilitator's form, sets it up with `fill(page)`, submits it, and returns the id of
// the vote that appears on top of the list.
async function openVote(page, fill) {
  const details = page.getByTestId('vote-open');
  if (!(await details.evaluate((d) => d.open))) await page.locator('[data-testid="vote-open"] > summary').click();
  const before = await page.locator('[data-testid="vote"]').count();
  await fill(page);
  await page.getByTestId('vote-open-submit').click();
  await page.waitForFunction((n) => document.querySelectorAll('[data-testid="vote"]').length > n, before);
  return page.locator('[data-testid="vote"]').first().getAttribute('data-vote-id');
}

before(async () => {
  if (skip) return;
  ({ server, browser } = await startStack());
  people.fac = await openPage(browser, 'facilitator', { width: 1280, height: 900 });
  people.mem = await openPage(browser, 'member', { width: 1024, height: 900 });
  const fac = people.fac.page;
  const mem = people.mem.page;
  await facilitatorAndMember(server.baseUrl, fac, mem, { goal: GOAL, facName: FAC, memName: MEM });
  await mem.getByTestId('item-add-title').fill(ITEM);
  await mem.getByTestId('item-add-submit').click();
  itemId = await waitForItemTitled(fac, ITEM);
  await waitForItemTitled(mem, ITEM);
});

after(async () => {
  if (browser) await browser.close();
  await cleanup();
});

test('a blind consent vote on an item: no tallies before the close, exact counts after', { skip }, async () => {
  const fac = people.fac.page;
  const mem = people.mem.page;
  // Members get no form to open a vote.
  assert.equal(await mem.getByTestId('vote-open').isVisible(), false);

  const voteId = await openVote(fac, async (page) => {
    await page.locator('#vote-method').selectOption('consent');
    await page.locator('#vote-item').selectOption(itemId);
    await page.locator('input[name="results"][value="hidden"]').check();
    await page.locator('#vote-quorum').fill('2');
  });
  assert.match(voteId, /^v\d+$/);

  for (const page of [fac, mem]) {
    const card = voteCard(page, voteId);
    await card.locator('[data-testid="vote-state"]', { hasText: 'Open' }).waitFor();
    assert.match(await card.getByTestId('vote-title').textContent(), new RegExp(ITEM));
    await card.locator('[data-setting="hidden"]').waitFor();
    await waitForProgress(page, voteId, 0, 2);
    // Both are still to vote, by name (an open vote).
    const waiting = await card.getByTestId('vote-waiting').textContent();
    assert.ok(waiting.includes(FAC) && waiting.includes(MEM), waiting);
  }

  // The member agrees, then changes their mind; the facilitator agrees.
  await voteCard(mem, voteId).getByTestId('ballot-agree').click();
  await voteCard(mem, voteId).getByTestId('your-ballot').filter({ hasText: 'Your ballot: Agree' }).waitFor();
  await voteCard(mem, voteId).getByTestId('ballot-disagree').click();
  await voteCard(fac, voteId).getByTestId('ballot-agree').click();
  await voteCard(mem, voteId).getByTestId('your-ballot').filter({ hasText: 'Your ballot: Disagree' }).waitFor();
  await voteCard(fac, voteId).getByTestId('your-ballot').filter({ hasText: 'Your ballot: Agree' }).waitFor();
  assert.equal(await voteCard(mem, voteId).getByTestId('ballot-disagree').getAttribute('aria-pressed'), 'true');
  assert.equal(await voteCard(mem, voteId).getByTestId('ballot-agree').getAttribute('aria-pressed'), 'false');

  for (const page of [fac, mem]) {
    await waitForProgress(page, voteId, 2, 2); // each person once, however often they changed
    await voteCard(page, voteId).getByTestId('vote-waiting').filter({ hasText: 'Everyone has voted.' }).waitFor();
    // Blind: no tallies, no ballots, only the note.
    assert.equal(await talliesOf(page, voteId), null);
    assert.equal(await voteCard(page, voteId).locator('[data-testid="tally"]').count(), 0);
    assert.equal(await voteCard(page, voteId).locator('[data-testid="ballot-entry"]').count(), 0);
    assert.equal(await voteCard(page, voteId).getByTestId('vote-results-hidden').isVisible(), true);
  }

  await voteCard(fac, voteId).getByTestId('vote-close').click();
  const expected = { agree: 1, disagree: 1, abstain: 0 };
  for (const page of [fac, mem]) {
    const card = voteCard(page, voteId);
    await page.locator(`[data-testid="vote"][data-vote-id="${voteId}"][data-state="closed"]`).waitFor();
    await waitForTallies(page, voteId, expected);
    assert.deepEqual(await talliesOf(page, voteId), expected);
    assert.equal(await card.getByTestId('vote-results-hidden').count(), 0);
    assert.equal(await card.getByTestId('vote-reason').textContent(), 'Closed by the facilitator. ');
    assert.equal(await card.getByTestId('vote-quorum').getAttribute('data-met'), 'true');
    // An open vote: who voted what, after the close.
    const entries = await card.locator('[data-testid="ballot-entry"]').allTextContents();
    assert.deepEqual(entries.sort(), [`${MEM}: Disagree`, `${FAC}: Agree`].sort());
    assert.equal(await card.getByTestId('vote-ballot').isVisible(), false, 'no ballots after the close');
  }

  for (const [page, file] of [[fac, 'e2e-votes-facilitator.png'], [mem, 'e2e-votes-member.png']]) {
    await voteCard(page, voteId).evaluate((el) => el.scrollIntoView({ block: 'center' }));
    await page.screenshot({ path: path.join(ARTIFACTS, file) });
  }

  // The facilitator accepts the outcome: the item takes the status on both pages.
  assert.equal(await voteCard(mem, voteId).getByTestId('vote-resolve').isVisible(), false);
  await voteCard(fac, voteId).getByTestId('vote-resolve-agreed').click();
  for (const page of [fac, mem]) {
    await waitForItemField(page, itemId, 'item-status', 'agreed');
    await voteCard(page, voteId).getByTestId('vote-resolved').waitFor();
  }
  assert.equal(await voteCard(fac, voteId).getByTestId('vote-resolve').isVisible(), false, 'resolved once');
  assert.deepEqual([...people.fac.errors, ...people.mem.errors], []);
});

test('an anonymous live fist-of-five: counts live, the member never named by a ballot', { skip }, async () => {
  const fac = people.fac.page;
  const mem = people.mem.page;

  // A refused setting shows a visible message (the server checks the range: 5-3600 s).
  await fac.locator('[data-testid="vote-open"] > summary').click();
  await fac.locator('#vote-question').fill(QUESTION);
  await fac.locator('#vote-method').selectOption('fist');
  await fac.locator('#vote-item').selectOption('');
  await fac.locator('#vote-time-limit').fill('2');
  await fac.getByTestId('vote-open-submit').click();
  const error = fac.getByTestId('vote-open-error');
  await error.filter({ hasText: 'Not done' }).waitFor();
  assert.equal(await error.getAttribute('data-code'), 'invalid_value');
  await fac.getByTestId('toast').filter({ hasText: 'Not done' }).waitFor();
  assert.equal(await fac.locator('[data-testid="vote"]').count(), 1, 'no vote opened');

  // From here the member's page watches every change of the votes for a name next to a ballot.
  await watchNames(mem);
  const voteId = await openVote(fac, async (page) => {
    await page.locator('#vote-time-limit').fill('600');
    await page.locator('input[name="visibility"][value="anonymous"]').check();
    await page.locator('input[name="results"][value="live"]').check();
  });
  assert.equal(await fac.getByTestId('vote-open-error').textContent(), '');

  for (const page of [fac, mem]) {
    const card = voteCard(page, voteId);
    await card.getByTestId('vote-title').filter({ hasText: QUESTION }).waitFor();
    await card.locator('[data-setting="anonymous"]').waitFor();
    // The deadline counts down in whole seconds, from the server's clock.
    const seconds = Number(await card.getByTestId('vote-countdown').getAttribute('data-seconds'));
    assert.ok(seconds > 580 && seconds <= 600, `countdown ${seconds}`);
    // Live results from the start, and nobody listed as not having voted (anonymous).
    await waitForTallies(page, voteId, { 0: 0, 1: 0, 2: 0, 3: 0, 4: 0, 5: 0 });
    assert.equal(await card.getByTestId('vote-waiting').isVisible(), false);
  }

  await voteCard(mem, voteId).getByTestId('ballot-fist-4').click();
  await voteCard(fac, voteId).getByTestId('ballot-fist-2').click();
  const live = { 0: 0, 1: 0, 2: 1, 3: 0, 4: 1, 5: 0 };
  for (const page of [fac, mem]) {
    await waitForTallies(page, voteId, live);
    await waitForProgress(page, voteId, 2, 2);
    assert.equal(await voteCard(page, voteId).locator('[data-testid="ballot-entry"]').count(), 0);
  }
  await voteCard(mem, voteId).getByTestId('your-ballot').filter({ hasText: 'Your ballot: 4 of 5' }).waitFor();
  assert.equal(await voteCard(mem, voteId).getByTestId('ballot-fist-4').getAttribute('aria-pressed'), 'true');

  // After a reload the snapshot still knows the member's own ballot, and still names no one.
  assert.deepEqual(await mem.evaluate(() => window.namedInVotes), []);
  await mem.reload();
  await waitForConnected(mem);
  await waitForTallies(mem, voteId, live);
  await voteCard(mem, voteId).getByTestId('your-ballot').filter({ hasText: 'Your ballot: 4 of 5' }).waitFor();
  assert.equal(await voteCard(mem, voteId).getByTestId('ballot-fist-4').getAttribute('aria-pressed'), 'true');
  const cardText = await voteCard(mem, voteId).textContent();
  assert.ok(!cardText.includes(MEM) && !cardText.includes(FAC), cardText);
  await watchNames(mem);

  // A show of hands for a guest without a device: counted, never named.
  const card = voteCard(fac, voteId);
  await card.getByTestId('vote-record').locator('summary').click();
  await card.getByTestId('record-who').selectOption('');
  await card.getByTestId('record-name').fill('Kim');
  await card.getByTestId('record-fist-5').click();
  const withGuest = { 0: 0, 1: 0, 2: 1, 3: 0, 4: 1, 5: 1 };
  for (const page of [fac, mem]) {
    await waitForTallies(page, voteId, withGuest);
    await waitForProgress(page, voteId, 3, 3);
  }

  await card.getByTestId('vote-close').click();
  for (const page of [fac, mem]) {
    await page.locator(`[data-testid="vote"][data-vote-id="${voteId}"][data-state="closed"]`).waitFor();
    assert.deepEqual(await talliesOf(page, voteId), withGuest);
    assert.equal(await voteCard(page, voteId).locator('[data-testid="ballot-entry"]').count(), 0);
    // A free question: nothing to resolve.
    assert.equal(await voteCard(page, voteId).getByTestId('vote-resolve').isVisible(), false);
  }
  for (const name of [MEM, FAC, 'Kim']) {
    assert.ok(!(await voteCard(mem, voteId).textContent()).includes(name), `${name} on the member's card`);
    assert.ok(!(await voteCard(fac, voteId).textContent()).includes(name), `${name} on the facilitator's card`);
  }
  assert.deepEqual(await mem.evaluate(() => window.namedInVotes), []);
  await voteCard(mem, voteId).evaluate((el) => el.scrollIntoView({ block: 'center' }));
  await mem.screenshot({ path: path.join(ARTIFACTS, 'e2e-votes-anonymous-member.png') });
  assert.deepEqual([...people.fac.errors, ...people.mem.errors], []);
});

test('a dot vote with a time limit: dots within the budget, closed by the server at the deadline', { skip }, async () => {
  const fac = people.fac.page;
  const mem = people.mem.page;
  const SECOND = 'Family survey in the library';
  await mem.getByTestId('item-add-title').fill(SECOND);
  await mem.getByTestId('item-add-submit').click();
  const secondId = await waitForItemTitled(fac, SECOND);

  const voteId = await openVote(fac, async (page) => {
    await page.locator('#vote-question').fill('Where do we start?');
    await page.locator('#vote-method').selectOption('dots');
    await page.locator(`input[name="dotItemIds"][value="${itemId}"]`).check();
    await page.locator(`input[name="dotItemIds"][value="${secondId}"]`).check();
    await page.locator('#vote-dot-budget').fill('3');
    await page.locator('#vote-dots-per-item').fill('2');
    await page.locator('#vote-time-limit').fill('8');
  });
  const dotsOf = (page, id) => voteCard(page, voteId).locator(`[data-testid="ballot-dots"][data-item-id="${id}"]`);

  // The member spreads all three dots; the page counts down what is left.
  await dotsOf(mem, itemId).fill('2');
  await dotsOf(mem, secondId).fill('1');
  await voteCard(mem, voteId).getByTestId('dots-left').filter({ hasText: '0 of 3 dots left' }).waitFor();
  await voteCard(mem, voteId).getByTestId('ballot-dots-submit').click();
  // The facilitator first puts 3 dots on one item: refused on the page, nothing sent.
  await dotsOf(fac, itemId).fill('3');
  await voteCard(fac, voteId).getByTestId('ballot-dots-submit').click();
  await voteCard(fac, voteId).getByTestId('vote-error').filter({ hasText: '0 to 2 dots' }).waitFor();
  await dotsOf(fac, itemId).fill('1');
  await dotsOf(fac, secondId).fill('1');
  await voteCard(fac, voteId).getByTestId('ballot-dots-submit').click();

  const expected = { [itemId]: 3, [secondId]: 2 };
  for (const page of [fac, mem]) await waitForTallies(page, voteId, expected);
  await voteCard(mem, voteId).getByTestId('your-ballot')
    .filter({ hasText: `Your ballot: ${ITEM}: 2, ${SECOND}: 1` }).waitFor();
  const seconds = Number(await voteCard(mem, voteId).getByTestId('vote-countdown').getAttribute('data-seconds'));
  assert.ok(seconds >= 0 && seconds <= 8, `countdown ${seconds}`);

  // Nobody closes it: the server does, at the deadline.
  for (const page of [fac, mem]) {
    const card = voteCard(page, voteId);
    await page.locator(`[data-testid="vote"][data-vote-id="${voteId}"][data-state="closed"]`).waitFor({ timeout: 20000 });
    assert.equal(await card.getByTestId('vote-reason').textContent(), 'Time is up. ');
    assert.deepEqual(await talliesOf(page, voteId), expected);
    assert.equal(await card.getByTestId('vote-ballot').isVisible(), false);
    assert.equal(await card.getByTestId('vote-countdown').isVisible(), false);
    // Several items: nothing to resolve.
    assert.equal(await card.getByTestId('vote-resolve').isVisible(), false);
  }
  assert.deepEqual([...people.fac.errors, ...people.mem.errors], []);
});
