// The web client's model of the speaking queue (web-client/queue.js through state.js): the
// snapshot's `queue`, raising and lowering hands, calling speakers, clearing, and the order the
// hands are called in, as raised or fewest turns first (PROTOCOL.md "Speaking queue").

import { test } from 'node:test';
import assert from 'node:assert/strict';

import { applyEvent, applyWelcome, createState } from '../../web-client/state.js';
import { canRaise, handUp, queueOrder, turnsOf } from '../../web-client/queue.js';

const AT = 1795000000000;

function meeting({ queue, role = 'member', phase = 'live' } = {}) {
  const state = createState();
  applyWelcome(state, {
    type: 'welcome', v: 1, cid: 'x-1', serverTime: AT, version: 3, token: 'tok',
    you: { participantId: 'p3', role },
    meeting: {
      id: 'm1', title: 'T', goal: 'G', phase, joinCode: 'ABCD-EFGH', sections: [], participants: [], items: [],
      ...(queue ? { queue } : {}),
    },
  });
  let seq = 3;
  const apply = (kind, data = {}) => {
    seq += 1;
    assert.equal(applyEvent(state, { type: 'event', seq, at: AT + seq, actor: 'p2', kind, data }), 'applied', kind);
  };
  const q = () => state.meeting.queue;
  return { state, apply, q, order: () => queueOrder(q()).map((x) => x.participantId) };
}

test('a welcome without a queue gives an empty one, ordered as raised', () => {
  const { q } = meeting();
  assert.deepEqual(q(), { order: 'raised', hands: [], turns: {}, speaker: null });
});

test('the snapshot\'s queue is copied', () => {
  const queue = { order: 'fewest_turns', hands: [{ participantId: 'p5', raisedAt: AT }], turns: { p3: 1 }, speaker: 'p3' };
  const { q } = meeting({ queue });
  queue.hands.push({ participantId: 'p6', raisedAt: AT });
  queue.turns.p3 = 7;
  assert.deepEqual(q(), { order: 'fewest_turns', hands: [{ participantId: 'p5', raisedAt: AT }], turns: { p3: 1 }, speaker: 'p3' });
});

test('hands queue in the order they went up; lowering takes one out', () => {
  const { apply, q, order } = meeting();
  for (const p of ['p4', 'p2', 'p3', 'p5']) apply('hand_raised', { participantId: p });
  assert.deepEqual(order(), ['p4', 'p2', 'p3', 'p5']);
  assert.equal(q().hands[0].raisedAt, AT + 4);
  assert.equal(handUp(q(), 'p3'), true);
  apply('hand_lowered', { participantId: 'p3' });
  assert.equal(handUp(q(), 'p3'), false);
  assert.deepEqual(order(), ['p4', 'p2', 'p5']);
  apply('hand_raised', { participantId: 'p3' });
  assert.deepEqual(order(), ['p4', 'p2', 'p5', 'p3'], 'raised again: at the back');
});

test('calling a speaker takes their hand down, counts a turn and names the speaker', () => {
  const { apply, q, order } = meeting();
  for (const p of ['p4', 'p2', 'p5']) apply('hand_raised', { participantId: p });
  apply('speaker_called', { participantId: 'p2' });
  assert.equal(q().speaker, 'p2');
  assert.deepEqual(order(), ['p4', 'p5']);
  assert.equal(turnsOf(q(), 'p2'), 1);
  assert.equal(turnsOf(q(), 'p4'), 0);
  apply('hand_raised', { participantId: 'p2' });
  apply('speaker_called', { participantId: 'p2' });
  assert.equal(turnsOf(q(), 'p2'), 2);
  apply('queue_cleared');
  assert.deepEqual([q().hands, q().speaker], [[], null]);
  assert.equal(turnsOf(q(), 'p2'), 2, 'clearing the queue keeps the turns of the meeting');
});

test('fewest turns first: by turns, then as raised; switching back restores the raise order', () => {
  const { apply, order } = meeting();
  // p4 and p5 have spoken once, p2 twice, p6 never.
  for (const p of ['p4', 'p5', 'p2']) {
    apply('hand_raised', { participantId: p });
    apply('speaker_called', { participantId: p });
  }
  apply('hand_raised', { participantId: 'p2' });
  apply('speaker_called', { participantId: 'p2' });
  for (const p of ['p2', 'p5', 'p6', 'p4']) apply('hand_raised', { participantId: p });
  assert.deepEqual(order(), ['p2', 'p5', 'p6', 'p4']);
  apply('queue_order_set', { order: 'fewest_turns' });
  assert.deepEqual(order(), ['p6', 'p5', 'p4', 'p2']);
  apply('queue_order_set', { order: 'raised' });
  assert.deepEqual(order(), ['p2', 'p5', 'p6', 'p4']);
});

test('members and the facilitator raise hands until the meeting ends; observers never', () => {
  assert.equal(canRaise(meeting().state), true);
  assert.equal(canRaise(meeting({ role: 'facilitator' }).state), true);
  assert.equal(canRaise(meeting({ role: 'observer' }).state), false);
  assert.equal(canRaise(meeting({ phase: 'ended' }).state), false);
});
