// The web client's model of participants being removed (web-client/state.js): the snapshot's
// `removed` flag is kept, and `participant_removed` marks the participant without dropping them
// (votes and the minutes still name them), and forgets what they were editing
// (PROTOCOL.md "remove_participant").

import { test } from 'node:test';
import assert from 'node:assert/strict';

import { applyEditing, applyEvent, applyWelcome, createState, findParticipant } from '../../web-client/state.js';

const AT = 1795000000000;
const person = (id, role, extra = {}) => ({ id, name: `Name ${id}`, role, attendance: 'room', organisation: '', online: true, ...extra });

function meeting(participants) {
  const state = createState();
  applyWelcome(state, {
    type: 'welcome', v: 1, cid: 'x-1', serverTime: AT, version: 5, token: 'tok',
    you: { participantId: 'p1', role: 'facilitator' },
    meeting: { id: 'm1', title: 'T', goal: 'G', phase: 'live', joinCode: 'ABCD-EFGH', sections: [], participants, items: [] },
  });
  let seq = 5;
  const apply = (kind, data) => {
    seq += 1;
    return applyEvent(state, { type: 'event', seq, at: AT + seq, actor: 'p1', kind, data });
  };
  return { state, apply };
}

test('a snapshot keeps who was removed', () => {
  const { state } = meeting([person('p1', 'facilitator'), person('p2', 'member', { removed: true, online: false })]);
  assert.equal(findParticipant(state, 'p2').removed, true);
  assert.equal(findParticipant(state, 'p1').removed, undefined);
});

test('participant_removed marks the participant, keeps them in the record and forgets their focus', () => {
  const { state, apply } = meeting([person('p1', 'facilitator'), person('p2', 'member'), person('p3', 'observer')]);
  applyEditing(state, { participantId: 'p2', field: 'goal' });
  assert.equal(apply('participant_removed', { participantId: 'p2' }), 'applied');
  assert.equal(state.version, 6);
  assert.deepEqual(state.meeting.participants.map((p) => [p.id, Boolean(p.removed)]), [['p1', false], ['p2', true], ['p3', false]]);
  assert.equal(findParticipant(state, 'p2').name, 'Name p2', 'still named');
  assert.equal(state.editing.has('p2'), false);
  assert.equal(apply('participant_removed', { participantId: 'p3' }), 'applied');
  assert.equal(findParticipant(state, 'p3').removed, true);
});

test('participant_removed of someone the model does not know still takes its seq', () => {
  const { state, apply } = meeting([person('p1', 'facilitator')]);
  assert.equal(apply('participant_removed', { participantId: 'p9' }), 'applied');
  assert.equal(state.version, 6);
  assert.deepEqual(state.meeting.participants.map((p) => p.id), ['p1']);
});
