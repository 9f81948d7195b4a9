// End-to-end: co-editing an action item's notes character by character (PROTOCOL.md
// "Collaborative text", "Who is editing") in two Chromium pages against the real server and a
// real Redis. The facilitator (A) and a member (B) type into the same textarea at the same
// time and must end with the same text, holding every word of both once, as the server has
// it; each sees who else is in a text; typed text survives a reload; typing the server has not
// confirmed makes leaving the page ask first.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';

import {
  ROUNDTABLE_BIN, binaryExists, cleanup, join, startServer, waitFor,
} from '../support/harness.mjs';
import {
  ARTIFACTS, UI_TIMEOUT_MS, createMeetingInUi, item, itemSelector, joinForm,
  openPage, waitForConnected, waitForItemTitled, waitForParticipant,
  startStack,
} from './browser.mjs';
import { participantHue } from '../../web-client/editing_markers.js';

const skip = binaryExists() ? false : `roundtable binary not built (${ROUNDTABLE_BIN})`;

const GOAL = 'Every child in town ready for kindergarten';
const ITEM = 'Book fair flyer';
// Per-key delay of the typing: fast enough that both people's ops are in flight at once.
const KEY_DELAY_MS = 25;

let redis;
let server;
let serverArgs; // a fixed port, so a restarted server is where the pages reconnect to
let browser;
let meeting; // {code, joinUrl, meetingId, itemId}
const people = {}; // a (facilitator), b (member): {context, page, errors, id}
const allErrors = () => Object.values(people).flatMap((p) => p.errors);

const notesSelector = (itemId) => `${itemSelector(itemId)} [data-testid="item-notes"]`;
const notes = (page) => item(page, meeting.itemId).getByTestId('item-notes');
const markerOf = (page, field, participantId) => item(page, meeting.itemId)
  .locator(`[data-testid="${field}-editors"] [data-testid="editing-marker"][data-participant-id="${participantId}"]`);

// Puts the caret of `page` in the notes at `at` (a UTF-16 offset; 'end' for the end).
async function placeCaret(page, at) {
  await notes(page).evaluate((el, pos) => {
    el.focus();
    const p = pos === 'end' ? el.value.length : pos;
    el.setSelectionRange(p, p);
  }, at);
}

// Types `words` one after another with a short pause between them, as a person would.
async function typeWords(page, words) {
  for (const word of words) {
    await page.keyboard.type(word, { delay: KEY_DELAY_MS });
    await page.waitForTimeout(KEY_DELAY_MS * 2); // pacing of the typing, not a wait for a result
  }
}

// Waits until every page shows the same notes with nothing of its own unsaved, and `done`
// holds for that text; returns it.
async function converged(pages, done, what) {
  let last = [];
  try {
    return await waitFor(async () => {
      last = await Promise.all(pages.map((p) => p.evaluate((sel) => {
        const el = document.querySelector(sel);
        return el && !el.dataset.pending ? el.value : null;
      }, notesSelector(meeting.itemId))));
      const [first] = last;
      return first !== null && last.every((v) => v === first) && done(first) ? first : null;
    }, { timeoutMs: UI_TIMEOUT_MS, intervalMs: 50, what });
  } catch (err) {
    err.message += `; pages show ${JSON.stringify(last)}`;
    throw err;
  }
}

const count = (text, word) => text.split(/\s+/).filter((w) => w === word).length;

// How often the author changes along the text_edited events of the notes that a client saw:
// proof that the two people's ops reached the server interleaved, not one after the other.
function authorSwitches(client, fromSeq) {
  const authors = client.events
    .filter((e) => e.seq > fromSeq && e.kind === 'text_edited' && e.data.itemId === meeting.itemId)
    .map((e) => e.actor);
  return authors.filter((actor, i) => i > 0 && actor !== authors[i - 1]).length;
}

// What the server holds: the notes in the snapshot of a fresh connection.
async function serverNotes() {
  const { client, welcome } = await join(server.wsUrl, { code: meeting.code, name: 'Checker', role: 'observer' });
  await client.close();
  return welcome.meeting.items.find((i) => i.id === meeting.itemId).notes;
}

