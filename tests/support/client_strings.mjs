// The web client's English strings, read from its sources as web-client/i18n.js translates them:
// index.html's text and labels, the code's t('…') and tn(n, '…', '…'), and labelOf()'s ids.
// Also the English sentences in the code that skip t(), for the test that there are none.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { ITEM_STATUSES, PHASES } from '../../web-client/state.js';
import { CONSENT_CHOICES, STAGES } from '../../web-client/votes.js';
import { labelOf } from '../../web-client/dom.js';

export const WEB_CLIENT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'web-client');
export const readClient = (file) => fs.readFileSync(path.join(WEB_CLIENT, file), 'utf8');
const ROLES = ['facilitator', 'member', 'observer'];

const norm = (s) => s.replace(/\s+/g, ' ').trim();
const hasWords = (s) => /\p{Ll}{2}/u.test(s); // not HTML, CSV, ABCD-EFGH

// index.html: its text nodes and the attributes i18n.js translates (not <noscript>: without
// script there is no translation).
export function htmlStrings() {
  const html = readClient('index.html').replace(/<!--[\s\S]*?-->/g, '').replace(/<(script|style|noscript)[\s\S]*?<\/\1>/g, '');
  const texts = [...html.matchAll(/>([^<]+)</g)].map((m) => norm(m[1]));
  const attributes = [...html.matchAll(/\s(?:placeholder|aria-label|title|alt)="([^"]*)"/g)].map((m) => m[1]);
  return [...texts, ...attributes].filter(hasWords);
}

// The string literals of a module, with where each starts, skipping comments and regexes.
function literals(source) {
  const found = [];
  let i = 0;
  let last = ''; // the last significant character, to tell a regex from a division
  while (i < source.length) {
    const c = source[i];
    if (c === '/' && source[i + 1] === '/') i = source.indexOf('\n', i) === -1 ? source.length : source.indexOf('\n', i);
    else if (c === '/' && source[i + 1] === '*') i = source.indexOf('*/', i) + 2;
    else if (c === '/' && (last === '' || '(,=:[!&|?{};'.includes(last))) {
      let j = i + 1;
      for (let inClass = false; source[j] !== '/' || inClass; j += 1) {
        if (source[j] === '\\') j += 1;
        else if (source[j] === '[') inClass = true;
        else if (source[j] === ']') inClass = false;
      }
      i = j + 1;
      last = '/';
    } else if (c === '"' || c === "'" || c === '`') {
      let j = i + 1;
      let depth = 0; // inside ${ } of a template
      for (; source[j] !== c || depth > 0; j += 1) {
        if (source[j] === '\\') j += 1;
        else if (c === '`' && source[j] === '$' && source[j + 1] === '{') depth += 1;
        else if (depth > 0 && source[j] === '}') depth -= 1;
      }
      found.push({ start: i, quote: c, text: source.slice(i + 1, j) });
      i = j + 1;
      last = 'x';
    } else {
      if (!/\s/.test(c)) last = c;
      i += 1;
    }
  }
  return found;
}

const unescape = (text, quote) => (quote === '`' ? text : JSON.parse(`"${text.replace(/\\'/g, "'").replace(/"/g, '\\"')}"`));

// Each module's t('…') and tn(n, '…', '…') strings, and its English sentences outside them.
export function codeStrings() {
  const ids = [];
  const loose = [];
  // text_ot.js's messages are for programmers (a malformed op), never shown.
  for (const file of fs.readdirSync(WEB_CLIENT).filter((f) => f.endsWith('.js') && !['i18n.js', 'text_ot.js'].includes(f))) {
    const source = readClient(file);
    for (const { start, quote, text } of literals(source)) {
      const before = source.slice(Math.max(0, start - 200), start);
      const translated = /\bt\(\s*$/.test(before) || /\btn\([^()]*(?:\([^()]*\)[^()]*)*,\s*$/.test(before);
      assert.ok(quote !== '`' || !/\btn?\(/.test(text), `${file}: t() inside \`${text}\` is not seen here; call it outside`);
      if (translated) {
        assert.ok(!text.includes('${'), `${file}: t() takes a fixed string with {placeholders}, not \`${text}\``);
        ids.push(unescape(text, quote));
      } else if (!/class:\s*$/.test(before) && !forProgrammers(file, before) && !NOT_PROSE.has(text) && looksLikeProse(text)) {
        loose.push(`${file}: ${text}`);
      }
    }
  }
  return { ids, loose };
}

// English a person reads: two words (maybe around a ${}), or a capitalised word ('Delete',
// 'Follows: ${title}').
function looksLikeProse(literal) {
  const s = literal.replace(/\$\{(?:[^{}]|\{[^}]*\})*\}/g, ' § ').replace(/\s+/g, ' ').trim();
  return /\p{L}{2,} (?:§ )?\p{Ll}{2,}/u.test(s) || /^\p{Lu}\p{Ll}+[.…!?:]?(?: §)?$/u.test(s)
    || /^\(\p{Ll}{2,}\)$|^\p{Ll}{3,}:$/u.test(s); // '(you)', 'online: '
}
// The OT client's errors go to the console (a bug, then the text freezes), never to the screen.
const forProgrammers = (file, before) => ['text_client.js', 'text_sync.js'].includes(file) && /Error\(\s*$/.test(before);
// Strings for machines that look like words, and the room display's name (stored in the meeting,
// so the same for everyone).
const NOT_PROSE = new Set(['Bearer ${token}', 'https:', 'wss:', 'guest:', 'Room display']);

// labelOf(id) turns these ids into words on screen.
export const labelIds = () => [...ITEM_STATUSES, ...PHASES, ...CONSENT_CHOICES, ...STAGES, ...ROLES].map(labelOf);

// Every string the client can show, in English.
export const clientStrings = () => new Set([...htmlStrings(), ...codeStrings().ids, ...labelIds()]);
