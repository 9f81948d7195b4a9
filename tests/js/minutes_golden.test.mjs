// The golden minutes of the scripted meeting (tests/golden/minutes/scripted.*, rendered by the
// C++ unit test in the Europe/Paris winter zone, UTC+01:00) read with real parsers: markdown-it,
// parse5, Python's csv module and ical.js. Each format must parse and tell the same story as
// the JSON minutes, field by field, so a golden file rewritten into something that no longer
// parses (or that disagrees with the others) fails here and not only in a byte comparison.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import {
  parseMarkdown, mdSection, mdListItems, mdText, mdNodes, parseHtml, htmlElements, htmlText, htmlOwnText,
  htmlAttr, htmlByTag, htmlHasClass, htmlSection, htmlTableBody, htmlTableHead, htmlActiveContent, parseCsv,
  csvRecords, csvSafe, parseIcs, icsLineProblems, fmtDate, fmtClock, fmtTime, fmtDuration, validateMinutesJson,
} from '../support/minutes_formats.mjs';

const dir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'golden', 'minutes');
const file = (ext) => path.join(dir, `scripted.${ext}`);
const present = ['md', 'html', 'json', 'csv', 'ics'].every((ext) => fs.existsSync(file(ext)));
const skip = present ? false : `golden files missing under ${dir}`;
const read = (ext) => fs.readFileSync(file(ext));

const TZ = 60; // the unit test renders in UTC+01:00
const STATUS_LABEL = { proposed: 'Proposed', agreed: 'Agreed', in_progress: 'In progress', done: 'Done', dropped: 'Dropped' };
const TODO_STATUS = { proposed: 'NEEDS-ACTION', agreed: 'NEEDS-ACTION', in_progress: 'IN-PROCESS', done: 'COMPLETED', dropped: 'CANCELLED' };
const STAGES = ['isolation', 'communication', 'coordination', 'collaboration', 'integration'];
const title = (s) => `${s[0].toUpperCase()}${s.slice(1)}`;

// What the minutes say a slot came to (format.cpp slot_result).
function slotResult(s) {
  const of = ` of ${fmtDuration(s.allottedMs)}`;
  if (s.state === 'pending') return `Did not speak (${fmtDuration(s.allottedMs)} planned)`;
  if (s.state === 'skipped') return 'Skipped';
  if (s.state === 'running' || s.state === 'paused') return `Speaking: ${fmtDuration(s.usedMs)}${of}`;
  return `Spoke ${fmtDuration(s.usedMs)}${of}${s.overrunMs > 0 ? `, over by ${fmtDuration(s.overrunMs)}` : ''}`;
}

const minutes = present ? JSON.parse(read('json').toString('utf8')) : null;

test('golden JSON: documented schema, and a time report that adds up', { skip }, () => {
  const check = validateMinutesJson(minutes);
  assert.ok(check.valid, check.errors.join('; '));
  const t = minutes.time;
  assert.equal(t.actionItemsMs + t.partnerUpdatesMs + t.otherMs, t.liveMs);
  assert.ok(Math.abs(t.partnerUpdateShare - t.partnerUpdatesMs / t.liveMs) < 1e-12);
  assert.equal(minutes.final, true);
  assert.equal(minutes.asOf, minutes.endedAt);
  for (const d of minutes.decisions) {
    for (const k of ['ballots', 'voters']) assert.ok(!(k in d), `decision ${d.voteId} has no ${k}`);
  }
});

