// The minutes of a meeting against the real server and Redis: a scripted meeting downloaded in
// all five formats (Markdown, HTML, JSON, CSV, iCalendar), each read with a real parser
// (markdown-it, parse5, JSON.parse, Python's csv module, ical.js); the errors of the download;
// finality once the meeting ends; hostile text in every user field; the secrecy of anonymous
// votes; presence (a member gone longer than --away-after is logged as having left); the time
// report's split by agenda section; and a stage check-in in the meeting's own minutes.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';

import {
  startRedis, startServer, createMeeting, join, resume, cleanup, short, sleep, pace, acked, httpRequest,
} from '../support/harness.mjs';
import {
  FORMATS, CONTENT_TYPES, downloadMinutes, parseMarkdown, mdSection, mdListItems, mdNodes,
  mdText, parseHtml, htmlElements, htmlText, htmlOwnText, htmlAttr, htmlByTag, htmlHasClass, htmlSection,
  htmlTableBody, htmlTableHead, htmlActiveContent, parseCsv, csvRecords, parseIcs, icsLineProblems,
  fmtDate, fmtClock, fmtTime, fmtDuration, csvSafe, validateMinutesJson,
} from '../support/minutes_formats.mjs';

let redis;
let server;

before(async () => {
  redis = await startRedis();
  // Members gone for more than a second are logged as having left (the presence test).
  server = await startServer({ redisUrl: redis.url, args: ['--away-after', '1'] });
});

after(async () => {
  try {
    if (server && server.running) await server.stop();
  } finally {
    await cleanup();
  }
});

// ---------------------------------------------------------------------------------------
// Helpers



/** Sends a command at a pace the rate limit allows; returns the answer, whatever it is. */
async function send(who, command) {
  const client = who.client ?? who;
  await pace(client);
  return client.command(command);
}

const pid = (who) => who.welcome.you.participantId;
const itemIdOf = (answer) => `i${answer.seq}`;
const slotIdOf = (answer) => `u${answer.seq}`;

/** The last event of `kind` (matching `pred`) that `who` received. */
function eventOf(who, kind, pred = () => true) {
  const client = who.client ?? who;
  const found = client.events.filter((e) => e.kind === kind && pred(e));
  assert.ok(found.length > 0, `${client.name} saw no ${kind} event`);
  return found[found.length - 1];
}

/** Opens a vote and returns its id (v<seq of vote_opened>). */
async function openVote(fac, settings) {
  const answer = await acked(fac, { type: 'open_vote', ...settings });
  return `v${answer.seq}`;
}

/** Downloads every format; asserts 200, the content type and the file name. */
async function downloadAll(meetingId, token, { tz } = {}) {
  const out = {};
  for (const format of FORMATS) {
    const r = await downloadMinutes(server.baseUrl, meetingId, { token, format, tz });
    assert.equal(r.status, 200, `minutes ${format}: ${r.status} ${r.text.slice(0, 300)}`);
    const type = r.headers.get('content-type') || '';
    assert.equal(type.split(';')[0].trim(), CONTENT_TYPES[format], `content type of ${format}: ${type}`);
    assert.equal(r.headers.get('content-disposition'), `attachment; filename="minutes-${meetingId}.${format}"`);
    if (format === 'json') {
      const check = validateMinutesJson(JSON.parse(r.text));
      assert.ok(check.valid, `the JSON minutes follow protocol/schema/http/minutes.json: ${check.errors.join('; ')}`);
    }
    out[format] = r;
  }
  return out;
}

function parseJsonMinutes(r) {
  let parsed;
  assert.doesNotThrow(() => { parsed = JSON.parse(r.text); }, 'the JSON minutes parse');
  return parsed;
}

/** The Content-Security-Policy as {directive: [values]}. */
function cspOf(headers) {
  const policy = headers.get('content-security-policy') || '';
  const out = {};
  for (const part of policy.split(';')) {
    const [name, ...values] = part.trim().split(/\s+/);
    if (name) out[name.toLowerCase()] = values;
  }
  return out;
}

const STATUS_LABEL = { proposed: 'Proposed', agreed: 'Agreed', in_progress: 'In progress', done: 'Done', dropped: 'Dropped' };
const TODO_STATUS = { proposed: 'NEEDS-ACTION', agreed: 'NEEDS-ACTION', in_progress: 'IN-PROCESS', done: 'COMPLETED', dropped: 'CANCELLED' };

// ---------------------------------------------------------------------------------------
// 1. A scripted meeting in every format

