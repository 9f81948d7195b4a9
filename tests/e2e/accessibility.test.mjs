// Accessibility (issue 9: WCAG 2.1 AA, checked with axe-core inside the Chromium run): each view
// of the client, in a meeting with items, a live vote, a running partner update and a raised
// hand, has no serious or critical axe violation. Every violation found is printed, whatever
// its impact.

import { test } from 'node:test';
import assert from 'node:assert/strict';

import { ROUNDTABLE_BIN, binaryExists } from '../support/harness.mjs';
import { axeViolations as violations, facilitatorAndMember, meetingInFullSwing, openPage, stackForFile } from './browser.mjs';

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
  await meetingInFullSwing(server, meeting, fac.page, [fac.page, member.page], {
    items: ['Book fair flyer', 'Shared calendar'], notes: 'Who prints, who hands out', question: 'Adopt the calendar?', organisation: 'Town Library',
  });
  assert.deepEqual(await violations(fac.page, 'facilitator console'), []);
  assert.deepEqual(await violations(member.page, 'member view (360 px)'), []);
  assert.deepEqual([...landing.errors, ...fac.errors, ...member.errors, ...joiner.errors], []);
});