test('golden Markdown (markdown-it): the goal first, then every section, agreeing with the JSON', { skip }, () => {
  const md = parseMarkdown(read('md').toString('utf8'));
  const expectedHeadings = [`Minutes: ${minutes.title}`, 'Attendance', 'Action items'];
  if (minutes.previous) expectedHeadings.push('Since last time');
  expectedHeadings.push('Decisions', 'Partner updates', 'Time report');
  if (minutes.stageHistory.length) expectedHeadings.push('Stage of the collaboration');
  assert.deepEqual(md.headings.map((h) => h.text), expectedHeadings);
  assert.deepEqual(md.headings.map((h) => h.level), expectedHeadings.map((_, i) => (i === 0 ? 1 : 2)));
  const top = md.sections[1];
  assert.equal(top.blocks[0].type, 'paragraph', 'the goal right under the title, before the attendance');
  assert.equal(mdText(top.blocks[0]), `Goal: ${minutes.goal}`);
  assert.deepEqual(mdListItems(top).map((i) => i.text), [
    `Date: ${fmtDate(minutes.createdAt, TZ)}`, `Started: ${fmtTime(minutes.startedAt, TZ)}`, `Ended: ${fmtTime(minutes.endedAt, TZ)}`,
  ]);
  assert.ok(!md.tokens.some((t) => ['html_block', 'html_inline'].includes(t.type) || (t.children ?? []).some((c) => ['html_inline', 'link_open', 'image'].includes(c.type))));

  assert.deepEqual(mdListItems(mdSection(md, 'Attendance')).map((i) => i.text), minutes.attendees.map((a) =>
    `${a.name}${a.organisation ? `, ${a.organisation}` : ''} (${a.role}, ${a.attendance === 'room' ? 'in the room' : 'remote'}): ` +
    `joined ${fmtClock(a.joinedAt, TZ)}${a.leftAt ? `, left ${fmtClock(a.leftAt, TZ)}` : ''}`));
  const items = mdListItems(mdSection(md, 'Action items'));
  assert.deepEqual(items.map((i) => i.strong), minutes.items.map((i) => [i.title]));
  assert.deepEqual(items.map((i) => i.text), minutes.items.map((i) =>
    `${i.title}: ${STATUS_LABEL[i.status]}; owner: ${i.owner || 'none'}; due: ${i.due || 'none'}${i.carriedFrom ? '; carried over' : ''}`));
  for (const [k, item] of items.entries()) {
    const quote = [...mdNodes(item.node)].find((n) => n.type === 'blockquote');
    assert.equal(quote ? mdText(quote) : '', minutes.items[k].notes, `notes of ${minutes.items[k].title}, line for line`);
  }
  const decisions = mdListItems(mdSection(md, 'Decisions'));
  assert.equal(decisions.length, minutes.decisions.length);
  for (const [k, d] of minutes.decisions.entries()) {
    const subject = d.question || d.items.map((i) => i.title).join('; ');
    assert.deepEqual(decisions[k].strong, [subject]);
    assert.ok(decisions[k].text.includes(`${d.voted} of ${d.eligible} voted`), decisions[k].text);
    assert.ok(decisions[k].text.includes(d.visibility), decisions[k].text);
    const outcome = decisions[k].sub.at(-1);
    assert.equal(outcome, d.outcome ? `Outcome: accepted as ${STATUS_LABEL[d.outcome]}` : 'Outcome: not recorded as an item status');
    if (d.method === 'consent') {
      assert.deepEqual(decisions[k].sub.slice(0, 4), ['agree', 'disagree', 'abstain', 'block'].map((c) => `${title(c)}: ${d.tallies[c]}`));
    }
    if (d.method === 'fist') {
      assert.deepEqual(decisions[k].sub.slice(0, 6), d.tallies.counts.map((n, f) => `${f} finger${f === 1 ? '' : 's'}: ${n}`));
    }
  }
  assert.deepEqual(mdListItems(mdSection(md, 'Partner updates')).map((i) => i.text), minutes.partnerUpdates.map((s) =>
    `${s.organisation}${s.speaker ? ` (${s.speaker})` : ''}: ` +
    slotResult(s)));
  const t = minutes.time;
  assert.deepEqual(mdListItems(mdSection(md, 'Time report')).map((i) => i.text), [
    `Action items: ${fmtDuration(t.actionItemsMs)}`,
    `Partner updates: ${fmtDuration(t.partnerUpdatesMs)} (${(t.partnerUpdateShare * 100).toFixed(0)}% of the meeting)`,
    `Everything else: ${fmtDuration(t.otherMs)}`,
    `Total live time: ${fmtDuration(t.liveMs)}`,
  ]);
  if (minutes.stageHistory.length) {
    assert.deepEqual(mdListItems(mdSection(md, 'Stage of the collaboration')).map((i) => i.text), minutes.stageHistory.map((c) =>
      `${fmtDate(c.date, TZ)}, ${c.title}: ${STAGES.map((s) => `${title(s)} ${c.counts[s]}`).join(', ')}`));
  }
});

