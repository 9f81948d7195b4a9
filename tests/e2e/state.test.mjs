// Unit tests of the web client's model (web-client/state.js): no browser, no server. They pin
// the rules of PROTOCOL.md "event": apply only seq == version + 1, skip older, report gaps.

import { test } from 'node:test';
import assert from 'node:assert/strict';

import {
  applyEditing,
  applyEvent,
  applyPresence,
  applyWelcome,
  canEditItems,
  createState,
  editorsOf,
  findParticipant,
  isFacilitator,
  me,
} from '../../web-client/state.js';

const findItem = (state, id) => state.meeting.items.find((i) => i.id === id);

function snapshotWelcome({ version = 3, role = 'member', you = 'p3' } = {}) {
  return {
    type: 'welcome',
    v: 1,
    cid: 'x-1',
    serverTime: 1795000000000,
    version,
    you: { participantId: you, role },
    token: 'tok',
    meeting: {
      id: 'm1',
      title: 'Readiness Council',
      goal: 'Every child ready for kindergarten',
      phase: 'lobby',
      joinCode: 'ABCD-EFGH',
      createdAt: 1795000000000,
      sections: [
        { id: 'goal', title: 'Goal' },
        { id: 'action_items', title: 'Action items' },
        { id: 'partner_updates', title: 'Partner updates' },
        { id: 'wrap_up', title: 'Wrap-up' },
      ],
      participants: [
        { id: 'p2', name: 'Sam', role: 'facilitator', attendance: 'room', organisation: 'District', online: true },
        { id: 'p3', name: 'Ana', role: 'member', attendance: 'remote', organisation: 'Library', online: true },
      ],
      items: [],
    },
  };
}

let seq = 0;
function ev(kind, data, extra = {}) {
  return { type: 'event', seq: ++seq, at: 1795000000100 + seq, actor: 'p3', cid: `c${seq}`, kind, data, ...extra };
}

function joinedState(opts) {
  const state = createState();
  const w = snapshotWelcome(opts);
  assert.equal(applyWelcome(state, w), 'snapshot');
  seq = w.version;
  return state;
}

test('Welcome_SnapshotBecomesTheModelAtItsVersion', () => {
  const state = joinedState();
  assert.equal(state.version, 3);
  assert.equal(state.meeting.goal, 'Every child ready for kindergarten');
  assert.deepEqual(state.meeting.sections.map((s) => s.id), ['goal', 'action_items', 'partner_updates', 'wrap_up']);
  assert.equal(me(state).name, 'Ana');
  assert.equal(isFacilitator(state), false);
  assert.equal(canEditItems(state), true);
});

test('Welcome_SnapshotIsCopiedNotShared', () => {
  const state = createState();
  const w = snapshotWelcome();
  applyWelcome(state, w);
  applyEvent(state, { type: 'event', seq: 4, kind: 'title_set', data: { title: 'Changed' } });
  assert.equal(w.meeting.title, 'Readiness Council');
});

test('Events_AppliedInOrder_BuildTheItemList', () => {
  const state = joinedState();
  assert.equal(applyEvent(state, ev('item_added', { itemId: 'i4', title: 'Flyer', owner: '', due: '', status: 'proposed', index: 0 })), 'applied');
  assert.equal(applyEvent(state, ev('item_added', { itemId: 'i5', title: 'Survey', owner: 'Ana', due: '2026-12-01', status: 'proposed', index: 1 })), 'applied');
  assert.equal(applyEvent(state, ev('item_added', { itemId: 'i6', title: 'First', owner: '', due: '', status: 'agreed', index: 0 })), 'applied');
  assert.deepEqual(state.meeting.items.map((i) => i.id), ['i6', 'i4', 'i5']);
  assert.equal(findItem(state, 'i4').createdBy, 'p3');

  assert.equal(applyEvent(state, ev('item_updated', { itemId: 'i4', status: 'done', owner: 'Sam' })), 'applied');
  assert.deepEqual({ ...findItem(state, 'i4') }, {
    id: 'i4', title: 'Flyer', notes: '', owner: 'Sam', due: '', status: 'done', createdBy: 'p3',
  });

  // item_moved's index is the item's position after the move.
  assert.equal(applyEvent(state, ev('item_moved', { itemId: 'i6', index: 2 })), 'applied');
  assert.deepEqual(state.meeting.items.map((i) => i.id), ['i4', 'i5', 'i6']);
  assert.equal(applyEvent(state, ev('item_moved', { itemId: 'i5', index: 0 })), 'applied');
  assert.deepEqual(state.meeting.items.map((i) => i.id), ['i5', 'i4', 'i6']);
  assert.equal(applyEvent(state, ev('item_moved', { itemId: 'i5', index: 99 })), 'applied');
  assert.deepEqual(state.meeting.items.map((i) => i.id), ['i4', 'i6', 'i5']);

  assert.equal(applyEvent(state, ev('item_deleted', { itemId: 'i6' })), 'applied');
  assert.deepEqual(state.meeting.items.map((i) => i.id), ['i4', 'i5']);
  assert.equal(state.version, seq);
});

