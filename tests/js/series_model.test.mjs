// The web client's model of where a meeting is and what it came from, without a browser or a
// server: the current agenda section (folded exactly as the server folds it), a meeting that
// follows another and its carried-over items, presence events the client only passes over, the
// stage check-in's tallies and form, and the minutes' address and file name.

import { test } from 'node:test';
import assert from 'node:assert/strict';

import { labelOf } from '../../web-client/dom.js';
import { applyEvent, applyWelcome, createState } from '../../web-client/state.js';
import { minutesFileName, minutesPath } from '../../web-client/urls.js';
import { STAGES, buildOpenVote, describeBallot, shownTallies, tallyRows } from '../../web-client/votes.js';

const AT = 1795000000000;
const SECTIONS = ['goal', 'action_items', 'partner_updates', 'wrap_up'];

function welcome(meeting = {}, version = 5) {
  return {
    type: 'welcome', v: 1, cid: 'x-1', serverTime: AT, version, token: 'member-token',
    you: { participantId: 'p3', role: 'member' },
    meeting: {
      id: 'm2', title: 'Readiness Council, April', goal: 'Every child ready', phase: 'lobby', joinCode: 'ABCD-EFGH',
      createdAt: AT, currentSection: '',
      sections: SECTIONS.map((id) => ({ id, title: labelOf(id) })),
      participants: [
        { id: 'p2', name: 'Sam', role: 'facilitator', attendance: 'room', organisation: '', online: true },
        { id: 'p3', name: 'Ana', role: 'member', attendance: 'remote', organisation: '', online: true },
      ],
      items: [],
      updates: { autoAdvance: false, slots: [{ id: 'u4', organisation: 'Library', speaker: '', seconds: 60, extendedSeconds: 0, state: 'pending' }] },
      ...meeting,
    },
  };
}

// The model after `welcome`, and apply(kind, data) for the next event (checked applied).
function meeting(snapshot, version = 5) {
  const state = createState();
  assert.equal(applyWelcome(state, welcome(snapshot, version)), 'snapshot');
  let seq = version;
  const apply = (kind, data) => {
    seq += 1;
    assert.equal(applyEvent(state, { type: 'event', seq, at: AT + seq, actor: 'p2', cid: `c${seq}`, kind, data }), 'applied', kind);
  };
  return { state, m: state.meeting, apply };
}

test('going live puts the meeting on the first section after the goal, once', () => {
  const { m, apply } = meeting();
  assert.equal(m.currentSection, '');
  apply('phase_set', { phase: 'lobby' });
  assert.equal(m.currentSection, '', 'not before it is live');
  apply('phase_set', { phase: 'live' });
  assert.equal(m.currentSection, 'action_items');
  apply('section_entered', { section: 'wrap_up' });
  apply('phase_set', { phase: 'lobby' });
  apply('phase_set', { phase: 'live' });
  assert.equal(m.currentSection, 'wrap_up', 'live again: where it was');
});

test('the first section after the goal is in the meeting\'s order', () => {
  const { m, apply } = meeting();
  apply('section_moved', { section: 'partner_updates', index: 1 });
  apply('phase_set', { phase: 'live' });
  assert.equal(m.currentSection, 'partner_updates');
});

test('section_entered moves the meeting; a partner update that starts puts it on partner updates', () => {
  const { m, apply } = meeting({ phase: 'live', currentSection: 'action_items' });
  apply('section_entered', { section: 'wrap_up' });
  assert.equal(m.currentSection, 'wrap_up');
  apply('slot_started', { slotId: 'u4', deadline: AT + 60000 });
  assert.equal(m.currentSection, 'partner_updates');
  assert.equal(m.updates.slots[0].state, 'running');
  apply('section_entered', { section: 'goal' });
  assert.equal(m.currentSection, 'goal');
});

test('a snapshot\'s current section is kept; a snapshot of an older server without one is on none', () => {
  assert.equal(meeting({ phase: 'live', currentSection: 'wrap_up' }).m.currentSection, 'wrap_up');
  const { m, apply } = meeting({ currentSection: undefined });
  apply('phase_set', { phase: 'live' });
  assert.equal(m.currentSection, 'action_items');
});

