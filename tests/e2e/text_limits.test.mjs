// A field's length limit counts characters as the server does (code points), not as the
// browser's maxlength does (UTF-16 units): a name of 60 emoji fits, as 60 letters do, and the
// 61st character of either is refused, typed, typed over a selection, or pasted. Before, an
// emoji counted twice and 30 filled the field.

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

  // Replacing a selection and pasting: what stays plus what fits, whatever the emoji.
  await name.focus();
  await page.keyboard.press('Control+A');
  assert.equal(codePoints(await typeInto(name, 'b'.repeat(100), 1)), NAME_LIMIT, 'text typed over 60 emoji');
  await name.fill('');
  const mixed = await typeInto(name, `${'c'.repeat(NAME_LIMIT - 10)}${'🙂'.repeat(20)}`, 1);
  assert.equal(mixed, `${'c'.repeat(NAME_LIMIT - 10)}${'🙂'.repeat(10)}`, 'a long insert is cut at 60 characters');
  await page.context().grantPermissions(['clipboard-read', 'clipboard-write']);
  await page.evaluate((text) => navigator.clipboard.writeText(text), '🙂'.repeat(NAME_LIMIT + 5));
  await name.fill('');
  await name.focus();
  await page.keyboard.press('Control+V');
  assert.equal(await name.inputValue(), '🙂'.repeat(NAME_LIMIT), 'a paste from the clipboard too');
  await name.fill('');
  await typeInto(name, '🙂', NAME_LIMIT);

  await page.getByTestId('join-submit').click();
  await waitForConnected(page);
  await page.getByTestId('profile-name').waitFor();
  assert.equal(await page.getByTestId('profile-name').inputValue(), emoji, 'the server took the whole name');
  assert.deepEqual(errors, []);
});
