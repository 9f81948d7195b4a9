// The web client's model of partner updates and of the agenda's order (web-client/updates.js
// through state.js), without a browser or a server: the snapshot's `updates`, every slot event,
// the time left and its phase at a given server time, the overrun, and the warning when partner
// updates come before the action items (PROTOCOL.md "Partner updates", "Agenda order").

import { test } from 'node:test';
import assert from 'node:assert/strict';

import { applyEvent, applyWelcome, createState } from '../../web-client/state.js';
import {
  activeSlot, announcement, budgetMs, canStart, findSlot, formatDuration, partnerUpdatesBeforeItems,
  remainingMs, slotPhase, updatesAfterItems,
} from '../../web-client/updates.js';

const AT = 1795000000000;
const SECTIONS = ['goal', 'action_items', 'partner_updates', 'wrap_up'];

function meeting(updates) {
  const state = createState();
  const welcome = {
    type: 'welcome', v: 1, cid: 'x-1', serverTime: AT, version: 10, token: 'tok',
    you: { participantId: 'p2', role: 'facilitator' },
    meeting: {
      id: 'm1', title: 'Readiness Council', goal: 'Every child ready', phase: 'live', joinCode: 'ABCD-EFGH',
      sections: SECTIONS.map((id) => ({ id, title: id })), participants: [], items: [],
      ...(updates ? { updates } : {}),
    },
  };
  assert.equal(applyWelcome(state, welcome), 'snapshot');
  let seq = 10;
  const apply = (kind, data, at = AT + (seq + 1) * 1000) => {
    seq += 1;
    assert.equal(applyEvent(state, { type: 'event', seq, at, actor: 'p2', cid: `c${seq}`, kind, data }), 'applied', kind);
  };
  const m = state.meeting;
  return { state, m, apply, slot: (id) => findSlot(m, id), ids: () => m.updates.slots.map((s) => s.id) };
}

const add = (apply, slotId, index, seconds = 120) =>
  apply('slot_added', { slotId, organisation: `Org ${slotId}`, speaker: '', seconds, index });

test('a welcome without updates gives no slots and auto-advance off', () => {
  const { m } = meeting();
  assert.deepEqual(m.updates, { autoAdvance: false, slots: [] });
});

test('the snapshot\'s slots are copied, and their time read at a server time', () => {
  const updates = {
    autoAdvance: true,
    slots: [
      { id: 'u14', organisation: 'Town Library', speaker: 'Ana', seconds: 120, extendedSeconds: 0, state: 'running', deadline: AT + 120000, expired: false },
      { id: 'u15', organisation: 'Head Start', speaker: '', seconds: 120, extendedSeconds: 30, state: 'paused', remainingMs: -4200, expired: true },
      { id: 'u16', organisation: 'Parks', speaker: 'Lee', seconds: 90, extendedSeconds: 0, state: 'done', usedMs: 95000, overrunMs: 5000, endReason: 'next' },
    ],
  };
  const { m, slot } = meeting(updates);
  assert.equal(m.updates.autoAdvance, true);
  updates.slots[0].deadline = 0;
  assert.equal(slot('u14').deadline, AT + 120000, 'a copy, not the message');
  assert.equal(remainingMs(slot('u14'), AT + 20000), 100000);
  assert.equal(remainingMs(slot('u15'), AT + 999999), -4200, 'paused: the clock does not matter');
  assert.equal(budgetMs(slot('u15')), 150000);
  assert.equal(remainingMs(slot('u16'), AT), null);
  assert.equal(slotPhase(slot('u16'), AT), 'normal');
  assert.equal(activeSlot(m.updates).id, 'u14');
});