test('Events_MeetingFieldsAndParticipants', () => {
  const state = joinedState();
  applyEvent(state, ev('title_set', { title: 'April meeting' }));
  applyEvent(state, ev('goal_set', { goal: 'Read by third grade' }));
  applyEvent(state, ev('phase_set', { phase: 'live' }));
  applyEvent(state, ev('participant_joined', { participantId: 'p4', name: 'Lee', role: 'observer', attendance: 'room', organisation: '' }));
  applyEvent(state, ev('participant_updated', { participantId: 'p3', attendance: 'room' }));
  assert.equal(state.meeting.title, 'April meeting');
  assert.equal(state.meeting.goal, 'Read by third grade');
  assert.equal(state.meeting.phase, 'live');
  assert.equal(findParticipant(state, 'p4').role, 'observer');
  assert.equal(findParticipant(state, 'p4').online, true);
  assert.equal(findParticipant(state, 'p3').attendance, 'room');
  assert.equal(findParticipant(state, 'p3').name, 'Ana');

  applyEvent(state, ev('phase_set', { phase: 'ended' }));
  assert.equal(canEditItems(state), false);
});

test('Events_DuplicateIsSkipped', () => {
  const state = joinedState();
  const first = ev('item_added', { itemId: 'i4', title: 'Flyer', owner: '', due: '', status: 'proposed', index: 0 });
  assert.equal(applyEvent(state, first), 'applied');
  const before = structuredClone(state.meeting);
  assert.equal(applyEvent(state, first), 'duplicate');
  // An older event replayed with different content must not touch the model either.
  assert.equal(applyEvent(state, { ...first, seq: 2, kind: 'item_deleted', data: { itemId: 'i4' } }), 'duplicate');
  assert.deepEqual(state.meeting, before);
  assert.equal(state.version, first.seq);
});

test('Events_GapIsDetectedAndNothingApplied', () => {
  const state = joinedState();
  const skipped = ev('title_set', { title: 'never seen' });
  const after = ev('goal_set', { goal: 'after the gap' });
  assert.equal(skipped.seq, 4);
  assert.equal(applyEvent(state, after), 'gap');
  assert.equal(state.version, 3);
  assert.equal(state.meeting.goal, 'Every child ready for kindergarten');
  // Filling the gap makes the later event applicable again.
  assert.equal(applyEvent(state, skipped), 'applied');
  assert.equal(applyEvent(state, after), 'applied');
  assert.equal(state.version, 5);
});

test('Events_BeforeAnySnapshotAreAGap', () => {
  const state = createState();
  assert.equal(applyEvent(state, { type: 'event', seq: 1, kind: 'title_set', data: { title: 'x' } }), 'gap');
});

test('Events_UnknownKindStillAdvancesTheVersion', () => {
  const state = joinedState();
  assert.equal(applyEvent(state, ev('vote_opened', { voteId: 'v1' })), 'applied');
  assert.equal(state.version, 4);
  assert.equal(applyEvent(state, ev('title_set', { title: 'next' })), 'applied');
  assert.equal(state.meeting.title, 'next');
});

