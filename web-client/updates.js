// Partner updates and the agenda's order in the model (PROTOCOL.md "Partner updates: the
// time-boxed slots", "Agenda order"): events folded into meeting.updates and meeting.sections
// (the snapshot's shapes), and pure helpers for the view. Times come in as the server's clock
// (server_clock.js), so every screen shows the same countdown.

// Used share of the budget from which a running slot shows its warning.
export const WARNING_AT = 0.8;
// How long past zero "Time" shows before the overrun counter takes over.
export const TIME_SIGNAL_MS = 3000;

export const findSlot = (m, id) => m?.updates?.slots.find((s) => s.id === id);
export const isActive = (s) => s.state === 'running' || s.state === 'paused';
export const activeSlot = (u) => u.slots.find(isActive);
export const canStart = (u, s) => (s.state === 'pending' || s.state === 'skipped') && !activeSlot(u);
export const budgetMs = (s) => (s.seconds + (s.extendedSeconds || 0)) * 1000;

export function copyUpdates(u) {
  return { autoAdvance: Boolean(u?.autoAdvance), slots: structuredClone(u?.slots || []) };
}

// Puts `entry` at `index` (clamped), out of wherever it was: the meaning of every list index.
export function place(list, entry, index) {
  const rest = list.filter((x) => x !== entry);
  rest.splice(Math.max(0, Math.min(Number.isInteger(index) ? index : rest.length, rest.length)), 0, entry);
  return rest;
}

const without = (s, ...keys) => keys.forEach((k) => delete s[k]);

// Handlers (meeting, data, event), merged into state.js's.
export const UPDATE_EVENTS = {
  slot_added(m, d) {
    const slot = {
      id: d.slotId, organisation: d.organisation, speaker: d.speaker ?? '', seconds: d.seconds,
      extendedSeconds: 0, state: 'pending', expired: false,
    };
    m.updates.slots = place(m.updates.slots.filter((s) => s.id !== slot.id), slot, d.index);
  },
  slot_updated(m, d) {
    const s = findSlot(m, d.slotId);
    for (const k of ['organisation', 'speaker', 'seconds']) if (s && d[k] !== undefined) s[k] = d[k];
  },
  slot_moved(m, d) {
    const s = findSlot(m, d.slotId);
    if (s) m.updates.slots = place(m.updates.slots, s, d.index);
  },
  slot_removed(m, d) {
    m.updates.slots = m.updates.slots.filter((s) => s.id !== d.slotId);
  },
  // Also a skipped slot started again: what it had when it ended no longer holds.
  slot_started(m, d) {
    const s = findSlot(m, d.slotId);
    if (!s) return;
    Object.assign(s, { state: 'running', deadline: d.deadline, expired: false });
    without(s, 'remainingMs', 'usedMs', 'overrunMs', 'endReason');
  },
  slot_paused(m, d) {
    const s = findSlot(m, d.slotId);
    if (!s) return;
    Object.assign(s, { state: 'paused', remainingMs: d.remainingMs });
    without(s, 'deadline');
  },
  slot_resumed(m, d) {
    const s = findSlot(m, d.slotId);
    if (!s) return;
    Object.assign(s, { state: 'running', deadline: d.deadline });
    without(s, 'remainingMs');
  },
  // An extension that gives time back makes the slot able to expire again.
  slot_extended(m, d, ev) {
    const s = findSlot(m, d.slotId);
    if (!s) return;
    s.extendedSeconds = (s.extendedSeconds || 0) + d.seconds;
    if (d.deadline !== undefined) s.deadline = d.deadline;
    if (d.remainingMs !== undefined) s.remainingMs = d.remainingMs;
    if (remainingMs(s, ev.at) > 0) s.expired = false;
  },
  slot_expired(m, d) {
    const s = findSlot(m, d.slotId);
    if (s) s.expired = true;
  },
  slot_ended(m, d) {
    const s = findSlot(m, d.slotId);
    if (!s) return;
    Object.assign(s, { state: d.state, usedMs: d.usedMs, overrunMs: d.overrunMs, endReason: d.reason });
    without(s, 'deadline', 'remainingMs');
  },
  auto_advance_set(m, d) {
    m.updates.autoAdvance = Boolean(d.on);
  },
  section_moved(m, d) {
    const s = m.sections.find((x) => x.id === d.section);
    if (s) m.sections = place(m.sections, s, d.index);
  },
};

// Ms left of the active slot at server time `now`, negative once over; null when not active.
export function remainingMs(s, now) {
  if (s.state === 'running') return s.deadline - now;
  return s.state === 'paused' ? s.remainingMs : null;
}

// 'normal', 'warning' (WARNING_AT of the budget used), 'time' (just reached zero) or 'overrun'.
export function slotPhase(s, now) {
  const left = remainingMs(s, now);
  if (left === null || budgetMs(s) - left < budgetMs(s) * WARNING_AT) return 'normal';
  if (left > 0) return 'warning';
  return left > -TIME_SIGNAL_MS ? 'time' : 'overrun';
}

// What to tell a screen reader when the time left goes from `before` to `after` ms (null:
// nothing). Only the two crossings, so that the live region is not chatty.
export function announcement(before, after) {
  if (before === null || after === null) return null;
  if (before > 0 && after <= 0) return 'Time';
  return before > 60000 && after <= 60000 && after > 0 ? '1 minute left' : null;
}

// "mm:ss" of a duration. A countdown rounds up (it reads 00:00 only at zero), an overrun down.
export function formatDuration(ms) {
  const s = ms >= 0 ? Math.ceil(ms / 1000) : Math.floor(-ms / 1000);
  const two = (n) => String(n).padStart(2, '0');
  return `${two(Math.floor(s / 60))}:${two(s % 60)}`;
}

// True when partner updates come before the action items: a common mistake, since updates fill
// whatever time they get and the decisions on the items are then squeezed into the last minutes.
export function partnerUpdatesBeforeItems(sections) {
  const ids = sections.map((s) => s.id);
  const updates = ids.indexOf('partner_updates');
  return updates >= 0 && ids.includes('action_items') && updates < ids.indexOf('action_items');
}

// The move_section that puts partner updates right after the action items.
export function updatesAfterItems(sections) {
  return { type: 'move_section', section: 'partner_updates', index: sections.findIndex((s) => s.id === 'action_items') };
}