before(async () => {
  if (skip) return;
  ({ redis, serverArgs, server, browser } = await startStack());

  people.a = await openPage(browser, 'facilitator', { width: 1280, height: 800 });
  people.b = await openPage(browser, 'member', { width: 1024, height: 800 });
  const a = people.a.page;
  const b = people.b.page;
  meeting = await createMeetingInUi(a, server.baseUrl, { title: 'Readiness Council', goal: GOAL });
  await joinForm(a, { name: 'Sam Okafor', attendance: 'room', organisation: 'School District' }, GOAL);
  await b.goto(meeting.joinUrl);
  await joinForm(b, { name: 'Ana Ruiz', attendance: 'remote', organisation: 'Town Library' }, GOAL);
  await waitForParticipant(a, 'Ana Ruiz', { online: 'true' });
  for (const p of [people.a, people.b]) {
    p.id = await p.page.locator('[data-testid="participant"][data-you="true"]').getAttribute('data-participant-id');
  }

  await b.getByTestId('item-add-title').fill(ITEM);
  await b.getByTestId('item-add-submit').click();
  meeting.itemId = await waitForItemTitled(a, ITEM);
  await waitForItemTitled(b, ITEM);
});

after(async () => {
  if (browser) await browser.close();
  await cleanup();
});

test('a marker with the name shows who else is in the notes, also after a reload', { skip }, async () => {
  const a = people.a.page;
  const b = people.b.page;
  await notes(b).focus();
  const marker = markerOf(a, 'notes', people.b.id);
  await marker.waitFor();
  assert.match(await marker.textContent(), /Ana Ruiz/);
  // The colour comes from the participant id, the same on every screen.
  assert.equal(await marker.evaluate((el) => el.style.getPropertyValue('--marker-hue')),
    String(participantHue(people.b.id)));
  assert.equal(await markerOf(a, 'title', people.b.id).count(), 0, 'B is in the notes, not the title');
  assert.equal(await markerOf(b, 'notes', people.b.id).count(), 0, 'no marker for yourself');

  // A page that comes in later learns it from the welcome snapshot.
  await a.reload();
  await waitForConnected(a);
  await markerOf(a, 'notes', people.b.id).waitFor();

  // B moves to the title, then leaves it.
  await item(b, meeting.itemId).getByTestId('item-title').focus();
  await markerOf(a, 'title', people.b.id).waitFor();
  await markerOf(a, 'notes', people.b.id).waitFor({ state: 'detached' });
  await item(b, meeting.itemId).getByTestId('item-title').blur();
  await markerOf(a, 'title', people.b.id).waitFor({ state: 'detached' });

  // Someone whose page closes while in a text: their marker goes with their presence.
  const c = await openPage(browser, 'member-2', { width: 800, height: 700 });
  await c.page.goto(meeting.joinUrl);
  await joinForm(c.page, { name: 'Kim Lee', attendance: 'remote', organisation: 'Museum' }, GOAL);
  const cId = await c.page.locator('[data-testid="participant"][data-you="true"]').getAttribute('data-participant-id');
  await notes(c.page).focus();
  await markerOf(a, 'notes', cId).waitFor();
  await markerOf(b, 'notes', cId).waitFor();
  await c.context.close();
  await markerOf(a, 'notes', cId).waitFor({ state: 'detached' });
  await markerOf(b, 'notes', cId).waitFor({ state: 'detached' });
  assert.deepEqual([...allErrors(), ...c.errors], []);
});