test('Welcome_ResumeFromOwnVersionKeepsTheModel', () => {
  const state = joinedState();
  applyEvent(state, ev('title_set', { title: 'kept' }));
  const resumed = { type: 'welcome', v: 1, cid: 'x-2', serverTime: 0, version: 9, you: { participantId: 'p3', role: 'member' }, token: 't2', resumeFrom: 4 };
  assert.equal(applyWelcome(state, resumed), 'resumed');
  assert.equal(state.meeting.title, 'kept');
  assert.equal(state.version, 4);
  assert.equal(applyEvent(state, ev('goal_set', { goal: 'replayed' })), 'applied');
});

test('Welcome_ResumeFromAnotherVersionIsAMismatch', () => {
  const state = joinedState();
  const resumed = { type: 'welcome', v: 1, cid: 'x-2', serverTime: 0, version: 9, you: { participantId: 'p3', role: 'member' }, token: 't2', resumeFrom: 1 };
  assert.equal(applyWelcome(state, resumed), 'mismatch');
  assert.equal(applyWelcome(createState(), { ...resumed, resumeFrom: 0 }), 'mismatch');
});

test('Presence_UpdatesOnlineFlag_EvenWhenItArrivesBeforeTheJoin', () => {
  const state = joinedState();
  assert.equal(applyPresence(state, { type: 'presence', participantId: 'p2', online: false }), true);
  assert.equal(findParticipant(state, 'p2').online, false);
  assert.equal(applyPresence(state, { type: 'presence', participantId: 'p2', online: false }), false);

  assert.equal(applyPresence(state, { type: 'presence', participantId: 'p9', online: false }), false);
  applyEvent(state, ev('participant_joined', { participantId: 'p9', name: 'Kim', role: 'member', attendance: 'remote', organisation: 'Museum' }));
  assert.equal(findParticipant(state, 'p9').online, false);
});

test('Roles_ObserverCannotEditItems_FacilitatorIsFacilitator', () => {
  assert.equal(canEditItems(joinedState({ role: 'observer' })), false);
  assert.equal(isFacilitator(joinedState({ role: 'facilitator', you: 'p2' })), true);
});

// --- collaborative texts and who is editing them ----------------------------------------------

const addItem = (itemId, extra = {}) =>
  ev('item_added', { itemId, title: 'Flyer', notes: 'due soon', owner: '', due: '', status: 'proposed', index: 0, ...extra });

test('Text_ItemAddedKeepsNotes_TextEditedAppliesItsOpToTheServersText', () => {
  const state = joinedState();
  applyEvent(state, addItem('i4'));
  assert.equal(findItem(state, 'i4').notes, 'due soon');
  assert.equal(applyEvent(state, ev('text_edited', { field: 'notes', itemId: 'i4', op: [4, 'very ', { d: 1 }] })), 'applied');
  assert.equal(findItem(state, 'i4').notes, 'due very oon');
  applyEvent(state, ev('text_edited', { field: 'title', itemId: 'i4', op: ['Book ', 5, 's'] }));
  assert.equal(findItem(state, 'i4').title, 'Book Flyers');
  // Code points, not UTF-16 units: the emoji counts one.
  applyEvent(state, ev('text_edited', { field: 'goal', op: ['👋🏽', 1, { d: 5 }] }));
  assert.equal(state.meeting.goal, '👋🏽Echild ready for kindergarten');
  // The waving hand and its skin tone are two code points.
  applyEvent(state, ev('text_edited', { field: 'goal', op: [2, '!'] }));
  assert.equal(state.meeting.goal, '👋🏽!Echild ready for kindergarten');
});

test('Text_AnOpThatDoesNotFitIsAGap_NothingApplied', () => {
  const state = joinedState();
  applyEvent(state, addItem('i4'));
  const version = state.version;
  assert.equal(applyEvent(state, ev('text_edited', { field: 'notes', itemId: 'i4', op: [99, 'x'] })), 'gap');
  assert.equal(findItem(state, 'i4').notes, 'due soon');
  assert.equal(state.version, version);
});

test('Text_EditOfAnItemNotInTheModelStillTakesItsSeq', () => {
  const state = joinedState();
  assert.equal(applyEvent(state, ev('text_edited', { field: 'notes', itemId: 'i77', op: ['x'] })), 'applied');
  assert.equal(state.version, 4);
});

