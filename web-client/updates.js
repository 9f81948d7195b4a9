// now: server time.

import { t } from './i18n.js';

const WARNING_AT = 0.8; // of the budget
const TIME_SIGNAL_MS = 3000; // "Time", then overrun

export const findSlot = (m, id) => m.updates.slots.find((s) => s.id === id);
export const activeSlot = (u) => u.slots.find((s) => s.state === 'running' || s.state === 'paused');
export const canStart = (u, s) => (s.state === 'pending' || s.state === 'skipped') && !activeSlot(u);
export const budgetMs = (s) => (s.seconds + (s.extendedSeconds || 0)) * 1000;
export const copyUpdates = (u) => ({ autoAdvance: Boolean(u?.autoAdvance), slots: structuredClone(u?.slots || []) });

export function place(list, entry, index) {
	const rest = list.filter((x) => x !== entry);
	rest.splice(Math.max(0, Math.min(Number.isInteger(index) ? index : rest.length, rest.length)), 0, entry);
	return rest;
}

// undefined deletes: deadline only while running, remainingMs while paused.
function set(m, d, fields) {
	const s = findSlot(m, d.slotId);
	for (const [k, v] of Object.entries(s ? fields : {})) if (v === undefined) delete s[k]; else s[k] = v;
	return s;
}

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
	slot_removed(m, d) { m.updates.slots = m.updates.slots.filter((s) => s.id !== d.slotId); },
	// Also restarts a skipped slot.
	slot_started(m, d) {
		m.currentSection = 'partner_updates';
		set(m, d, { state: 'running', deadline: d.deadline, expired: false, remainingMs: undefined, usedMs: undefined, overrunMs: undefined, endReason: undefined });
	},
	slot_paused: (m, d) => set(m, d, { state: 'paused', remainingMs: d.remainingMs, deadline: undefined }),
	slot_resumed: (m, d) => set(m, d, { state: 'running', deadline: d.deadline, remainingMs: undefined }),
	slot_extended(m, d, ev) {
		const s = findSlot(m, d.slotId);
		if (!s) return;
		s.extendedSeconds = (s.extendedSeconds || 0) + d.seconds;
		if (d.deadline !== undefined) s.deadline = d.deadline;
		if (d.remainingMs !== undefined) s.remainingMs = d.remainingMs;
		if (remainingMs(s, ev.at) > 0) s.expired = false;
	},
	slot_expired: (m, d) => set(m, d, { expired: true }),
	slot_ended: (m, d) =>
		set(m, d, { state: d.state, usedMs: d.usedMs, overrunMs: d.overrunMs, endReason: d.reason, deadline: undefined, remainingMs: undefined }),
	auto_advance_set(m, d) { m.updates.autoAdvance = Boolean(d.on); },
	section_moved(m, d) {
		const s = m.sections.find((x) => x.id === d.section);
		if (s) m.sections = place(m.sections, s, d.index);
	},
	section_entered(m, d) { m.currentSection = d.section; },
};

// Negative once over.
export function remainingMs(s, now) {
	if (s.state === 'running') return s.deadline - now;
	return s.state === 'paused' ? s.remainingMs : null;
}

export function slotPhase(s, now) {
	const left = remainingMs(s, now);
	if (left === null || budgetMs(s) - left < budgetMs(s) * WARNING_AT) return 'normal';
	if (left > 0) return 'warning';
	return left > -TIME_SIGNAL_MS ? 'time' : 'overrun';
}

// The live region is not chatty.
export function announcement(before, after) {
	if (before === null || after === null) return null;
	if (before > 0 && after <= 0) return t('Time');
	return before > 60000 && after <= 60000 && after > 0 ? t('1 minute left') : null;
}

// Rounds up (00:00 only at zero); an overrun down.
export function formatDuration(ms) {
	const s = ms >= 0 ? Math.ceil(ms / 1000) : Math.floor(-ms / 1000);
	const two = (n) => String(n).padStart(2, '0');
	return `${two(Math.floor(s / 60))}:${two(s % 60)}`;
}

// Updates fill the time they get.
export function partnerUpdatesBeforeItems(sections) {
	const ids = sections.map((s) => s.id);
	const updates = ids.indexOf('partner_updates');
	return updates >= 0 && ids.includes('action_items') && updates < ids.indexOf('action_items');
}

export const updatesAfterItems = (sections) =>
	({ type: 'move_section', section: 'partner_updates', index: sections.findIndex((s) => s.id === 'action_items') });