test('golden HTML (parse5): no script, the goal first, tables agreeing with the JSON, an accessible stage chart', { skip }, () => {
  const doc = parseHtml(read('html').toString('utf8'));
  assert.deepEqual(htmlActiveContent(doc), []);
  assert.equal(htmlAttr(htmlByTag(doc, 'html')[0], 'lang'), 'en');
  assert.equal(htmlText(htmlByTag(doc, 'title')[0]), `Minutes: ${minutes.title}`);
  assert.equal(htmlText(htmlByTag(doc, 'h1')[0]), `Minutes: ${minutes.title}`);
  const all = [...htmlElements(doc)];
  const goal = all.find((e) => e.tagName === 'p' && htmlHasClass(e, 'goal'));
  assert.equal(htmlText(goal), `Goal: ${minutes.goal}`);
  const attendanceH2 = all.find((e) => e.tagName === 'h2' && htmlText(e) === 'Attendance');
  assert.ok(all.indexOf(goal) < all.indexOf(attendanceH2), 'the goal before the attendance');

  assert.deepEqual(htmlTableBody(htmlByTag(htmlSection(doc, 'Attendance'), 'table')[0]), minutes.attendees.map((a) =>
    [a.name, a.organisation, a.role, a.attendance === 'room' ? 'in the room' : 'remote', fmtClock(a.joinedAt, TZ), a.leftAt ? fmtClock(a.leftAt, TZ) : '']));
  const itemsTable = htmlByTag(htmlSection(doc, 'Action items'), 'table')[0];
  assert.deepEqual(htmlTableHead(itemsTable), ['Item', 'Owner', 'Due', 'Status']);
  const rows = htmlByTag(htmlByTag(itemsTable, 'tbody')[0], 'tr');
  assert.deepEqual(rows.map((tr) => {
    const [cell, owner, due, status] = tr.childNodes.filter((c) => c.tagName === 'td');
    return [htmlOwnText(cell).replace(/ $/, ''), htmlByTag(cell, 'p').map(htmlText).join(''), htmlText(owner), htmlText(due), htmlText(status)];
  }), minutes.items.map((i) => [i.title, i.notes, i.owner, i.due, STATUS_LABEL[i.status]]));
  const articles = htmlByTag(htmlSection(doc, 'Decisions'), 'article');
  assert.deepEqual(articles.map((a) => htmlText(htmlByTag(a, 'h3')[0])),
    minutes.decisions.map((d) => d.question || d.items.map((i) => i.title).join('; ')));
  assert.deepEqual(htmlTableBody(htmlByTag(htmlSection(doc, 'Partner updates'), 'table')[0]).map((r) => r.slice(0, 5)),
    minutes.partnerUpdates.map((s) => [s.organisation, s.speaker, fmtDuration(s.allottedMs), fmtDuration(s.usedMs), s.overrunMs > 0 ? fmtDuration(s.overrunMs) : '']));
  if (minutes.stageHistory.length) {
    const section = htmlSection(doc, 'Stage of the collaboration');
    const svg = htmlByTag(section, 'svg')[0];
    assert.equal(htmlAttr(svg, 'role'), 'img');
    const labelledBy = htmlAttr(svg, 'aria-labelledby');
    assert.ok(labelledBy && htmlByTag(svg, 'title').some((t) => htmlAttr(t, 'id') === labelledBy && htmlText(t).length > 0));
    assert.deepEqual(htmlByTag(svg, 'text').map(htmlText), minutes.stageHistory.map((c) => fmtDate(c.date, TZ).slice(5)));
    assert.deepEqual(htmlTableBody(htmlByTag(section, 'table')[0]), minutes.stageHistory.map((c) =>
      [`${fmtDate(c.date, TZ)} ${c.title}`, ...STAGES.map((s) => String(c.counts[s]))]));
  }
});

test('golden CSV (Python csv): one row per action item, exactly the JSON items', { skip }, () => {
  const buf = read('csv');
  const rows = parseCsv(buf);
  assert.deepEqual(rows[0], ['item_id', 'title', 'owner', 'due', 'status', 'notes', 'carried_from_meeting', 'carried_from_item']);
  assert.deepEqual(csvRecords(rows), minutes.items.map((i) => ({
    item_id: i.itemId, title: csvSafe(i.title), owner: csvSafe(i.owner), due: i.due, status: i.status, notes: csvSafe(i.notes),
    carried_from_meeting: i.carriedFrom?.meetingId ?? '', carried_from_item: i.carriedFrom?.itemId ?? '',
  })));
  assert.ok(buf.toString('utf8').startsWith(`${rows[0].join(',')}\r\n`), 'records end in CRLF');
});

test('golden iCalendar (ical.js): one VTODO per item with a due date, folded lines of at most 75 octets', { skip }, () => {
  const buf = read('ics');
  assert.deepEqual(icsLineProblems(buf), []);
  const ics = parseIcs(buf);
  assert.equal(ics.calendar.name, 'vcalendar');
  assert.equal(ics.calendar.getFirstPropertyValue('version'), '2.0');
  const dated = minutes.items.filter((i) => i.due);
  assert.deepEqual(ics.todos.map((t) => [t.uid, t.summary, t.due, t.dueIsDate, t.status]),
    dated.map((i) => [`${minutes.meetingId}-${i.itemId}@roundtable`, i.title, i.due, true, TODO_STATUS[i.status]]));
  for (const [k, t] of ics.todos.entries()) {
    const i = dated[k];
    assert.equal(t.description, `Owner: ${i.owner || 'none'}\nStatus: ${STATUS_LABEL[i.status]}\nMeeting: ${minutes.title}${i.notes ? `\n\n${i.notes}` : ''}`);
    assert.equal(t.dtstamp.toUnixTime(), Math.floor(minutes.asOf / 1000));
  }
});