test('slot_added, slot_moved and slot_removed keep the list in the server\'s order', () => {
  const { apply, slot, ids } = meeting();
  add(apply, 'u1', 0);
  add(apply, 'u2', 5); // clamped to the end
  add(apply, 'u3', 0);
  assert.deepEqual(ids(), ['u3', 'u1', 'u2']);
  assert.deepEqual(slot('u1'), {
    id: 'u1', organisation: 'Org u1', speaker: '', seconds: 120, extendedSeconds: 0, state: 'pending', expired: false,
  });
  apply('slot_moved', { slotId: 'u3', index: 2 });
  assert.deepEqual(ids(), ['u1', 'u2', 'u3']);
  apply('slot_moved', { slotId: 'u2', index: 0 });
  assert.deepEqual(ids(), ['u2', 'u1', 'u3']);
  apply('slot_removed', { slotId: 'u1' });
  assert.deepEqual(ids(), ['u2', 'u3']);
  apply('slot_updated', { slotId: 'u3', speaker: 'Kim', seconds: 90 });
  assert.equal(slot('u3').speaker, 'Kim');
  assert.equal(slot('u3').seconds, 90);
  assert.equal(slot('u3').organisation, 'Org u3', 'fields not named stay');
});

test('a slot runs, pauses, resumes, is extended, expires and ends with its used time', () => {
  const { m, apply, slot } = meeting();
  add(apply, 'u1', 0, 100);
  add(apply, 'u2', 1);
  assert.equal(canStart(m.updates, slot('u1')), true);
  apply('slot_started', { slotId: 'u1', deadline: AT + 200000 });
  assert.equal(slot('u1').state, 'running');
  assert.equal(canStart(m.updates, slot('u2')), false, 'one active slot at a time');
  assert.equal(remainingMs(slot('u1'), AT + 150000), 50000);

  apply('slot_paused', { slotId: 'u1', remainingMs: 30000 });
  assert.equal(slot('u1').state, 'paused');
  assert.equal(slot('u1').deadline, undefined);
  assert.equal(remainingMs(slot('u1'), AT + 900000), 30000);

  apply('slot_extended', { slotId: 'u1', seconds: 30, remainingMs: 60000 });
  assert.equal(slot('u1').extendedSeconds, 30);
  assert.equal(budgetMs(slot('u1')), 130000);
  assert.equal(remainingMs(slot('u1'), AT), 60000);

  apply('slot_resumed', { slotId: 'u1', deadline: AT + 300000 });
  assert.equal(slot('u1').remainingMs, undefined);
  assert.equal(remainingMs(slot('u1'), AT + 310000), -10000, 'negative past the deadline: the overrun');
  apply('slot_expired', { slotId: 'u1', deadline: AT + 300000 });
  assert.equal(slot('u1').expired, true);

  // Time given back: the slot may expire again at its new deadline.
  apply('slot_extended', { slotId: 'u1', seconds: 60, deadline: AT + 360000 }, AT + 311000);
  assert.equal(slot('u1').expired, false);
  assert.equal(slot('u1').extendedSeconds, 90);
  apply('slot_expired', { slotId: 'u1', deadline: AT + 360000 });

  apply('slot_ended', { slotId: 'u1', state: 'done', reason: 'next', usedMs: 195000, overrunMs: 5000 });
  assert.deepEqual(
    [slot('u1').state, slot('u1').usedMs, slot('u1').overrunMs, slot('u1').endReason, slot('u1').deadline],
    ['done', 195000, 5000, 'next', undefined],
  );
  assert.equal(activeSlot(m.updates), undefined);
  assert.equal(canStart(m.updates, slot('u1')), false, 'a slot that ran is done');
  assert.equal(canStart(m.updates, slot('u2')), true);
});

test('an extension that leaves the slot over its time keeps it expired', () => {
  const { apply, slot } = meeting();
  add(apply, 'u1', 0, 60);
  apply('slot_started', { slotId: 'u1', deadline: AT + 60000 });
  apply('slot_expired', { slotId: 'u1', deadline: AT + 60000 });
  apply('slot_extended', { slotId: 'u1', seconds: 30, deadline: AT + 90000 }, AT + 120000);
  assert.equal(slot('u1').expired, true);
});