test('a scripted meeting: all five formats, read with real parsers, tell the same story', { timeout: 90000 }, async () => {
  const TITLE = 'Readiness Council, November';
  const GOAL = 'Every child in town ready for kindergarten';
  const meeting = await createMeeting(server.baseUrl, { title: TITLE, goal: GOAL });
  const fac = await join(server.wsUrl, { facilitatorToken: meeting.facilitatorToken, name: 'Sam Okafor', attendance: 'room', organisation: 'School District' });
  const ana = await join(server.wsUrl, { code: meeting.joinCode, name: 'Ana Ruiz', attendance: 'remote', organisation: 'Town Library' });
  const lee = await join(server.wsUrl, { code: meeting.joinCode, name: 'Lee Chen', attendance: 'room', organisation: 'Parks and Recreation' });

  const library = slotIdOf(await acked(fac, { type: 'add_slot', organisation: 'Town Library', speaker: 'Ana Ruiz', seconds: 1 }));
  const headStart = slotIdOf(await acked(fac, { type: 'add_slot', organisation: 'Head Start', seconds: 60 }));
  await sleep(150); // lobby time is not live time
  await acked(fac, { type: 'set_phase', phase: 'live' });

  const items = [];
  const addItem = async (fields) => {
    const id = itemIdOf(await acked(fac, { type: 'add_item', ...fields }));
    const item = { itemId: id, title: fields.title, owner: fields.owner ?? '', due: fields.due ?? '', notes: fields.notes ?? '', status: fields.status ?? 'proposed' };
    items.push(item);
    return item;
  };
  const flyer = await addItem({ title: 'Book fair flyer', owner: 'Ana Ruiz', due: '2026-12-01' });
  await addItem({ title: 'Parent survey', owner: 'Lee Chen', due: '2027-01-15', notes: 'Ask at pickup\nand at the library', status: 'in_progress' });
  await addItem({ title: 'Shared calendar' });
  await addItem({ title: 'Room booking', owner: 'Sam Okafor', due: '2026-11-24', status: 'done' });
  await addItem({ title: 'Bus tour', owner: 'Lee Chen', due: '2026-11-30', status: 'dropped' });

  // A consent vote on the flyer, accepted as agreed; an anonymous fist-of-five on a question.
  const consent = await openVote(fac, { method: 'consent', itemIds: [flyer.itemId], quorum: 2 });
  await acked(ana, { type: 'cast_ballot', voteId: consent, ballot: { choice: 'agree' } });
  await acked(lee, { type: 'cast_ballot', voteId: consent, ballot: { choice: 'agree' } });
  await acked(fac, { type: 'cast_ballot', voteId: consent, ballot: { choice: 'abstain' } });
  await acked(fac, { type: 'close_vote', voteId: consent });
  await acked(fac, { type: 'resolve_vote', voteId: consent, status: 'agreed' });
  flyer.status = 'agreed';
  const QUESTION = 'How confident are we in the spring timeline?';
  const fist = await openVote(fac, { method: 'fist', question: QUESTION, visibility: 'anonymous', quorum: 3 });
  await acked(ana, { type: 'cast_ballot', voteId: fist, ballot: { fist: 4 } });
  await acked(lee, { type: 'cast_ballot', voteId: fist, ballot: { fist: 2 } });
  await acked(fac, { type: 'close_vote', voteId: fist });
  await sleep(300); // time on the action items

  // Lee leaves for good; the partner updates: one slot runs ~1.5 s over its 1 s, one is skipped.
  lee.client.terminate();
  await acked(fac, { type: 'start_slot', slotId: library });
  await acked(fac, { type: 'skip_slot', slotId: headStart });
  await sleep(2500);
  await acked(fac, { type: 'next_slot', slotId: library });
  await fac.client.waitUntil(() => fac.client.events.some((e) => e.kind === 'participant_left'), 5000, 'Lee logged as gone');
  await sleep(300);
  await acked(fac, { type: 'enter_section', section: 'wrap_up' });
  await sleep(300);
  await acked(fac, { type: 'set_phase', phase: 'ended' });

  // The log's own times, which the minutes must add up exactly.
  const liveAt = eventOf(fac, 'phase_set', (e) => e.data.phase === 'live').at;
  const endedAt = eventOf(fac, 'phase_set', (e) => e.data.phase === 'ended').at;
  const slotStartedAt = eventOf(fac, 'slot_started', (e) => e.data.slotId === library).at;
  const wrapUpAt = eventOf(fac, 'section_entered', (e) => e.data.section === 'wrap_up').at;
  const libraryEnd = eventOf(fac, 'slot_ended', (e) => e.data.slotId === library).data;
  const headStartEnd = eventOf(fac, 'slot_ended', (e) => e.data.slotId === headStart).data;
  const left = eventOf(fac, 'participant_left');
  const joinedAt = (who) => eventOf(fac, 'participant_joined', (e) => e.data.participantId === pid(who)).at;

  const files = await downloadAll(meeting.meetingId, ana.welcome.token);

  // --- JSON
  const j = parseJsonMinutes(files.json);
  assert.equal(j.meetingId, meeting.meetingId);
  assert.equal(j.title, TITLE);
  assert.equal(j.goal, GOAL);
  assert.equal(j.startedAt, liveAt);
  assert.equal(j.endedAt, endedAt);
  assert.equal(j.final, true);
  assert.equal(j.asOf, endedAt);
  assert.equal(j.previous, null);
  assert.ok(Number.isInteger(j.createdAt) && j.createdAt <= liveAt, `createdAt ${j.createdAt}`);

  assert.deepEqual(j.attendees.map((a) => [a.participantId, a.name, a.organisation, a.role, a.attendance]), [
    [pid(fac), 'Sam Okafor', 'School District', 'facilitator', 'room'],
    [pid(ana), 'Ana Ruiz', 'Town Library', 'member', 'remote'],
    [pid(lee), 'Lee Chen', 'Parks and Recreation', 'member', 'room'],
  ]);
  assert.ok(j.attendees[0].joinedAt >= j.createdAt && j.attendees[0].joinedAt <= joinedAt(ana));
  assert.equal(j.attendees[1].joinedAt, joinedAt(ana));
  assert.equal(j.attendees[2].joinedAt, joinedAt(lee));
  assert.deepEqual(j.attendees.map((a) => a.leftAt), [null, null, left.data.since], 'only Lee left, at the time he went');
  assert.equal(left.data.participantId, pid(lee));

  assert.deepEqual(j.items, items.map((i) => ({ ...i, carriedFrom: null })));

  assert.equal(j.decisions.length, 2, 'two closed votes, two decisions');
  const [dc, df] = j.decisions;
  const opened = (id) => eventOf(fac, 'vote_opened', (e) => e.data.voteId === id).at;
  const closed = (id) => eventOf(fac, 'vote_closed', (e) => e.data.voteId === id).at;
  assert.deepEqual(dc, {
    voteId: consent, method: 'consent', visibility: 'open', question: '',
    items: [{ itemId: flyer.itemId, title: flyer.title }],
    openedAt: opened(consent), closedAt: closed(consent), closeReason: 'facilitator',
    eligible: 3, voted: 3, quorum: 2, quorumMet: true,
    tallies: { agree: 2, disagree: 0, abstain: 1, block: 0, reasons: [] },
    outcome: 'agreed',
  });
  assert.deepEqual(df, {
    voteId: fist, method: 'fist', visibility: 'anonymous', question: QUESTION, items: [],
    openedAt: opened(fist), closedAt: closed(fist), closeReason: 'facilitator',
    eligible: 3, voted: 2, quorum: 3, quorumMet: false,
    tallies: { counts: [0, 0, 1, 0, 1, 0] },
    outcome: null,
  });

  assert.deepEqual(j.partnerUpdates, [
    { slotId: library, organisation: 'Town Library', speaker: 'Ana Ruiz', allottedMs: 1000, usedMs: libraryEnd.usedMs, overrunMs: libraryEnd.overrunMs, state: 'done', endReason: 'next' },
    { slotId: headStart, organisation: 'Head Start', speaker: '', allottedMs: 60000, usedMs: headStartEnd.usedMs, overrunMs: headStartEnd.overrunMs, state: 'skipped', endReason: 'skip' },
  ]);
  const slot = j.partnerUpdates[0];
  assert.ok(slot.overrunMs >= 1300 && slot.overrunMs <= 2800, `about 1.5 s over: ${slot.overrunMs} ms`);
  assert.equal(slot.usedMs, slot.allottedMs + slot.overrunMs);

  // The time report: live time only, split by the section the meeting was on.
  const t = j.time;
  assert.equal(t.actionItemsMs + t.partnerUpdatesMs + t.otherMs, t.liveMs, `the parts add up: ${short(t)}`);
  assert.equal(t.liveMs, endedAt - liveAt, 'live time is from going live to the end (no lobby time)');
  assert.equal(t.actionItemsMs, slotStartedAt - liveAt, 'going live puts the meeting on the action items');
  assert.equal(t.partnerUpdatesMs, wrapUpAt - slotStartedAt, 'start_slot moves it to the partner updates');
  assert.equal(t.otherMs, endedAt - wrapUpAt, 'enter_section wrap_up moves it on');
  assert.ok(t.partnerUpdatesMs >= slot.usedMs && t.partnerUpdatesMs < slot.usedMs + 1500,
    `partner updates ${t.partnerUpdatesMs} ms cover the slot's ${slot.usedMs} ms`);
  assert.ok(Math.abs(t.partnerUpdateShare - t.partnerUpdatesMs / t.liveMs) < 1e-9, `share ${t.partnerUpdateShare}`);
  assert.equal(j.stage, null);
  assert.deepEqual(j.stageHistory, []);

  // --- Markdown
  const md = parseMarkdown(files.md.text);
  assert.deepEqual(md.headings, [
    { level: 1, text: `Minutes: ${TITLE}` },
    { level: 2, text: 'Attendance' },
    { level: 2, text: 'Action items' },
    { level: 2, text: 'Decisions' },
    { level: 2, text: 'Partner updates' },
    { level: 2, text: 'Time report' },
  ]);
  const top = md.sections[1];
  assert.equal(top.title, `Minutes: ${TITLE}`);
  assert.equal(top.blocks[0].type, 'paragraph', 'the goal comes right under the title');
  assert.equal(mdText(top.blocks[0]), `Goal: ${GOAL}`);
  const goalIndex = md.tokens.findIndex((tk) => tk.type === 'inline' && tk.content.includes(GOAL));
  const attendanceIndex = md.tokens.findIndex((tk) => tk.type === 'inline' && tk.content === 'Attendance');
  assert.ok(goalIndex >= 0 && goalIndex < attendanceIndex, 'the goal before the attendance');
  assert.deepEqual(mdListItems(top).map((i) => i.text), [
    `Date: ${fmtDate(j.createdAt)}`, `Started: ${fmtTime(liveAt)}`, `Ended: ${fmtTime(endedAt)}`,
  ]);
  assert.deepEqual(mdListItems(mdSection(md, 'Attendance')).map((i) => i.text), [
    `Sam Okafor, School District (facilitator, in the room): joined ${fmtClock(j.attendees[0].joinedAt)}`,
    `Ana Ruiz, Town Library (member, remote): joined ${fmtClock(joinedAt(ana))}`,
    `Lee Chen, Parks and Recreation (member, in the room): joined ${fmtClock(joinedAt(lee))}, left ${fmtClock(left.data.since)}`,
  ]);
  const mdItems = mdListItems(mdSection(md, 'Action items'));
  assert.deepEqual(mdItems.map((i) => i.strong), items.map((i) => [i.title]));
  assert.deepEqual(mdItems.map((i) => i.text), items.map((i) =>
    `${i.title}: ${STATUS_LABEL[i.status]}; owner: ${i.owner || 'none'}; due: ${i.due || 'none'}`));
  const quote = [...mdNodes(mdItems[1].node)].find((n) => n.type === 'blockquote');
  assert.ok(quote, 'the survey notes are quoted under their item');
  assert.equal(mdText(quote), 'Ask at pickup\nand at the library');
  const mdDecisions = mdListItems(mdSection(md, 'Decisions'));
  assert.deepEqual(mdDecisions.map((d) => d.strong), [[flyer.title], [QUESTION]]);
  assert.match(mdDecisions[0].text, /\(Consent\): 3 of 3 voted; quorum 2 met; open; closed by the facilitator$/);
  assert.deepEqual(mdDecisions[0].sub, ['Agree: 2', 'Disagree: 0', 'Abstain: 1', 'Block: 0', 'Outcome: accepted as Agreed']);
  assert.match(mdDecisions[1].text, /\(Fist-of-five\): 2 of 3 voted; quorum 3 NOT met; anonymous; closed by the facilitator$/);
  assert.deepEqual(mdDecisions[1].sub, ['0 fingers: 0', '1 finger: 0', '2 fingers: 1', '3 fingers: 0', '4 fingers: 1', '5 fingers: 0',
    'Outcome: not recorded as an item status']);
  assert.deepEqual(mdListItems(mdSection(md, 'Partner updates')).map((i) => i.text), [
    `Town Library (Ana Ruiz): Spoke ${fmtDuration(slot.usedMs)} of 1 s, over by ${fmtDuration(slot.overrunMs)}`,
    'Head Start: Skipped',
  ]);
  const share = `${(t.partnerUpdateShare * 100).toFixed(0)}%`;
  assert.deepEqual(mdListItems(mdSection(md, 'Time report')).map((i) => i.text), [
    `Action items: ${fmtDuration(t.actionItemsMs)}`,
    `Partner updates: ${fmtDuration(t.partnerUpdatesMs)} (${share} of the meeting)`,
    `Everything else: ${fmtDuration(t.otherMs)}`,
    `Total live time: ${fmtDuration(t.liveMs)}`,
  ]);

  // The reader's time zone: five hours west.
  const west = await downloadMinutes(server.baseUrl, meeting.meetingId, { token: ana.welcome.token, format: 'md', tz: -300 });
  assert.equal(west.status, 200, west.text);
  const mdWest = parseMarkdown(west.text);
  assert.deepEqual(mdListItems(mdWest.sections[1]).map((i) => i.text).slice(1), [
    `Started: ${fmtTime(liveAt, -300)}`, `Ended: ${fmtTime(endedAt, -300)}`,
  ]);
  assert.match(mdListItems(mdSection(mdWest, 'Attendance'))[2].text, new RegExp(`left ${fmtClock(left.data.since, -300)}$`));

  // --- HTML
  const html = files.html;
  const csp = cspOf(html.headers);
  assert.deepEqual(csp['default-src'], ["'none'"], `CSP ${html.headers.get('content-security-policy')}`);
  assert.ok(!('script-src' in csp) && !('script-src-elem' in csp), 'the CSP allows no script');
  const doc = parseHtml(html.text);
  assert.deepEqual(htmlActiveContent(doc), [], 'no script, no link, no handler');
  assert.equal(htmlText(htmlByTag(doc, 'title')[0]), `Minutes: ${TITLE}`);
  assert.equal(htmlText(htmlByTag(doc, 'h1')[0]), `Minutes: ${TITLE}`);
  const all = [...htmlElements(doc)];
  const goalP = all.find((e) => e.tagName === 'p' && htmlHasClass(e, 'goal'));
  assert.ok(goalP, 'a goal paragraph');
  assert.equal(htmlText(goalP), `Goal: ${GOAL}`);
  const attendanceH2 = all.find((e) => e.tagName === 'h2' && htmlText(e) === 'Attendance');
  assert.ok(all.indexOf(goalP) < all.indexOf(attendanceH2), 'the goal before the attendance');
  assert.deepEqual(htmlByTag(doc, 'h2').map(htmlText), ['Attendance', 'Action items', 'Decisions', 'Partner updates', 'Time report']);

  const attendance = htmlByTag(htmlSection(doc, 'Attendance'), 'table')[0];
  assert.deepEqual(htmlTableHead(attendance), ['Name', 'Partner', 'Role', 'Where', 'Joined', 'Left']);
  assert.deepEqual(htmlTableBody(attendance), [
    ['Sam Okafor', 'School District', 'facilitator', 'in the room', fmtClock(j.attendees[0].joinedAt), ''],
    ['Ana Ruiz', 'Town Library', 'member', 'remote', fmtClock(joinedAt(ana)), ''],
    ['Lee Chen', 'Parks and Recreation', 'member', 'in the room', fmtClock(joinedAt(lee)), fmtClock(left.data.since)],
  ]);
  const itemsTable = htmlByTag(htmlSection(doc, 'Action items'), 'table')[0];
  assert.deepEqual(htmlTableHead(itemsTable), ['Item', 'Owner', 'Due', 'Status']);
  const itemRows = htmlByTag(itemsTable, 'tbody')[0].childNodes.filter((c) => c.tagName === 'tr');
  assert.deepEqual(itemRows.map((tr) => {
    const [title, owner, due, status] = tr.childNodes.filter((c) => c.tagName === 'td');
    const notes = htmlByTag(title, 'p').filter((p) => htmlHasClass(p, 'notes')).map(htmlText);
    return [htmlOwnText(title), notes, htmlText(owner), htmlText(due), htmlText(status)];
  }), items.map((i) => [i.title, i.notes ? [i.notes] : [], i.owner, i.due, STATUS_LABEL[i.status]]));
  const articles = htmlByTag(htmlSection(doc, 'Decisions'), 'article');
  assert.deepEqual(articles.map((a) => htmlText(htmlByTag(a, 'h3')[0])), [flyer.title, QUESTION]);
  assert.deepEqual(htmlByTag(articles[0], 'li').map(htmlText), mdDecisions[0].sub);
  assert.deepEqual(htmlByTag(articles[1], 'li').map(htmlText), mdDecisions[1].sub);
  assert.match(htmlText(htmlByTag(articles[1], 'p')[0]), /2 of 3 voted; quorum 3 NOT met; anonymous/);
  const slotsTable = htmlByTag(htmlSection(doc, 'Partner updates'), 'table')[0];
  assert.deepEqual(htmlTableHead(slotsTable), ['Partner', 'Speaker', 'Allotted', 'Used', 'Overrun', 'Result']);
  assert.deepEqual(htmlTableBody(slotsTable), [
    ['Town Library', 'Ana Ruiz', '1 s', fmtDuration(slot.usedMs), fmtDuration(slot.overrunMs),
      `Spoke ${fmtDuration(slot.usedMs)} of 1 s, over by ${fmtDuration(slot.overrunMs)}`],
    ['Head Start', '', '1 min 00 s', fmtDuration(headStartEnd.usedMs), '', 'Skipped'],
  ]);
  assert.deepEqual(htmlTableBody(htmlByTag(htmlSection(doc, 'Time report'), 'table')[0]), [
    ['Action items', fmtDuration(t.actionItemsMs)],
    ['Partner updates', `${fmtDuration(t.partnerUpdatesMs)} (${share} of the meeting)`],
    ['Everything else', fmtDuration(t.otherMs)],
    ['Total live time', fmtDuration(t.liveMs)],
  ]);
  assert.equal(htmlByTag(doc, 'svg').length, 0, 'no stage chart without a check-in');

  // --- CSV
  const rows = parseCsv(files.csv.buf);
  assert.deepEqual(rows[0], ['item_id', 'title', 'owner', 'due', 'status', 'notes', 'carried_from_meeting', 'carried_from_item']);
  assert.deepEqual(csvRecords(rows), items.map((i) => ({
    item_id: i.itemId, title: i.title, owner: i.owner, due: i.due, status: i.status, notes: i.notes,
    carried_from_meeting: '', carried_from_item: '',
  })));
  assert.ok(files.csv.text.startsWith(`${rows[0].join(',')}\r\n`) && files.csv.text.endsWith('\r\n'), 'RFC 4180 rows end in CRLF');

  // --- iCalendar
  assert.deepEqual(icsLineProblems(files.ics.buf), []);
  const ics = parseIcs(files.ics.text);
  const dated = items.filter((i) => i.due);
  assert.equal(ics.todos.length, dated.length, 'one VTODO per item with a due date');
  assert.deepEqual(ics.todos.map((td) => [td.uid, td.summary, td.due, td.dueIsDate, td.status]),
    dated.map((i) => [`${meeting.meetingId}-${i.itemId}@roundtable`, i.title, i.due, true, TODO_STATUS[i.status]]));
  for (const [k, td] of ics.todos.entries()) {
    const i = dated[k];
    assert.ok(td.description.startsWith(`Owner: ${i.owner}\nStatus: ${STATUS_LABEL[i.status]}\nMeeting: ${TITLE}`), `description ${short(td.description)}`);
    if (i.notes) assert.ok(td.description.endsWith(`\n\n${i.notes}`), 'notes at the end of the description');
    assert.equal(td.dtstamp.toUnixTime(), Math.floor(endedAt / 1000), 'stamped with the end of the meeting');
  }
  // Every message the server sent on the way (section_entered, participant_left...) fits the protocol's schemas.
  for (const who of [fac, ana, lee]) assert.deepEqual(who.client.invalid, [], `${who.client.name}: messages off schema`);
});

