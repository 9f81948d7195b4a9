// End-to-end: the facilitator replaces the join code (PROTOCOL.md "rotate_join_code") in
// Chromium pages against the real server and a real Redis. Only the facilitator gets the
// "New join code" button; it asks first. Every screen then shows the new code and link, the
// old link refuses newcomers, the new one lets them in, and everyone already in stays.

import { test } from 'node:test';
import assert from 'node:assert/strict';

import { ROUNDTABLE_BIN, binaryExists, sleep } from '../support/harness.mjs';
import { facilitatorAndMember, joinForm, openPage, stackForFile, waitForConnected, waitForParticipant } from './browser.mjs';

const skip = binaryExists() ? false : `roundtable binary not built (${ROUNDTABLE_BIN})`;

const GOAL = 'Every child in town ready for kindergarten';
const ASK = 'Replace the join code? The old code and link stop working for new people; everyone here stays.';

const stack = stackForFile(skip);

const shownCode = async (page) => (await page.getByTestId('meeting-join-code').textContent()).trim();

test('the facilitator replaces the join code: the old link stops working, the new one joins', { skip }, async () => {
  const fac = await openPage(stack.browser, 'facilitator', { width: 1280, height: 800 });
  const mem = await openPage(stack.browser, 'member', { width: 390, height: 740 });
  const { code, joinUrl, meetingId } = await facilitatorAndMember(stack.server.baseUrl, fac.page, mem.page, { goal: GOAL, facName: 'Sam Okafor', memName: 'Ana Ruiz' });
  assert.equal(await shownCode(fac.page), code);
  assert.equal(await shownCode(mem.page), code);

  // Members have no button; the facilitator's asks first, and cancelling changes nothing.
  assert.equal(await mem.page.getByTestId('rotate-join-code').isVisible(), false);
  const rotate = fac.page.getByTestId('rotate-join-code');
  assert.equal(await rotate.isVisible(), true);
  let asked = null;
  fac.page.once('dialog', (d) => { asked = d.message(); d.dismiss(); });
  await rotate.click();
  await sleep(500);
  assert.equal(asked, ASK);
  assert.equal(await shownCode(fac.page), code);

  fac.page.once('dialog', (d) => d.accept());
  await rotate.click();
  await fac.page.waitForFunction((old) => {
    const shown = document.querySelector('[data-testid="meeting-join-code"]').textContent.trim();
    return shown && shown !== old;
  }, code);
  const newCode = await shownCode(fac.page);
  await mem.page.getByTestId('meeting-join-code').filter({ hasText: newCode }).waitFor();
  const newUrl = await fac.page.getByTestId('meeting-join-url').inputValue();
  assert.notEqual(newUrl, joinUrl);
  assert.ok(newUrl.includes(encodeURIComponent(newCode)) || newUrl.includes(newCode), newUrl);
  assert.equal(await mem.page.getByTestId('meeting-join-url').inputValue(), newUrl);
  // What these browsers keep for a later re-join is the new code.
  for (const { page } of [fac, mem]) {
    assert.equal(await page.evaluate((id) => localStorage.getItem(`rt.code.${id}`), meetingId), newCode);
  }

  // A newcomer with the old link is refused, and told so.
  const late = await openPage(stack.browser, 'newcomer', { width: 390, height: 740 });
  await late.page.goto(joinUrl);
  await late.page.getByTestId('join-name').fill('Lee Park');
  await late.page.getByTestId('join-attendance-remote').check();
  await late.page.getByTestId('join-submit').click();
  await late.page.getByTestId('join-error').filter({ hasText: 'may have been replaced' }).waitFor();
  assert.equal(await late.page.locator('#screen-meeting').isVisible(), false);

  // With the new link they get in; the two already in stayed.
  await late.page.goto(newUrl);
  await joinForm(late.page, { name: 'Lee Park', attendance: 'remote', organisation: '' }, GOAL);
  assert.equal(await shownCode(late.page), newCode);
  assert.equal(await late.page.getByTestId('rotate-join-code').isVisible(), false);
  await waitForParticipant(fac.page, 'Lee Park', { online: 'true' });
  await waitForParticipant(mem.page, 'Lee Park', { online: 'true' });
  await waitForConnected(mem.page);
  await fac.page.locator('[data-testid="participant-count"]', { hasText: '3 of 3 online' }).waitFor();

  assert.deepEqual([...fac.errors, ...mem.errors, ...late.errors], []);
});