test('two people typing in the same notes at the same time end with the same text', { skip }, async () => {
  const a = people.a.page;
  const b = people.b.page;
  const { client: watcher, welcome } = await join(server.wsUrl, { code: meeting.code, name: 'Watcher', role: 'observer' });

  // The start: a line both can see.
  await placeCaret(a, 'end');
  await a.keyboard.type('first second', { delay: KEY_DELAY_MS });
  await converged([a, b], (t) => t === 'first second', 'the first line on both pages');

  // Carets at different places: A after "first ", B at the end.
  await placeCaret(a, 'first '.length);
  await placeCaret(b, 'end');
  const wordsA = ['alpha ', 'beta ', 'gamma '];
  const wordsB = [' ONE', ' TWO', ' THREE'];
  await Promise.all([typeWords(a, wordsA), typeWords(b, wordsB)]);
  let text = await converged([a, b], (t) => t.includes('gamma') && t.includes('THREE'), 'round 1 to converge');
  for (const w of ['first', 'second', 'alpha', 'beta', 'gamma', 'ONE', 'TWO', 'THREE']) {
    assert.equal(count(text, w), 1, `"${w}" once in ${JSON.stringify(text)}`);
  }
  assert.equal(text, 'first alpha beta gamma second ONE TWO THREE');
  assert.equal(await serverNotes(), text, 'the server has what both pages show');
  const round2From = watcher.lastSeq;
  assert.ok(authorSwitches(watcher, welcome.version) >= 3, 'round 1: the ops of both interleaved');

  // Carets at the same place, the end. A starts; B starts as soon as A's first letter shows
  // on B's page (a first keystroke of both at the same instant would put one letter of one
  // person in the other's word: committed text goes first at a tie) and then both type at
  // once. Text others type at your caret goes after it, so neither splits the other's words.
  await placeCaret(a, 'end');
  await placeCaret(b, 'end');
  const before = text;
  const typingA = typeWords(a, [' red', ' green', ' blue', ' violet']);
  await b.waitForFunction(([sel, t]) => document.querySelector(sel).value !== t,
    [notesSelector(meeting.itemId), before], { timeout: UI_TIMEOUT_MS });
  await Promise.all([typingA, typeWords(b, [' SUN', ' MOON', ' STAR'])]);
  text = await converged([a, b], (t) => t.includes('violet') && t.includes('STAR'), 'round 2 to converge');
  for (const w of ['red', 'green', 'blue', 'violet', 'SUN', 'MOON', 'STAR', 'alpha', 'ONE']) {
    assert.equal(count(text, w), 1, `"${w}" once in ${JSON.stringify(text)}`);
  }
  assert.ok(text.startsWith(before), `the first round's text is kept: ${JSON.stringify(text)}`);
  assert.ok(text.includes(' red green blue violet'), `A's words together: ${JSON.stringify(text)}`);
  assert.ok(text.includes(' SUN MOON STAR'), `B's words together: ${JSON.stringify(text)}`);
  assert.equal(await serverNotes(), text, 'the server has what both pages show');
  assert.ok(authorSwitches(watcher, round2From) >= 3, 'round 2: the ops of both interleaved');
  await watcher.close();

  // While B is in the notes, A sees the marker and the coloured border: the screenshot.
  await notes(a).blur();
  await placeCaret(b, 'end');
  await markerOf(a, 'notes', people.b.id).waitFor();
  await item(a, meeting.itemId).evaluate((el) => el.scrollIntoView({ block: 'center' }));
  await a.screenshot({ path: path.join(ARTIFACTS, 'e2e-coedit.png') });
  assert.deepEqual(allErrors(), []);
});

test('the facilitator rewords the goal and the member sees it as it is typed', { skip }, async () => {
  const a = people.a.page;
  const b = people.b.page;
  const goalEditor = a.getByTestId('edit-goal');
  await goalEditor.evaluate((el) => {
    el.focus();
    el.setSelectionRange(el.value.length, el.value.length);
  });
  await b.locator(`[data-testid="goal-editors"] [data-participant-id="${people.a.id}"]`).waitFor();
  await a.keyboard.type(' and school', { delay: KEY_DELAY_MS });
  await b.getByTestId('goal-banner').filter({ hasText: `${GOAL} and school` }).waitFor();
  await goalEditor.blur();
  await b.locator(`[data-testid="goal-editors"] [data-participant-id="${people.a.id}"]`)
    .waitFor({ state: 'detached' });
  assert.deepEqual(allErrors(), []);
});