test('a meeting that follows another: its previous meeting and the items carried over', () => {
  const carriedFrom = { meetingId: 'm1', itemId: 'i9' };
  const { state, m, apply } = meeting({
    previous: { meetingId: 'm1', title: 'Readiness Council, March', createdAt: AT - 1 },
    items: [{ id: 'i2', title: 'Flyer', notes: '', owner: '', due: '2026-12-01', status: 'proposed', createdBy: '', carriedFrom }],
  });
  assert.deepEqual(m.previous, { meetingId: 'm1', title: 'Readiness Council, March', createdAt: AT - 1 });
  assert.deepEqual(m.items[0].carriedFrom, carriedFrom);
  assert.equal(state.token, 'member-token', 'the token that fetches the minutes');

  apply('item_added', { itemId: 'i7', title: 'Survey', notes: '', owner: '', due: '', status: 'agreed', index: 1, carriedFrom: { meetingId: 'm1', itemId: 'i3' } });
  apply('item_added', { itemId: 'i8', title: 'New', notes: '', owner: '', due: '', status: 'proposed', index: 2 });
  assert.deepEqual(m.items.map((i) => [i.id, i.carriedFrom?.itemId]), [['i2', 'i9'], ['i7', 'i3'], ['i8', undefined]]);
  assert.equal('carriedFrom' in m.items[2], false, 'a new item has no carriedFrom at all');
  apply('item_updated', { itemId: 'i7', status: 'done' });
  assert.deepEqual(m.items[1].carriedFrom, { meetingId: 'm1', itemId: 'i3' }, 'kept through updates');
});

test('participant_left and participant_returned take their seq and change nothing else', () => {
  const { state, m, apply } = meeting();
  const before = structuredClone(m);
  apply('participant_left', { participantId: 'p3' });
  apply('participant_returned', { participantId: 'p3' });
  assert.equal(state.version, 7);
  assert.deepEqual(m, before);
});

test('a stage check-in: five stages in order, tallies and ballots in words', () => {
  assert.deepEqual(STAGES, ['isolation', 'communication', 'coordination', 'collaboration', 'integration']);
  const vote = { method: 'stage', itemIds: [], results: 'live', state: 'open' };
  const t = { stages: { isolation: 0, communication: 2, coordination: 1, collaboration: 0, integration: 4 } };
  assert.deepEqual(tallyRows(vote, t).map((r) => [r.key, r.count]),
    [['isolation', 0], ['communication', 2], ['coordination', 1], ['collaboration', 0], ['integration', 4]]);
  assert.deepEqual(tallyRows(vote, shownTallies(vote)).map((r) => r.count), [0, 0, 0, 0, 0], 'zeros before any ballot');
  assert.equal(describeBallot(vote, { stage: 'coordination' }), 'Coordination');
  assert.deepEqual(STAGES.map(labelOf), ['Isolation', 'Communication', 'Coordination', 'Collaboration', 'Integration']);
});

test('the open-vote form makes a stage check-in anonymous, on no item, with an optional question', () => {
  assert.deepEqual(buildOpenVote({ method: 'stage', itemId: 'i6', visibility: 'open', results: 'live' }),
    { command: { type: 'open_vote', method: 'stage', visibility: 'anonymous', results: 'live' } });
  assert.deepEqual(buildOpenVote({ method: 'stage', question: ' Where are we? ', results: 'hidden', quorum: '3', allowBlock: 'on' }),
    { command: { type: 'open_vote', method: 'stage', question: 'Where are we?', visibility: 'anonymous', results: 'hidden', quorum: 3 } });
  // Other methods still need a question or an item.
  assert.ok(buildOpenVote({ method: 'fist', visibility: 'anonymous' }).error);
});

test('ids read as words', () => {
  assert.equal(labelOf('in_progress'), 'In progress');
  assert.equal(labelOf('facilitator'), 'Facilitator');
  assert.equal(labelOf('ended'), 'Ended');
});

test('the minutes\' address carries the format and the reader\'s offset east of UTC', () => {
  assert.equal(minutesPath('m7k2', 'html', 60), '/api/meetings/m7k2/minutes?format=html&tz=60');
  assert.equal(minutesPath('m7k2', 'ics', -300), '/api/meetings/m7k2/minutes?format=ics&tz=-300');
  assert.equal(minutesPath('a/b', 'md', 0), '/api/meetings/a%2Fb/minutes?format=md&tz=0');
  // By default this machine's zone: getTimezoneOffset() counts west, the server east.
  assert.equal(minutesPath('m1', 'csv'), `/api/meetings/m1/minutes?format=csv&tz=${-new Date().getTimezoneOffset()}`);
});

test('the minutes\' file name: the title, without what file systems refuse, not too long', () => {
  assert.equal(minutesFileName('Readiness Council', 'html'), 'minutes-Readiness Council.html');
  assert.equal(minutesFileName('Q1/Q2: plan? "yes" <a|b>\\c*', 'md'), 'minutes-Q1 Q2 plan yes a b c.md');
  assert.equal(minutesFileName('Line\nbreak\ttab', 'csv'), 'minutes-Line break tab.csv');
  assert.equal(minutesFileName('  ', 'ics'), 'minutes-meeting.ics');
  assert.equal(minutesFileName('Café 👋 Ärzte', 'json'), 'minutes-Café 👋 Ärzte.json');
  const long = minutesFileName(`${'a'.repeat(79)}👋👋`, 'html');
  assert.equal(long, `minutes-${'a'.repeat(79)}👋.html`, 'cut at 80 characters, not inside an emoji');
});
