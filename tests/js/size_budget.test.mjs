// The browser client's size budget: every file in web-client/ together stays under 150 KB
// uncompressed, so that a phone on a slow connection in a community hall gets the meeting fast.
// It reads the real files, so a file that grows past the budget fails here.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const WEB_CLIENT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'web-client');
// Issue 9 says "under 150 KB uncompressed in total": decimal kilobytes, read strictly, so
// 150,000 bytes (not 150 KiB = 153,600).
const BUDGET_BYTES = 150_000;

function sizes(dir) {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const file = path.join(dir, entry.name);
    return entry.isDirectory() ? sizes(file) : [[path.relative(WEB_CLIENT, file), fs.statSync(file).size]];
  });
}

test('the web client stays under its 150 KB budget', () => {
  const files = sizes(WEB_CLIENT);
  assert.ok(files.some(([name]) => name === 'index.html') && files.length > 10, 'the client files were found');
  const total = files.reduce((sum, [, size]) => sum + size, 0);
  const largest = files.sort((a, b) => b[1] - a[1]).slice(0, 5).map(([name, size]) => `${name} ${size}`).join(', ');
  assert.ok(total <= BUDGET_BYTES, `web-client/ is ${total} bytes, over the budget of ${BUDGET_BYTES} (largest: ${largest})`);
});
