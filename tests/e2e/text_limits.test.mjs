// A field's length limit counts characters as the server does (code points), not as the
// browser's maxlength does (UTF-16 units): a name of 60 emoji fits, as 60 letters do, and the
// 61st character of either is refused. Before, an emoji counted twice and 30 filled the field.

import { test } from 'node:test';
import assert from 'node:assert/strict';

import { ROUNDTABLE_BIN, binaryExists, createMeeting } from '../support/harness.mjs';
import { openPage, stackForFile, waitForConnected } from './browser.mjs';

const skip = binaryExists() ? false : `roundtable binary not built (${ROUNDTABLE_BIN})`;
const stack = stackForFile(skip);
const NAME_LIMIT = 60; // server/core/limits.hpp kName, maxlength in index.html

const codePoints = (s) => [...s].length;

async function typeInto(field, text, times) {
  await field.focus();
  for (let i = 0; i < times; i += 1) await field.page().keyboard.insertText(text);
  return field.inputValue();
}

test('a name of 60 emoji fits and joins; the 61st character is refused', { skip, timeout: 60000 }, async () => {
  const { server, browser } = stack;
  const meeting = await createMeeting(server.baseUrl);
  const { page, errors } = await openPage(browser, 'member', { width: 360, height: 780 });
  await page.goto(`${server.baseUrl}/?join=${meeting.joinCode}`);
  const name = page.getByTestId('join-name');

  assert.equal(codePoints(await typeInto(name, 'a', NAME_LIMIT + 1)), NAME_LIMIT, 'letters stop at the limit');
  await name.fill('');
  const emoji = await typeInto(name, '🙂', NAME_LIMIT + 1);
  assert.equal(codePoints(emoji), NAME_LIMIT, `emoji stop at the limit, not at half (${emoji.length} UTF-16 units)`);
  assert.equal(codePoints(await typeInto(name, 'a', 1)), NAME_LIMIT, 'and a letter after them too');

  await page.getByTestId('join-submit').click();
  await waitForConnected(page);
  await page.getByTestId('profile-name').waitFor();
  assert.equal(await page.getByTestId('profile-name').inputValue(), emoji, 'the server took the whole name');
  assert.deepEqual(errors, []);
});