// ---------------------------------------------------------------------------------------
// 2. Errors of the download

test('minutes download: who may read them, and what a bad request gets', { timeout: 60000 }, async () => {
  const meeting = await createMeeting(server.baseUrl);
  const other = await createMeeting(server.baseUrl, { title: 'Another council', goal: 'Another goal' });
  const fac = await join(server.wsUrl, { facilitatorToken: meeting.facilitatorToken, name: 'Sam' });
  const member = await join(server.wsUrl, { code: meeting.joinCode, name: 'Ana' });
  const observer = await join(server.wsUrl, { code: meeting.joinCode, name: 'Projector', role: 'observer' });
  const id = meeting.meetingId;

  const expectError = async (opts, status, code, what) => {
    const r = await downloadMinutes(server.baseUrl, opts.meetingId ?? id, opts);
    assert.equal(r.status, status, `${what}: ${r.status} ${r.text}`);
    assert.ok(r.json && r.json.error, `${what}: a JSON error body: ${r.text}`);
    assert.equal(r.json.error.code, code, `${what}: ${r.text}`);
    assert.equal(typeof r.json.error.message, 'string');
    assert.ok(r.json.error.message.length > 0);
  };

  // Any token of the meeting reads its minutes.
  for (const [who, token] of [['facilitator token', meeting.facilitatorToken], ['facilitator welcome token', fac.welcome.token],
    ['member', member.welcome.token], ['observer', observer.welcome.token]]) {
    const r = await downloadMinutes(server.baseUrl, id, { token, format: 'json' });
    assert.equal(r.status, 200, `${who}: ${r.text}`);
    assert.equal(JSON.parse(r.text).meetingId, id);
  }
  // The default format is HTML.
  const byDefault = await downloadMinutes(server.baseUrl, id, { token: member.welcome.token });
  assert.equal(byDefault.status, 200);
  assert.match(byDefault.headers.get('content-type'), /^text\/html/);
  assert.equal(byDefault.headers.get('content-disposition'), `attachment; filename="minutes-${id}.html"`);
  assert.equal(htmlText(htmlByTag(parseHtml(byDefault.text), 'h1')[0]), 'Minutes: Readiness Council');

  await expectError({ format: 'json' }, 401, 'unauthorized', 'no Authorization');
  await expectError({ format: 'json', auth: `Basic ${Buffer.from('a:b').toString('base64')}` }, 401, 'unauthorized', 'Basic auth');
  await expectError({ format: 'json', auth: meeting.facilitatorToken }, 401, 'unauthorized', 'a token without the Bearer scheme');
  await expectError({ format: 'json', auth: 'Bearer' }, 401, 'unauthorized', 'Bearer without a token');
  await expectError({ format: 'json', token: 'not-a-token' }, 401, 'bad_token', 'garbage token');
  // Forged: a signature changed, and another meeting's claims under this meeting's signature.
  const token = member.welcome.token;
  const dot = token.lastIndexOf('.');
  const sig = token.slice(dot + 1);
  const flipped = `${token.slice(0, dot + 1)}${sig[0] === 'A' ? 'B' : 'A'}${sig.slice(1)}`;
  await expectError({ format: 'json', token: flipped }, 401, 'bad_token', 'tampered signature');
  const otherToken = other.facilitatorToken;
  const swapped = `${otherToken.slice(0, otherToken.lastIndexOf('.'))}.${meeting.facilitatorToken.slice(meeting.facilitatorToken.lastIndexOf('.') + 1)}`;
  await expectError({ format: 'json', token: swapped }, 401, 'bad_token', "another meeting's claims with this meeting's signature");
  await expectError({ format: 'json', token: other.facilitatorToken }, 403, 'forbidden', "another meeting's token");
  await expectError({ format: 'json', token: other.facilitatorToken, meetingId: 'zzzzzzzzzzzzzzzz' }, 403, 'forbidden',
    'an unknown meeting with a valid token of another meeting');

  await expectError({ format: 'pdf', token }, 400, 'bad_format', 'unknown format');
  await expectError({ format: 'HTML', token }, 400, 'bad_format', 'format names are lower case');
  for (const tz of ['841', '-841', 'abc', '1.5', '60min', '99999999999']) {
    await expectError({ format: 'md', tz, token }, 400, 'bad_time_zone', `tz=${tz}`);
  }
  for (const tz of [-840, 840, 0, 330]) {
    const r = await downloadMinutes(server.baseUrl, id, { token, format: 'md', tz });
    assert.equal(r.status, 200, `tz=${tz}: ${r.text}`);
  }
  const post = await downloadMinutes(server.baseUrl, id, { token, format: 'md', method: 'POST' });
  assert.equal(post.status, 405, post.text);
  assert.equal(post.json.error.code, 'method_not_allowed');
  const del = await httpRequest(`${server.baseUrl}/api/meetings/${id}/minutes`, { method: 'DELETE', headers: { authorization: `Bearer ${token}` } });
  assert.equal(del.status, 405);
});

