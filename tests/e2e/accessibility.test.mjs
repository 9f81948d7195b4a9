// Accessibility (issue 9: WCAG 2.1 AA, checked with axe-core inside the Chromium run): each view
// of the client, in a meeting with items, a live vote, a running partner update and a raised
// hand, has no serious or critical axe violation. Every violation found is printed, whatever
// its impact.

import { test } from 'node:test';
import assert from 'node:assert/strict';

import { ROUNDTABLE_BIN, binaryExists, join, resume } from '../support/harness.mjs';
import { axeViolations as violations, facilitatorAndMember, openPage, stackForFile, waitForItemTitled } from './browser.mjs';

const skip = binaryExists() ? false : `roundtable binary not built (${ROUNDTABLE_BIN})`;
const stack = stackForFile(skip);
const GOAL = 'Every child in town ready for kindergarten';

test('landing, join form, facilitator console and phone member view: no serious or critical violation', { skip, timeout: 120000 }, async () => {
  const { server, browser } = stack;
  const landing = await openPage(browser, 'landing', { width: 1280, height: 800 });
  await landing.page.goto(`${server.baseUrl}/`);
  await landing.page.getByTestId('create-title').waitFor();
  assert.deepEqual(await violations(landing.page, 'landing'), []);

  const fac = await openPage(browser, 'facilitator', { width: 1280, height: 900 });
  const member = await openPage(browser, 'member-phone', { width: 360, height: 780 });
  const meeting = await facilitatorAndMember(server.baseUrl, fac.page, member.page,
    { goal: GOAL, facName: 'Sam Okafor', memName: 'Ana Ruiz' });
  const joiner = await openPage(browser, 'joiner', { width: 360, height: 780 });
  await joiner.page.goto(meeting.joinUrl);
  await joiner.page.getByTestId('join-name').waitFor();
  assert.deepEqual(await violations(joiner.page, 'join form'), []);

  // A meeting in full swing: items, a hand up, a live vote, a partner update on the clock.
  const lee = await join(server.wsUrl, { code: meeting.code, name: 'Lee Chen', attendance: 'room' });
  for (const title of ['Book fair flyer', 'Shared calendar']) {
    await lee.client.command({ type: 'add_item', title, notes: 'Who prints, who hands out' });
  }
  await lee.client.command({ type: 'raise_hand' });
  const token = await fac.page.evaluate((id) => localStorage.getItem(`rt.token.${id}`), meeting.meetingId);
  const sam = await resume(server.wsUrl, { token });
  const opened = await sam.client.command({ type: 'open_vote', method: 'consent', question: 'Adopt the calendar?', results: 'live', visibility: 'open' });
  assert.equal(opened.type, 'ack');
  const slot = await sam.client.command({ type: 'add_slot', organisation: 'Town Library', speaker: 'Kim', seconds: 120 });
  assert.equal((await sam.client.command({ type: 'start_slot', slotId: `u${slot.seq}` })).type, 'ack');
  for (const { page } of [fac, member]) {
    await waitForItemTitled(page, 'Shared calendar');
    await page.getByText('Adopt the calendar?').first().waitFor();
    await page.getByText('Town Library').first().waitFor();
  }
  assert.deepEqual(await violations(fac.page, 'facilitator console'), []);
  assert.deepEqual(await violations(member.page, 'member view (360 px)'), []);
  assert.deepEqual([...landing.errors, ...fac.errors, ...member.errors, ...joiner.errors], []);
});