test('a composition (IME) is not cut short by another\'s typing, and both texts land', { skip }, async () => {
  const a = people.a.page;
  const b = people.b.page;
  const before = await notes(a).inputValue();
  await placeCaret(a, 'end');
  await notes(a).evaluate((el) => {
    window.compositionEnds = 0;
    el.addEventListener('compositionend', () => { window.compositionEnds += 1; });
  });
  // A composes Japanese through Chromium's IME input (DevTools protocol): の, のほ, ...
  const cdp = await a.context().newCDPSession(a);
  await cdp.send('Input.imeSetComposition', { text: 'にほ', selectionStart: 2, selectionEnd: 2 });
  // Meanwhile B types at the start of the same notes, and it is committed.
  await placeCaret(b, 0);
  await b.keyboard.type('REMOTE ', { delay: KEY_DELAY_MS });
  await b.locator(`${notesSelector(meeting.itemId)}:not([data-pending])`).waitFor(); // committed
  assert.ok((await notes(b).inputValue()).startsWith('REMOTE '));
  await a.waitForTimeout(1000); // time for B's ops to reach A's page, which must not show them yet
  assert.equal(await notes(a).inputValue(), `${before}にほ`, 'the field under the composition was left alone');
  assert.equal(await a.evaluate(() => window.compositionEnds), 0, 'the composition is still going');
  await cdp.send('Input.imeSetComposition', { text: 'にほん', selectionStart: 3, selectionEnd: 3 });
  // Its edit is confirmed (the field's status is redrawn) before the user picks the conversion.
  await a.locator(`${notesSelector(meeting.itemId)}:not([data-pending])`).waitFor();
  await cdp.send('Input.insertText', { text: '日本' }); // the user picks the conversion
  const expected = `REMOTE ${before}日本`;
  await converged([a, b], (t) => t === expected, 'both texts on both pages');
  assert.equal(await a.evaluate(() => window.compositionEnds), 1);
  assert.equal(await serverNotes(), expected);
  await cdp.detach();
  assert.deepEqual(allErrors(), []);
});

test('typed notes are there after a reload', { skip }, async () => {
  const a = people.a.page;
  const b = people.b.page;
  const before = await notes(b).inputValue();
  await placeCaret(b, 'end');
  await b.keyboard.type(' (kept)', { delay: KEY_DELAY_MS });
  const expected = `${before} (kept)`;
  // Saved: the page has no edit of its own left that the server has not confirmed.
  await b.locator(`${notesSelector(meeting.itemId)}:not([data-pending])`).waitFor();
  assert.equal(await notes(b).inputValue(), expected);

  await b.reload();
  await waitForConnected(b);
  await b.waitForFunction(([sel, t]) => document.querySelector(sel)?.value === t,
    [notesSelector(meeting.itemId), expected], { timeout: UI_TIMEOUT_MS });
  await converged([a, b], (t) => t === expected, 'both pages to show the kept notes');
  assert.equal(await serverNotes(), expected);
  assert.deepEqual(allErrors(), []);
});

test('notes typed while the server is down are saved once it is back', { skip }, async () => {
  const a = people.a.page;
  const b = people.b.page;
  const connState = (page, state) =>
    page.locator(`[data-testid="conn-status"][data-state="${state}"]`).waitFor();
  const before = await notes(b).inputValue();
  await placeCaret(b, 'end');
  await b.keyboard.type(' offline', { delay: KEY_DELAY_MS });
  await server.kill9();
  await connState(b, 'reconnecting');
  // Typed with nothing listening: the op in flight waits in the connection, the rest in the
  // buffer; both go out, once, after the welcome.
  await b.keyboard.type(' draft', { delay: KEY_DELAY_MS });
  // Leaving now would lose the typing: the page asks the browser to confirm (an unload that
  // the page's beforeunload handler cancels).
  const unloadStopped = (page) => page.evaluate(() => {
    const e = new Event('beforeunload', { cancelable: true });
    window.dispatchEvent(e);
    return e.defaultPrevented;
  });
  assert.equal(await unloadStopped(b), true, 'unsaved typing: leaving asks first');
  server = await startServer({ redisUrl: redis.url, args: serverArgs });
  await connState(a, 'connected');
  await connState(b, 'connected');
  const expected = `${before} offline draft`;
  await converged([a, b], (t) => t === expected, 'the offline typing to reach both pages');
  assert.equal(await serverNotes(), expected);
  await b.waitForFunction(() => !document.querySelector('[data-pending]'));
  assert.equal(await unloadStopped(b), false, 'all saved: leaving is free');
  assert.deepEqual(allErrors(), []);
});