// ---------------------------------------------------------------------------------------
// 3. Finality

test('once ended the minutes are final: byte-for-byte the same after a late join and profile changes', { timeout: 60000 }, async () => {
  const meeting = await createMeeting(server.baseUrl, { title: 'Final council', goal: 'Decide once' });
  const fac = await join(server.wsUrl, { facilitatorToken: meeting.facilitatorToken, name: 'Sam', attendance: 'room', organisation: 'School District' });
  const ana = await join(server.wsUrl, { code: meeting.joinCode, name: 'Ana', organisation: 'Town Library' });
  await acked(fac, { type: 'set_phase', phase: 'live' });
  const flyer = itemIdOf(await acked(ana, { type: 'add_item', title: 'Flyer', owner: 'Ana', due: '2026-12-01' }));
  const slot = slotIdOf(await acked(fac, { type: 'add_slot', organisation: 'Town Library', seconds: 60 }));
  await acked(fac, { type: 'start_slot', slotId: slot });
  const vote = await openVote(fac, { method: 'consent', itemIds: [flyer] });
  await acked(ana, { type: 'cast_ballot', voteId: vote, ballot: { choice: 'disagree' } });

  // Before the end: not final, as of now, and a running slot counts what it used so far.
  const before1 = await downloadMinutes(server.baseUrl, meeting.meetingId, { token: ana.welcome.token, format: 'json' });
  const open = JSON.parse(before1.text);
  assert.equal(open.final, false);
  assert.equal(open.endedAt, null);
  assert.ok(Math.abs(open.asOf - Date.now()) < 5000, `asOf ${open.asOf} is about now`);
  assert.equal(open.partnerUpdates[0].state, 'running');
  assert.deepEqual(open.decisions, [], 'a vote still open has no results in the minutes');
  const mdOpen = parseMarkdown((await downloadMinutes(server.baseUrl, meeting.meetingId, { token: ana.welcome.token, format: 'md' })).text);
  assert.ok(mdListItems(mdOpen.sections[1]).some((i) => i.text.startsWith('Not ended yet: minutes as of ')), 'md says it is not final');
  await sleep(30);
  const before2 = JSON.parse((await downloadMinutes(server.baseUrl, meeting.meetingId, { token: ana.welcome.token, format: 'json' })).text);
  assert.ok(before2.asOf > open.asOf, 'unfinished minutes move with the clock');

  await sleep(200);
  await acked(fac, { type: 'set_phase', phase: 'ended' });
  const first = await downloadAll(meeting.meetingId, ana.welcome.token);
  const firstWest = await downloadAll(meeting.meetingId, ana.welcome.token, { tz: -300 });
  const ended = JSON.parse(first.json.text);
  assert.equal(ended.final, true);
  assert.equal(ended.asOf, ended.endedAt);
  assert.equal(ended.partnerUpdates[0].state, 'done');
  assert.equal(ended.partnerUpdates[0].endReason, 'meeting_ended');
  assert.deepEqual(ended.decisions.map((d) => [d.voteId, d.closeReason, d.voted, d.tallies.disagree]), [[vote, 'meeting_ended', 1, 1]],
    'ending the meeting closed the vote, and the minutes show it');

  // After the end: joining and profile changes are still accepted; nothing else is.
  const late = await join(server.wsUrl, { code: meeting.joinCode, name: 'Latecomer', organisation: 'Head Start' });
  assert.equal(late.welcome.meeting.phase, 'ended');
  await acked(ana, { type: 'update_profile', name: 'Ana Ruiz-Lopez', organisation: 'County Library', attendance: 'room' });
  await acked(fac, { type: 'update_profile', name: 'Samuel' });
  await acked(late, { type: 'update_profile', attendance: 'room' });
  for (const [who, command] of [[fac, { type: 'set_phase', phase: 'ended' }], [fac, { type: 'set_phase', phase: 'live' }],
    [fac, { type: 'set_title', title: 'Rewritten' }], [ana, { type: 'add_item', title: 'After the fact' }]]) {
    const answer = await send(who, command);
    assert.equal(answer.type, 'reject', `${command.type} after the end: ${short(answer)}`);
    assert.equal(answer.code, 'meeting_ended', short(answer));
  }
  late.client.terminate(); // and leaves again, longer than --away-after
  await sleep(1500);

  const second = await downloadAll(meeting.meetingId, late.welcome.token);
  const secondWest = await downloadAll(meeting.meetingId, fac.welcome.token, { tz: -300 });
  for (const format of FORMATS) {
    assert.ok(first[format].buf.equals(second[format].buf),
      `${format}: the same bytes after the end\n--- first\n${first[format].text}\n--- second\n${second[format].text}`);
    assert.ok(firstWest[format].buf.equals(secondWest[format].buf), `${format} (tz=-300): the same bytes after the end`);
  }
  const again = JSON.parse(second.json.text);
  assert.deepEqual(again.attendees.map((a) => [a.name, a.organisation, a.attendance]),
    [['Sam', 'School District', 'room'], ['Ana', 'Town Library', 'remote']], 'the attendance as it was at the end');
});