test('a skipped slot started again forgets how it ended', () => {
  const { m, apply, slot } = meeting();
  add(apply, 'u1', 0);
  apply('slot_ended', { slotId: 'u1', state: 'skipped', reason: 'skip', usedMs: 0, overrunMs: 0 });
  assert.equal(slot('u1').state, 'skipped');
  assert.equal(canStart(m.updates, slot('u1')), true, 'a partner who arrived late');
  apply('slot_started', { slotId: 'u1', deadline: AT + 120000 });
  assert.equal(slot('u1').state, 'running');
  for (const k of ['usedMs', 'overrunMs', 'endReason']) assert.equal(slot('u1')[k], undefined, k);
});

test('auto_advance_set switches auto-advance', () => {
  const { m, apply } = meeting();
  apply('auto_advance_set', { on: true });
  assert.equal(m.updates.autoAdvance, true);
  apply('auto_advance_set', { on: false });
  assert.equal(m.updates.autoAdvance, false);
});

test('the phase: normal, warning from 80% of the budget used, time at zero, then overrun', () => {
  const slot = { state: 'running', seconds: 100, extendedSeconds: 0, deadline: AT + 100000 };
  const at = (used) => slotPhase(slot, AT + used);
  assert.equal(at(0), 'normal');
  assert.equal(at(79999), 'normal');
  assert.equal(at(80000), 'warning');
  assert.equal(at(99999), 'warning');
  assert.equal(at(100000), 'time');
  assert.equal(at(102999), 'time');
  assert.equal(at(103000), 'overrun');
  // An extension moves the warning with the budget.
  const extended = { ...slot, extendedSeconds: 100, deadline: AT + 200000 };
  assert.equal(slotPhase(extended, AT + 150000), 'normal');
  assert.equal(slotPhase(extended, AT + 160000), 'warning');
  // Paused, the phase is that of the time left when it paused.
  assert.equal(slotPhase({ state: 'paused', seconds: 100, extendedSeconds: 0, remainingMs: -60000 }, 0), 'overrun');
});

test('durations read mm:ss; a countdown rounds up, an overrun down', () => {
  assert.equal(formatDuration(120000), '02:00');
  assert.equal(formatDuration(61001), '01:02');
  assert.equal(formatDuration(400), '00:01');
  assert.equal(formatDuration(0), '00:00');
  assert.equal(formatDuration(-999), '00:00');
  assert.equal(formatDuration(-65500), '01:05');
  assert.equal(formatDuration(3600000), '60:00');
});

test('announcements come once, at one minute left and at zero', () => {
  assert.equal(announcement(60500, 59800), '1 minute left');
  assert.equal(announcement(59800, 59600), null);
  assert.equal(announcement(200, -100), 'Time');
  assert.equal(announcement(-100, -300), null);
  assert.equal(announcement(null, 50000), null, 'no announcement for what was already so on arrival');
  assert.equal(announcement(61000, -10), 'Time', 'a jump past both says the latest');
});

test('section_moved reorders the agenda; partner updates before the action items is flagged', () => {
  const { m, apply } = meeting();
  const order = () => m.sections.map((s) => s.id);
  assert.equal(partnerUpdatesBeforeItems(m.sections), false);
  apply('section_moved', { section: 'partner_updates', index: 1 });
  assert.deepEqual(order(), ['goal', 'partner_updates', 'action_items', 'wrap_up']);
  assert.equal(partnerUpdatesBeforeItems(m.sections), true);

  // The facilitator's "move them back" puts them right after the action items.
  const back = updatesAfterItems(m.sections);
  assert.deepEqual(back, { type: 'move_section', section: 'partner_updates', index: 2 });
  apply('section_moved', { section: back.section, index: back.index });
  assert.deepEqual(order(), SECTIONS);
  assert.equal(partnerUpdatesBeforeItems(m.sections), false);

  apply('section_moved', { section: 'wrap_up', index: 1 });
  assert.deepEqual(order(), ['goal', 'wrap_up', 'action_items', 'partner_updates']);
  assert.equal(partnerUpdatesBeforeItems(m.sections), false, 'only the updates-before-items order is the mistake');
  assert.equal(partnerUpdatesBeforeItems([{ id: 'goal' }, { id: 'partner_updates' }]), false);
});
