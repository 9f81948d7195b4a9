// The web client's model of a replaced join code (web-client/state.js): `join_code_set` puts
// the new code in the meeting, so every screen shows it and the join link built from it
// (PROTOCOL.md "rotate_join_code").

import { test } from 'node:test';
import assert from 'node:assert/strict';

import { applyEvent, applyWelcome, createState } from '../../web-client/state.js';

const AT = 1795000000000;

function meeting(role) {
  const state = createState();
  applyWelcome(state, {
    type: 'welcome', v: 1, cid: 'x-1', serverTime: AT, version: 5, token: 'tok',
    you: { participantId: 'p2', role },
    meeting: {
      id: 'm1', title: 'T', goal: 'G', phase: 'live', joinCode: 'ABCD-EFGH', sections: [], items: [],
      participants: [{ id: 'p1', name: 'F', role: 'facilitator', attendance: 'room', organisation: '', online: true }],
    },
  });
  return state;
}

for (const role of ['facilitator', 'member', 'observer']) {
  test(`join_code_set replaces the code (${role})`, () => {
    const state = meeting(role);
    const ev = { type: 'event', seq: 6, at: AT, actor: 'p1', kind: 'join_code_set', data: { joinCode: 'WXYZ-2345' } };
    assert.equal(applyEvent(state, ev), 'applied');
    assert.equal(state.meeting.joinCode, 'WXYZ-2345');
    assert.equal(state.version, 6);
    // The same event again (a resume's replay) changes nothing.
    assert.equal(applyEvent(state, ev), 'duplicate');
    assert.equal(applyEvent(state, { ...ev, seq: 7, data: { joinCode: 'MNPQ-6789' } }), 'applied');
    assert.equal(state.meeting.joinCode, 'MNPQ-6789');
  });
}