test('Editing_FromTheSnapshotAndFromMessages_OthersOnlyInIdOrder', () => {
  const state = createState();
  const w = snapshotWelcome();
  w.meeting.items = [{ id: 'i4', title: 'Flyer', notes: '', owner: '', due: '', status: 'proposed', createdBy: 'p2' }];
  w.meeting.participants.push({ id: 'p10', name: 'Kim', role: 'member', attendance: 'remote', organisation: '', online: true });
  w.meeting.editing = [
    { participantId: 'p2', itemId: null, field: 'goal' },
    { participantId: 'p3', itemId: 'i4', field: 'notes' }, // this user, in another tab
  ];
  applyWelcome(state, w);
  assert.equal(state.meeting.editing, undefined, 'kept apart from the meeting');
  assert.deepEqual(editorsOf(state, 'goal'), [{ id: 'p2', name: 'Sam' }]);
  assert.deepEqual(editorsOf(state, 'notes', 'i4'), [], 'not yourself');

  assert.equal(applyEditing(state, { type: 'editing', participantId: 'p10', itemId: 'i4', field: 'notes' }), true);
  assert.equal(applyEditing(state, { type: 'editing', participantId: 'p10', itemId: 'i4', field: 'notes' }), false);
  assert.equal(applyEditing(state, { type: 'editing', participantId: 'p2', itemId: 'i4', field: 'notes' }), true);
  assert.deepEqual(editorsOf(state, 'notes', 'i4'), [{ id: 'p2', name: 'Sam' }, { id: 'p10', name: 'Kim' }]);
  assert.deepEqual(editorsOf(state, 'goal'), []);
  assert.deepEqual(editorsOf(state, 'title', 'i4'), []);
  assert.deepEqual(editorsOf(state, 'notes', 'i5'), []);

  // Editing nothing: both fields null.
  assert.equal(applyEditing(state, { type: 'editing', participantId: 'p2', itemId: null, field: null }), true);
  assert.equal(applyEditing(state, { type: 'editing', participantId: 'p2', itemId: null, field: null }), false);
  assert.deepEqual(editorsOf(state, 'notes', 'i4'), [{ id: 'p10', name: 'Kim' }]);

  // Someone the model does not know yet shows under their id, until they go offline.
  applyEditing(state, { type: 'editing', participantId: 'p12', itemId: null, field: 'goal' });
  assert.deepEqual(editorsOf(state, 'goal'), [{ id: 'p12', name: 'p12' }]);
  assert.equal(applyPresence(state, { type: 'presence', participantId: 'p12', online: false }), true);
  assert.deepEqual(editorsOf(state, 'goal'), []);
});

test('Editing_ClearedWhenTheParticipantGoesOffline_OrTheItemIsDeleted_OrASnapshotSaysSo', () => {
  const state = joinedState();
  applyEvent(state, addItem('i4'));
  applyEditing(state, { type: 'editing', participantId: 'p2', itemId: 'i4', field: 'title' });
  assert.equal(applyPresence(state, { type: 'presence', participantId: 'p2', online: false }), true);
  assert.deepEqual(editorsOf(state, 'title', 'i4'), []);

  applyPresence(state, { type: 'presence', participantId: 'p2', online: true });
  applyEditing(state, { type: 'editing', participantId: 'p2', itemId: 'i4', field: 'title' });
  applyEvent(state, ev('item_deleted', { itemId: 'i4' }));
  assert.equal(state.editing.size, 0);

  applyEditing(state, { type: 'editing', participantId: 'p2', itemId: null, field: 'goal' });
  applyWelcome(state, snapshotWelcome({ version: 20 }));
  assert.equal(state.editing.size, 0, 'a snapshot without editing entries clears them');
});

test('Editing_ResumeKeepsWhatIsKnown', () => {
  const state = joinedState();
  applyEditing(state, { type: 'editing', participantId: 'p2', itemId: null, field: 'goal' });
  const resumed = { type: 'welcome', v: 1, cid: 'x-2', serverTime: 0, version: 3, you: { participantId: 'p3', role: 'member' }, token: 't2', resumeFrom: 3 };
  assert.equal(applyWelcome(state, resumed), 'resumed');
  assert.deepEqual(editorsOf(state, 'goal'), [{ id: 'p2', name: 'Sam' }]);
});
