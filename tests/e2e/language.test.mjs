// Translation (issue 9: strings in one place, English plus one more language): a browser set to
// Spanish gets the whole client in Spanish, from the landing page to a meeting in full swing,
// on the facilitator console and on a phone, with no English string left on screen; a browser
// set to English (or to a language the client does not have) gets English.

import { test } from 'node:test';
import assert from 'node:assert/strict';

import { ROUNDTABLE_BIN, binaryExists } from '../support/harness.mjs';
import { readClient } from '../support/client_strings.mjs';
import { ARTIFACTS, axeViolations, facilitatorAndMember, meetingInFullSwing, openPage, stackForFile } from './browser.mjs';
import { parseCatalog } from '../../web-client/i18n.js';

const skip = binaryExists() ? false : `roundtable binary not built (${ROUNDTABLE_BIN})`;
const stack = stackForFile(skip);
const GOAL = 'Todos los niños listos para el kínder';
const SPANISH = { locale: 'es-MX', timezoneId: 'America/Mexico_City' };
const spanish = parseCatalog(readClient('lang/es.tsv'));

// A visible text is accounted for when it, or each of its parts (split at " · " and ", ") is Spanish
// from the catalog, the meeting's own content, or has no letters; the edges' punctuation aside.
const core = (s) => s.replace(/^[\s:;(“«]+|[\s:;.)”»]+$/gu, '');
const escape = (s) => s.replace(/[.*+?^$()|[\]\\]/g, '\\$&');
const SPANISH_TEXT = [...spanish.values()].map((es) => new RegExp(`^${escape(core(es)).replace(/\{\w+\}/g, '.+')}$`, 'u'));
const known = (part, content) => {
  const c = core(part);
  return !/\p{L}/u.test(c) || content.includes(c) || SPANISH_TEXT.some((re) => re.test(c));
};
const accounted = (text, content) => known(text, content) || text.split(/\s*(?:·|, )\s*/).every((part) => known(part, content));

// Every visible text and label of the page that is neither Spanish nor `content`.
async function notSpanish(page, content) {
  const shown = await page.evaluate(() => {
    const out = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    while (walker.nextNode()) {
      const node = walker.currentNode;
      if (node.parentElement.checkVisibility() && node.data.trim()) out.push(node.data.replace(/\s+/g, ' ').trim());
    }
    for (const el of document.querySelectorAll('[placeholder], [aria-label], [title], [alt]')) {
      if (!el.checkVisibility()) continue;
      for (const name of ['placeholder', 'aria-label', 'title', 'alt']) if (el.hasAttribute(name)) out.push(el.getAttribute(name));
    }
    return out;
  });
  assert.ok(shown.length > 5, `the page shows text (${shown.join(' | ')})`);
  return shown.filter((text) => !accounted(text, content));
}

test('a Spanish browser gets the client in Spanish, with nothing left in English', { skip, timeout: 120000 }, async () => {
  const { server, browser } = stack;
  const served = await fetch(`${server.baseUrl}/lang/es.tsv`);
  assert.equal(served.headers.get('content-type'), 'text/tab-separated-values; charset=utf-8');
  assert.deepEqual(parseCatalog(await served.text()), spanish);
  const landing = await openPage(browser, 'landing-es', { width: 1280, height: 800 }, SPANISH);
  await landing.page.goto(`${server.baseUrl}/`);
  await landing.page.getByTestId('create-title').waitFor();
  assert.equal(await landing.page.getAttribute('html', 'lang'), 'es');
  assert.equal(await landing.page.getByRole('heading', { level: 2 }).first().textContent(), spanish.get('Create a meeting'));
  assert.deepEqual(await notSpanish(landing.page, ['Roundtable', 'ABCD-EFGH']), [], 'not Spanish on the landing page');
  // The client's own messages: a form error.
  await landing.page.getByTestId('create-submit').click();
  await landing.page.getByTestId('create-error').filter({ hasText: spanish.get('A meeting needs a title and a goal.') }).waitFor();

  const fac = await openPage(browser, 'facilitator-es', { width: 1280, height: 900 }, SPANISH);
  const member = await openPage(browser, 'member-es', { width: 360, height: 780 }, SPANISH);
  const meeting = await facilitatorAndMember(server.baseUrl, fac.page, member.page,
    { goal: GOAL, facName: 'Sofía Herrera', memName: 'Ana Ruiz' });

  // A meeting in full swing: items, a hand up, a live vote, a partner update on the clock.
  await meetingInFullSwing(server, meeting, fac.page, [fac.page, member.page], {
    items: ['Folleto de la feria'], notes: 'Quién imprime', question: '¿Adoptamos el calendario?', organisation: 'Biblioteca',
  });
  assert.equal(await fac.page.getByTestId('conn-status').textContent(), spanish.get('Connected'));
  // The current section's badge is drawn by CSS, out of reach of the text check below.
  const badge = await fac.page.locator('[data-testid="sections"] > [aria-current="step"] h2')
    .evaluate((h2) => getComputedStyle(h2, '::after').content);
  assert.equal(badge, JSON.stringify(spanish.get('Now')));
  // What the people and the test typed, and names that are the same in Spanish.
  const content = ['Roundtable', 'Readiness Council', GOAL, 'Sofía Herrera', 'Ana Ruiz', 'Lee Chen', 'School District',
    'Town Library', 'Folleto de la feria', 'Quién imprime', '¿Adoptamos el calendario?', 'Biblioteca', 'Kim', 'Markdown', 'HTML', 'CSV', 'JSON',
    meeting.code, meeting.joinUrl];
  assert.deepEqual(await notSpanish(fac.page, content), [], 'not Spanish on the facilitator console');
  assert.deepEqual(await notSpanish(member.page, content), [], 'not Spanish on the phone');
  // The join form and the room display, in Spanish too.
  const joiner = await openPage(browser, 'joiner-es', { width: 360, height: 780 }, SPANISH);
  await joiner.page.goto(meeting.joinUrl);
  await joiner.page.getByTestId('join-name').waitFor();
  assert.deepEqual(await notSpanish(joiner.page, content), [], 'not Spanish on the join form');
  const display = await openPage(browser, 'display-es', { width: 1920, height: 1080 }, SPANISH);
  await display.page.goto(`${meeting.joinUrl}&display=room`);
  await display.page.getByText('Biblioteca').first().waitFor();
  assert.deepEqual(await notSpanish(display.page, [...content, 'Room display']), [], 'not Spanish on the room display');
  assert.deepEqual(await axeViolations(fac.page, 'facilitator console (es)'), []);
  await fac.page.screenshot({ path: `${ARTIFACTS}/facilitator-es.png`, fullPage: true });
  await member.page.screenshot({ path: `${ARTIFACTS}/member-phone-es.png`, fullPage: true });
  assert.deepEqual([...landing.errors, ...fac.errors, ...member.errors, ...joiner.errors, ...display.errors], []);
});

test('a browser in English, or in a language the client does not have, gets English', { skip, timeout: 60000 }, async () => {
  const { server, browser } = stack;
  for (const locale of ['en-GB', 'de-DE']) {
    const { page, errors } = await openPage(browser, `landing-${locale}`, { width: 1280, height: 800 }, { locale });
    await page.goto(`${server.baseUrl}/`);
    await page.getByTestId('create-title').waitFor();
    assert.equal(await page.getAttribute('html', 'lang'), 'en');
    assert.equal(await page.getByRole('heading', { level: 2 }).first().textContent(), 'Create a meeting');
    assert.deepEqual(errors, []);
  }
});
