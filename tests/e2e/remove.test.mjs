// End-to-end: the facilitator removes a member (PROTOCOL.md "remove_participant") in two
// Chromium pages against the real server and a real Redis. Only the facilitator gets a
// "Remove" button, and only on the rows of others who are not facilitators; it asks first.
// The removed member's page says so and stops: no reconnect, no new welcome, not after a
// reload either, and the facilitator's list no longer shows them.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';

import { ROUNDTABLE_BIN, binaryExists, sleep } from '../support/harness.mjs';
import { ARTIFACTS, facilitatorAndMember, openPage, stackForFile } from './browser.mjs';

const skip = binaryExists() ? false : `roundtable binary not built (${ROUNDTABLE_BIN})`;

const GOAL = 'Every child in town ready for kindergarten';
const FAC = 'Sam Okafor';
const MEM = 'Ana Ruiz';
const REMOVED = 'The facilitator removed you from this meeting.';

const stack = stackForFile(skip);

// Counts the WebSockets `page` opens and the welcomes it receives (alone or in a batch).
function watchSockets(page) {
  const seen = { sockets: 0, welcomes: 0 };
  page.on('websocket', (ws) => {
    seen.sockets += 1;
    ws.on('framereceived', ({ payload }) => {
      const msg = typeof payload === 'string' ? JSON.parse(payload) : null;
      for (const m of msg?.type === 'batch' ? msg.messages : [msg]) if (m?.type === 'welcome') seen.welcomes += 1;
    });
  });
  return seen;
}

const row = (page, name) => page.locator('[data-testid="participant"]', { hasText: name });

test('the facilitator removes a member, who is shown out and stays out', { skip }, async () => {
  const fac = await openPage(stack.browser, 'facilitator', { width: 1280, height: 800 });
  const mem = await openPage(stack.browser, 'member', { width: 390, height: 740 });
  const memSeen = watchSockets(mem.page);
  const { meetingId } = await facilitatorAndMember(stack.server.baseUrl, fac.page, mem.page, { goal: GOAL, facName: FAC, memName: MEM });
  await row(mem.page, FAC).waitFor();
  const memberId = await mem.page.locator('[data-testid="participant"][data-you="true"]').getAttribute('data-participant-id');

  // Members see no remove buttons; the facilitator sees one, on the member's row only.
  assert.equal(await mem.page.getByTestId('participant-remove').count(), 0);
  assert.equal(await row(fac.page, FAC).getByTestId('participant-remove').count(), 0, 'not on the facilitator');
  const remove = row(fac.page, MEM).getByTestId('participant-remove');
  assert.equal(await remove.isVisible(), true);
  await fac.page.locator('[data-testid="participant-count"]', { hasText: '2 of 2 online' }).waitFor();

  // Cancelling the confirmation removes no one.
  let asked = null;
  fac.page.once('dialog', (d) => { asked = d.message(); d.dismiss(); });
  await remove.click();
  await sleep(500);
  assert.equal(asked, `Remove ${MEM} from the meeting?`);
  assert.equal(await row(fac.page, MEM).count(), 1);
  assert.equal(await mem.page.locator('[data-testid="conn-status"][data-state="connected"]').count(), 1);

  fac.page.once('dialog', (d) => d.accept());
  await remove.click();

  // The member's page says so, on the landing page, and has stopped.
  await mem.page.getByTestId('landing-notice').filter({ hasText: REMOVED }).waitFor();
  assert.equal(await mem.page.locator('#screen-meeting').isVisible(), false);
  await mem.page.locator('[data-testid="conn-status"][data-state="stopped"]').waitFor({ state: 'attached' });
  await mem.page.screenshot({ path: path.join(ARTIFACTS, 'e2e-removed.png') });

  // The facilitator's list no longer shows them, nor counts them.
  await row(fac.page, MEM).waitFor({ state: 'detached' });
  await fac.page.locator('[data-testid="participant-count"]', { hasText: '1 of 1 online' }).waitFor();

  // No reconnecting: a few seconds on, no new socket and no new welcome.
  const { sockets, welcomes } = memSeen;
  await sleep(4000);
  assert.deepEqual({ ...memSeen }, { sockets, welcomes }, 'the removed page stays disconnected');
  assert.equal(await mem.page.getByTestId('landing-notice').textContent(), REMOVED);

  // A reload does not bring them back as the same participant: the resume is refused.
  await mem.page.reload();
  await mem.page.getByTestId('landing-notice').filter({ hasText: REMOVED }).waitFor();
  await sleep(1000);
  assert.ok(memSeen.sockets > sockets, 'the reload tried to resume');
  assert.equal(memSeen.welcomes, welcomes, 'no welcome after the reload');
  assert.equal(await mem.page.locator('#screen-meeting').isVisible(), false);
  assert.equal(new URL(mem.page.url()).searchParams.get('meeting'), meetingId);
  assert.equal(await row(fac.page, MEM).count(), 0);
  assert.equal(await fac.page.locator(`[data-participant-id="${memberId}"]`).count(), 0);

  assert.deepEqual([...fac.errors, ...mem.errors], []);
});
