// The web client's strings are ready for translation (web-client/i18n.js): every string it can
// show is found in its sources, every language file translates exactly those strings with the
// same {placeholders}, and no English sentence in the code skips t()/tn(). It reads the real
// files, so a string added without its translation, or without t(), fails here.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';

import { LANGUAGES as SPOKEN, parseCatalog } from '../../web-client/i18n.js';
import { clientStrings, codeStrings, htmlStrings, labelIds, readClient, WEB_CLIENT } from '../support/client_strings.mjs';

const LANGUAGES = fs.readdirSync(path.join(WEB_CLIENT, 'lang')).map((f) => f.replace(/\.tsv$/, ''));

const placeholders = (s) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort().join(',');

test('no English sentence in the client code skips t()', () => {
  const { loose } = codeStrings();
  assert.deepEqual(loose, [], 'wrap these in t() (or tn() for a count)');
});

test('the strings are found: the page, the code and the labels', () => {
  const html = htmlStrings();
  const { ids } = codeStrings();
  assert.ok(html.includes('Create a meeting') && html.includes('Where are you joining from?'), html.slice(0, 5).join(' | '));
  assert.ok(ids.length > 150, `${ids.length} strings in t() and tn()`);
  assert.ok(labelIds().includes('In progress'));
});

test('i18n.js offers exactly the languages that have a file in lang/', () => {
  assert.deepEqual([...SPOKEN].sort(), ['en', ...LANGUAGES].sort());
});

for (const lang of LANGUAGES) {
  test(`lang/${lang}.tsv translates every string the client shows, and nothing else`, () => {
    const text = readClient(`lang/${lang}.tsv`);
    assert.ok(!text.includes('\r'), 'line ends are \\n (the client reads \\r\\n too; the repository keeps one form)');
    const lines = text.split('\n');
    assert.equal(lines.pop(), '', 'the file ends with a newline');
    const bad = lines.filter((line) => line.split('\t').length !== 2);
    assert.deepEqual(bad, [], 'a line per string: the English, a tab, the translation');
    const catalog = parseCatalog(text);
    assert.equal(catalog.size, lines.length, 'no English line twice');
    const wanted = clientStrings();
    const missing = [...wanted].filter((id) => !catalog.has(id));
    const stale = [...catalog.keys()].filter((id) => !wanted.has(id));
    assert.deepEqual(missing, [], `missing from lang/${lang}.tsv`);
    assert.deepEqual(stale, [], `in lang/${lang}.tsv but no longer in the client`);
    for (const [english, text] of catalog) {
      const what = JSON.stringify(english);
      assert.equal(placeholders(text), placeholders(english), `the placeholders of ${what}`);
      assert.ok(text.trim(), `an empty translation of ${what}`);
      // ' (you)' is put after a name: its space must stay.
      assert.equal(/^\s/.test(text), /^\s/.test(english), `a space before ${what} kept or not added`);
      assert.equal(/\s$/.test(text), /\s$/.test(english), `a space after ${what} kept or not added`);
    }
  });
}