// ---------------------------------------------------------------------------------------
// 4. Hostile text

const HOSTILE = [
  '<script>alert(1)</script>',
  '<img src=x onerror=alert(1)>',
  '# Heading',
  '[link](javascript:alert(1))',
  '[site](http://evil.example/)',
  '<http://evil.example/>',
  '*bold* _em_ `code`',
  '=HYPERLINK("http://x")',
  '+1',
  '-2',
  '@SUM(A1)',
  'line1\nline2',
  'a,b;c\\d',
  'x\nEND:VTODO\nBEGIN:VTODO',
  '"quoted", \'single\' & <b>bold</b>',
  'Ünïcödé 😀 日本語 '.repeat(10).trim(),
];

/** The first `n` code points of `s` (the server counts code points, not UTF-16 units). */
const cut = (s, n) => [...s].slice(0, n).join('');

/** What one line of Markdown shows for `text` (line breaks become spaces). */
const oneLine = (text) => text.replace(/\r\n|[\r\n]/g, ' ');

/**
 * A meeting whose every user-typed field is hostile, and whose items were carried over from an
 * earlier meeting (so "Since last time" starts lines with their titles).
 */
async function hostileMeeting(strings) {
  const first = await createMeeting(server.baseUrl, { title: 'Earlier council', goal: 'Plain goal' });
  const prev = await join(server.wsUrl, { facilitatorToken: first.facilitatorToken, name: 'Sam' });
  const items = [];
  for (const [k, h] of strings.entries()) {
    const due = `2027-01-${String(k + 1).padStart(2, '0')}`;
    await acked(prev, { type: 'add_item', title: h, owner: cut(h, 100), notes: h, due });
    items.push({ title: h, owner: cut(h, 100), notes: h, due });
  }
  const title = strings.slice(0, 4).join(' ');
  const goal = strings.join(' | ');
  const next = await httpRequest(`${server.baseUrl}/api/meetings`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${first.facilitatorToken}` },
    body: JSON.stringify({ previousMeetingId: first.meetingId, title, goal }),
  });
  assert.equal(next.status, 201, next.text);
  const meeting = next.json;
  const fac = await join(server.wsUrl, { facilitatorToken: meeting.facilitatorToken, name: cut(strings[0], 60), organisation: strings[1] });
  const members = [];
  for (const h of strings) {
    members.push(await join(server.wsUrl, { code: meeting.joinCode, name: cut(h, 60), organisation: cut(h, 100) }));
  }
  for (const h of strings) {
    await acked(fac, { type: 'add_slot', organisation: cut(h, 100), speaker: cut(h, 60), seconds: 60 });
  }
  const question = cut(strings.join(' '), 300);
  const vote = await openVote(fac, { method: 'consent', question });
  await acked(members[0], { type: 'cast_ballot', voteId: vote, ballot: { choice: 'agree' } });
  await acked(fac, { type: 'close_vote', voteId: vote });
  const people = [
    { name: cut(strings[0], 60), organisation: strings[1] },
    ...strings.map((h) => ({ name: cut(h, 60), organisation: cut(h, 100) })),
  ];
  const slots = strings.map((h) => ({ organisation: cut(h, 100), speaker: cut(h, 60) }));
  return { meeting, fac, members, title, goal, items, people, slots, question };
}

/** Asserts the minutes of a hostile meeting keep every string as text, in every format. */
async function assertHostileSafe(h) {
  const files = await downloadAll(h.meeting.meetingId, h.fac.welcome.token);

  // JSON: exact text.
  const j = JSON.parse(files.json.text);
  assert.equal(j.title, h.title);
  assert.equal(j.goal, h.goal);
  assert.deepEqual(j.items.map((i) => [i.title, i.owner, i.notes, i.due]), h.items.map((i) => [i.title, i.owner, i.notes, i.due]));
  assert.deepEqual(j.attendees.map((a) => [a.name, a.organisation]), h.people.map((p) => [p.name, p.organisation]));
  assert.deepEqual(j.partnerUpdates.map((s) => [s.organisation, s.speaker]), h.slots.map((s) => [s.organisation, s.speaker]));
  assert.equal(j.decisions[0].question, h.question);

  // HTML: nothing active, every string back as text where it belongs.
  const doc = parseHtml(files.html.text);
  assert.deepEqual(htmlActiveContent(doc), [], 'no script, img, link or on* attribute');
  assert.equal(htmlByTag(doc, 'b').length, 0, 'no markup from user text');
  assert.equal(htmlText(htmlByTag(doc, 'title')[0]), `Minutes: ${h.title}`);
  assert.equal(htmlText(htmlByTag(doc, 'h1')[0]), `Minutes: ${h.title}`);
  const goalP = [...htmlElements(doc)].find((e) => e.tagName === 'p' && htmlHasClass(e, 'goal'));
  assert.equal(htmlText(goalP), `Goal: ${h.goal}`);
  assert.deepEqual(htmlTableBody(htmlByTag(htmlSection(doc, 'Attendance'), 'table')[0]).map((r) => r.slice(0, 2)),
    h.people.map((p) => [p.name, p.organisation]));
  const itemRows = htmlByTag(htmlByTag(htmlSection(doc, 'Action items'), 'table')[0], 'tbody')[0].childNodes.filter((c) => c.tagName === 'tr');
  assert.deepEqual(itemRows.map((tr) => {
    const [title, owner] = tr.childNodes.filter((c) => c.tagName === 'td');
    const notes = htmlByTag(title, 'p').map(htmlText);
    return [htmlOwnText(title).replace(/ $/, ''), htmlByTag(title, 'span').map(htmlText), notes, htmlText(owner)];
  }), h.items.map((i) => [i.title, ['(carried over)'], [i.notes], i.owner]));
  assert.deepEqual(htmlByTag(htmlSection(doc, 'Since last time'), 'li').map(htmlText), h.items.map((i) => `${i.title}: Proposed`));
  assert.deepEqual(htmlTableBody(htmlByTag(htmlSection(doc, 'Partner updates'), 'table')[0]).map((r) => r.slice(0, 2)),
    h.slots.map((s) => [s.organisation, s.speaker]));
  assert.deepEqual(htmlByTag(htmlSection(doc, 'Decisions'), 'h3').map(htmlText), [h.question]);

  // Markdown: no HTML, no link, no image, no heading or list that the text did not ask for.
  const md = parseMarkdown(files.md.text);
  const kinds = new Set(md.tokens.flatMap((tk) => [tk.type, ...(tk.children ?? []).map((c) => c.type)]));
  const sourceLines = files.md.text.split('\n');
  for (const bad of ['html_block', 'html_inline', 'link_open', 'image', 'code_block', 'fence', 'code_inline', 'em_open', 'ordered_list_open']) {
    const where = md.tokens.filter((tk) => tk.type === bad || (tk.children ?? []).some((c) => c.type === bad))
      .map((tk) => (tk.map ? sourceLines.slice(tk.map[0], tk.map[1]).join('\n') : tk.content));
    assert.ok(!kinds.has(bad), `Markdown minutes have no ${bad} token; found at: ${JSON.stringify(where)}`);
  }
  assert.doesNotMatch(md.html, /<script|<a[\s>]|<img|<b>|<em>|<code>/i, 'rendered Markdown has no markup from user text');
  assert.deepEqual(md.headings.map((x) => x.text), [
    `Minutes: ${oneLine(h.title)}`, 'Attendance', 'Action items', 'Since last time', 'Decisions', 'Partner updates', 'Time report',
  ]);
  assert.equal(mdText(md.sections[1].blocks[0]), `Goal: ${oneLine(h.goal)}`);
  const attendance = mdListItems(mdSection(md, 'Attendance'));
  assert.equal(attendance.length, h.people.length, 'one list item per participant');
  for (const [k, p] of h.people.entries()) {
    assert.ok(attendance[k].text.startsWith(`${oneLine(p.name)}, ${oneLine(p.organisation)} (`),
      `attendance ${k}: ${JSON.stringify(attendance[k].text)} starts with ${JSON.stringify(oneLine(p.name))}`);
    assert.deepEqual(attendance[k].sub, [], 'no nested list');
  }
  const mdItems = mdListItems(mdSection(md, 'Action items'));
  assert.deepEqual(mdItems.map((i) => i.strong), h.items.map((i) => [oneLine(i.title)]));
  assert.deepEqual(mdItems.map((i) => i.text), h.items.map((i) => `${oneLine(i.title)}: Proposed; owner: ${oneLine(i.owner)}; due: ${i.due}; carried over`));
  for (const [k, item] of mdItems.entries()) {
    const quote = [...mdNodes(item.node)].find((n) => n.type === 'blockquote');
    assert.equal(quote && mdText(quote), h.items[k].notes, `notes of item ${k} quoted line by line`);
  }
  assert.deepEqual(mdListItems(mdSection(md, 'Since last time')).map((i) => i.text), h.items.map((i) => `${oneLine(i.title)}: Proposed`));
  assert.deepEqual(mdListItems(mdSection(md, 'Partner updates')).map((i) => i.text),
    h.slots.map((s) => `${oneLine(s.organisation)} (${oneLine(s.speaker)}): Did not speak (1 min 00 s planned)`));
  assert.deepEqual(mdListItems(mdSection(md, 'Decisions')).map((i) => i.strong), [[oneLine(h.question)]]);

  // CSV: exact text, formulas defused with a leading apostrophe.
  const records = csvRecords(parseCsv(files.csv.buf));
  assert.deepEqual(records.map((r) => [r.title, r.owner, r.notes, r.due]), h.items.map((i) => [csvSafe(i.title), csvSafe(i.owner), csvSafe(i.notes), i.due]));
  for (const r of records) {
    for (const cell of Object.values(r)) assert.doesNotMatch(cell, /^[=+\-@]/, `no cell starts a formula: ${JSON.stringify(cell)}`);
  }

  // iCalendar: folded lines of at most 75 octets, exact SUMMARY and DESCRIPTION.
  assert.deepEqual(icsLineProblems(files.ics.buf), []);
  const ics = parseIcs(files.ics.text);
  assert.equal(ics.todos.length, h.items.length, 'one VTODO per item, no injected ones');
  assert.equal(ics.calendar.getAllSubcomponents().length, h.items.length, 'and no other component');
  assert.deepEqual(ics.todos.map((td) => td.summary), h.items.map((i) => i.title));
  assert.deepEqual(ics.todos.map((td) => td.due), h.items.map((i) => i.due));
  for (const [k, td] of ics.todos.entries()) {
    const i = h.items[k];
    assert.equal(td.description, `Owner: ${i.owner}\nStatus: Proposed\nMeeting: ${h.title}\n\n${i.notes}`);
  }
  return files;
}

test('hostile text in titles, goal, names, items, slots and questions stays text in every format', { timeout: 120000 }, async () => {
  const h = await hostileMeeting(HOSTILE);
  await assertHostileSafe(h);
});

// Regression: "1." at the start of a line opens an ordered list in CommonMark; a name, an
// organisation or a carried title like "1. Numbered" once lost its "1." that way.
test('a name, organisation or carried title starting with "1." does not open a Markdown list', { timeout: 60000 }, async () => {
  const h = await hostileMeeting(['1. Numbered', '2) Parenthesised', '10. Tenth']);
  await assertHostileSafe(h);
});

// ---------------------------------------------------------------------------------------
// 5. Anonymous votes stay anonymous

test('anonymous votes: no format says who voted what', { timeout: 60000 }, async () => {
  const meeting = await createMeeting(server.baseUrl, { title: 'Budget council', goal: 'A fair budget' });
  const fac = await join(server.wsUrl, { facilitatorToken: meeting.facilitatorToken, name: 'Fiona Facilitator', attendance: 'room' });
  const quentin = await join(server.wsUrl, { code: meeting.joinCode, name: 'Quentin Quill', organisation: 'Quill Trust' });
  const roberta = await join(server.wsUrl, { code: meeting.joinCode, name: 'Roberta Rook', attendance: 'room', organisation: 'Rook Fund' });
  const item = itemIdOf(await acked(fac, { type: 'add_item', title: 'Budget line', owner: 'Team', due: '2027-02-01' }));
  const consent = await openVote(fac, { method: 'consent', itemIds: [item], visibility: 'anonymous', allowBlock: true });
  await acked(quentin, { type: 'cast_ballot', voteId: consent, ballot: { choice: 'block', reason: 'Too expensive for now' } });
  await acked(roberta, { type: 'cast_ballot', voteId: consent, ballot: { choice: 'agree' } });
  await acked(fac, { type: 'cast_ballot', voteId: consent, ballot: { choice: 'abstain' } });
  await acked(fac, { type: 'close_vote', voteId: consent });
  const fist = await openVote(fac, { method: 'fist', question: 'Ready to sign?', visibility: 'anonymous', results: 'hidden' });
  await acked(quentin, { type: 'cast_ballot', voteId: fist, ballot: { fist: 5 } });
  await acked(roberta, { type: 'cast_ballot', voteId: fist, ballot: { fist: 1 } });
  await acked(fac, { type: 'close_vote', voteId: fist });
  const dots = await openVote(fac, { method: 'dots', itemIds: [item], visibility: 'anonymous', dotBudget: 3 });
  await acked(quentin, { type: 'cast_ballot', voteId: dots, ballot: { dots: { [item]: 3 } } });
  await acked(fac, { type: 'close_vote', voteId: dots });

  const voters = [
    { id: pid(quentin), names: ['Quentin Quill', 'Quentin', 'Quill'] },
    { id: pid(roberta), names: ['Roberta Rook', 'Roberta', 'Rook'] },
    { id: pid(fac), names: ['Fiona Facilitator', 'Fiona'] },
  ];
  const identifies = (text) => voters.flatMap((v) => [new RegExp(`\\b${v.id}\\b`), ...v.names.map((n) => new RegExp(n))]).filter((re) => re.test(text));
  const files = await downloadAll(meeting.meetingId, quentin.welcome.token);

  // JSON: decisions carry tallies and counts, never ballots or voters.
  const j = JSON.parse(files.json.text);
  const DECISION_KEYS = ['closeReason', 'closedAt', 'eligible', 'items', 'method', 'openedAt', 'outcome', 'question',
    'quorum', 'quorumMet', 'tallies', 'visibility', 'voteId', 'voted'].sort();
  assert.equal(j.decisions.length, 3);
  for (const d of j.decisions) {
    assert.deepEqual(Object.keys(d).sort(), DECISION_KEYS, `decision keys: ${Object.keys(d)}`);
    assert.deepEqual(identifies(JSON.stringify(d)), [], `decision ${d.voteId} names nobody: ${JSON.stringify(d)}`);
  }
  const walk = (v, path = '$') => {
    if (v && typeof v === 'object') {
      for (const [k, x] of Object.entries(v)) {
        assert.ok(!/^(ballots?|voters?|yourBallot|recorded)$/i.test(k), `no ${k} at ${path}`);
        walk(x, `${path}.${k}`);
      }
    }
  };
  walk(j);
  assert.deepEqual(j.decisions[0].tallies, { agree: 1, disagree: 0, abstain: 1, block: 1, reasons: ['Too expensive for now'] });
  assert.deepEqual(j.decisions[1].tallies, { counts: [0, 1, 0, 0, 0, 1] });
  assert.deepEqual(j.decisions[2].tallies, { dots: { [item]: 3 } });
  const rest = { ...j, attendees: undefined };
  assert.deepEqual(identifies(JSON.stringify(rest)), [], 'voters appear only in the attendance');

  // Markdown and HTML: voters appear in the attendance only, nowhere near a ballot.
  const md = parseMarkdown(files.md.text);
  for (const s of md.sections.filter((x) => x.title !== 'Attendance')) {
    const text = s.blocks.map(mdText).join('\n');
    assert.deepEqual(identifies(text), [], `Markdown section '${s.title}' names no voter: ${text}`);
  }
  const decisions = mdListItems(mdSection(md, 'Decisions'));
  assert.deepEqual(decisions[0].sub, ['Agree: 1', 'Disagree: 0', 'Abstain: 1', 'Block: 1', 'Block reason: Too expensive for now',
    'Outcome: not recorded as an item status']);
  const doc = parseHtml(files.html.text);
  for (const s of htmlByTag(doc, 'section')) {
    const title = htmlText(htmlByTag(s, 'h2')[0]);
    if (title === 'Attendance') continue;
    assert.deepEqual(identifies(htmlText(s)), [], `HTML section '${title}' names no voter`);
  }
  assert.deepEqual(identifies(htmlText(htmlByTag(doc, 'header')[0])), []);
  // CSV and iCalendar hold the action items only.
  assert.deepEqual(identifies(parseCsv(files.csv.buf).flat().join('\n')), []);
  const ics = parseIcs(files.ics.text);
  assert.deepEqual(identifies(ics.todos.map((td) => `${td.summary}\n${td.description}`).join('\n')), []);
  assert.deepEqual(identifies(files.ics.text), []);
});

// ---------------------------------------------------------------------------------------
// 6. Presence

test('presence: gone longer than --away-after is logged as left (and back as returned); a blip is not', { timeout: 60000 }, async () => {
  const meeting = await createMeeting(server.baseUrl, { title: 'Presence council', goal: 'Know who is here' });
  const fac = await join(server.wsUrl, { facilitatorToken: meeting.facilitatorToken, name: 'Sam', attendance: 'room' });
  const ana = await join(server.wsUrl, { code: meeting.joinCode, name: 'Ana' });
  const lee = await join(server.wsUrl, { code: meeting.joinCode, name: 'Lee', attendance: 'room' });
  await acked(fac, { type: 'set_phase', phase: 'live' });
  const presenceEvents = () => fac.client.events.filter((e) => e.kind === 'participant_left' || e.kind === 'participant_returned');

  // A blip shorter than a second: nothing is logged.
  ana.client.terminate();
  await sleep(250);
  const anaBack = await resume(server.wsUrl, { token: ana.welcome.token, lastSeq: ana.client.lastSeq });
  await sleep(1600);
  assert.deepEqual(presenceEvents(), [], 'a short blip is not a departure');

  // Gone for good: after a second, participant_left with the time the last connection closed.
  const goneAt = Date.now();
  lee.client.terminate();
  await fac.client.waitUntil(() => presenceEvents().length >= 1, 5000, 'participant_left');
  const leftEvent = presenceEvents()[0];
  assert.equal(leftEvent.kind, 'participant_left');
  assert.deepEqual(Object.keys(leftEvent.data).sort(), ['participantId', 'since']);
  assert.equal(leftEvent.data.participantId, pid(lee));
  assert.ok(Math.abs(leftEvent.data.since - goneAt) < 500, `since ${leftEvent.data.since} vs closed at ${goneAt}`);
  assert.ok(leftEvent.at - leftEvent.data.since >= 1000, `logged after the second away: ${leftEvent.at - leftEvent.data.since} ms`);
  assert.ok(leftEvent.at - leftEvent.data.since < 3000, `and not much later: ${leftEvent.at - leftEvent.data.since} ms`);
  assert.ok(!('actor' in leftEvent) && !('cid' in leftEvent), `the server logs it: ${short(leftEvent)}`);
  await anaBack.client.waitUntil(() => anaBack.client.events.some((e) => e.kind === 'participant_left'), 3000, 'the others see it');

  const minutes = async () => JSON.parse((await downloadMinutes(server.baseUrl, meeting.meetingId, { token: fac.welcome.token, format: 'json' })).text);
  let j = await minutes();
  assert.deepEqual(j.attendees.map((a) => [a.name, a.leftAt]), [['Sam', null], ['Ana', null], ['Lee', leftEvent.data.since]]);
  const md = parseMarkdown((await downloadMinutes(server.baseUrl, meeting.meetingId, { token: fac.welcome.token, format: 'md' })).text);
  assert.match(mdListItems(mdSection(md, 'Attendance'))[2].text, new RegExp(`, left ${fmtClock(leftEvent.data.since)}$`));
  assert.doesNotMatch(mdListItems(mdSection(md, 'Attendance'))[1].text, /left/, 'the blip left no trace');

  // Back: participant_returned, and the minutes no longer say he left.
  const leeBack = await resume(server.wsUrl, { token: lee.welcome.token });
  await fac.client.waitUntil(() => presenceEvents().length >= 2, 5000, 'participant_returned');
  const returned = presenceEvents()[1];
  assert.equal(returned.kind, 'participant_returned');
  assert.deepEqual(returned.data, { participantId: pid(lee) });
  j = await minutes();
  assert.equal(j.attendees[2].leftAt, null);

  // Gone again: the minutes keep the last departure.
  const goneAgain = Date.now();
  leeBack.client.terminate();
  await fac.client.waitUntil(() => presenceEvents().length >= 3, 5000, 'second participant_left');
  const again = presenceEvents()[2];
  assert.equal(again.kind, 'participant_left');
  assert.ok(Math.abs(again.data.since - goneAgain) < 500);
  await acked(fac, { type: 'set_phase', phase: 'ended' });
  j = await minutes();
  assert.deepEqual(j.attendees.map((a) => a.leftAt), [null, null, again.data.since]);
  const doc = parseHtml((await downloadMinutes(server.baseUrl, meeting.meetingId, { token: fac.welcome.token, format: 'html' })).text);
  assert.deepEqual(htmlTableBody(htmlByTag(htmlSection(doc, 'Attendance'), 'table')[0]).map((r) => r[5]), ['', '', fmtClock(again.data.since)]);
  assert.equal(presenceEvents().length, 3, 'nothing else was logged');
  for (const who of [fac, anaBack, leeBack]) assert.deepEqual(who.client.invalid, [], 'messages off schema');
});

// ---------------------------------------------------------------------------------------
// 7. The time report follows the agenda's order

test('time report: going live starts on the first section after the goal, whichever it is', { timeout: 30000 }, async () => {
  const meeting = await createMeeting(server.baseUrl);
  const fac = await join(server.wsUrl, { facilitatorToken: meeting.facilitatorToken, name: 'Sam' });
  const notLive = await send(fac, { type: 'enter_section', section: 'wrap_up' });
  assert.equal(notLive.code, 'bad_state', `enter_section before going live: ${short(notLive)}`);
  await acked(fac, { type: 'move_section', section: 'partner_updates', index: 1 });
  await sleep(200);
  await acked(fac, { type: 'set_phase', phase: 'live' });
  assert.equal((await send(fac, { type: 'enter_section', section: 'nowhere' })).code, 'invalid_value');
  const member = await join(server.wsUrl, { code: meeting.joinCode, name: 'Ana' });
  assert.equal((await send(member, { type: 'enter_section', section: 'wrap_up' })).code, 'forbidden');
  await sleep(400);
  await acked(fac, { type: 'enter_section', section: 'action_items' });
  await sleep(300);
  await acked(fac, { type: 'set_phase', phase: 'ended' });
  const liveAt = eventOf(fac, 'phase_set', (e) => e.data.phase === 'live').at;
  const itemsAt = eventOf(fac, 'section_entered', (e) => e.data.section === 'action_items').at;
  const endedAt = eventOf(fac, 'phase_set', (e) => e.data.phase === 'ended').at;
  const j = JSON.parse((await downloadMinutes(server.baseUrl, meeting.meetingId, { token: fac.welcome.token, format: 'json' })).text);
  assert.deepEqual(j.time, {
    liveMs: endedAt - liveAt,
    partnerUpdatesMs: itemsAt - liveAt,
    actionItemsMs: endedAt - itemsAt,
    otherMs: 0,
    partnerUpdateShare: (itemsAt - liveAt) / (endedAt - liveAt),
  });
});

// ---------------------------------------------------------------------------------------
// 8. A stage check-in in the meeting's own minutes

// Guards a bug this test found: with a closed stage check-in every download answered 500
// unreadable_log, because stage_counts() (server/minutes/minutes.cpp) kept a reference into the
// temporary tallies_json() returned (fixed in 9281634).
test('a closed stage check-in is charted in the minutes (and all formats still download)', { timeout: 30000 }, async () => {
  const meeting = await createMeeting(server.baseUrl, { title: 'Stage council', goal: 'See where we are' });
  const fac = await join(server.wsUrl, { facilitatorToken: meeting.facilitatorToken, name: 'Sam' });
  const ana = await join(server.wsUrl, { code: meeting.joinCode, name: 'Ana' });
  const lee = await join(server.wsUrl, { code: meeting.joinCode, name: 'Lee' });
  const refused = await send(fac, { type: 'open_vote', method: 'stage', visibility: 'open' });
  assert.equal(refused.code, 'invalid_value', `a stage check-in is anonymous: ${short(refused)}`);
  const stage = await openVote(fac, { method: 'stage', visibility: 'anonymous' });
  assert.equal((await send(ana, { type: 'cast_ballot', voteId: stage, ballot: { stage: 'partnership' } })).code, 'bad_ballot');
  await acked(ana, { type: 'cast_ballot', voteId: stage, ballot: { stage: 'coordination' } });
  await acked(lee, { type: 'cast_ballot', voteId: stage, ballot: { stage: 'collaboration' } });
  await acked(fac, { type: 'cast_ballot', voteId: stage, ballot: { stage: 'coordination' } });
  await acked(fac, { type: 'close_vote', voteId: stage });

  const files = await downloadAll(meeting.meetingId, ana.welcome.token);
  const j = JSON.parse(files.json.text);
  const counts = { isolation: 0, communication: 0, coordination: 2, collaboration: 1, integration: 0 };
  assert.deepEqual(j.stage, { meetingId: meeting.meetingId, title: 'Stage council', date: j.createdAt, counts });
  assert.deepEqual(j.stageHistory, [j.stage]);
  assert.deepEqual(j.decisions, [], 'a check-in is not a decision');
  const md = parseMarkdown(files.md.text);
  assert.deepEqual(mdListItems(mdSection(md, 'Stage of the collaboration')).map((i) => i.text),
    [`${fmtDate(j.createdAt)}, Stage council: Isolation 0, Communication 0, Coordination 2, Collaboration 1, Integration 0`]);
  const doc = parseHtml(files.html.text);
  const section = htmlSection(doc, 'Stage of the collaboration');
  const svg = htmlByTag(section, 'svg')[0];
  assert.ok(svg, 'an inline SVG chart');
  assert.equal(htmlAttr(svg, 'role'), 'img');
  assert.deepEqual(htmlTableBody(htmlByTag(section, 'table')[0]), [[`${fmtDate(j.createdAt)} Stage council`, '0', '0', '2', '1', '0']]);
  assert.deepEqual(htmlActiveContent(doc), []);
});
