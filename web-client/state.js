// Pure: snapshot plus events. Unsent typing lives in text_sync.js.

import { apply } from './text_ot.js';
import { QUEUE_EVENTS, copyQueue } from './queue.js';
import { UPDATE_EVENTS, copyUpdates, place } from './updates.js';
import { VOTE_EVENTS, addJoinerToVotes, copyVotes } from './votes.js';
import { t } from './i18n.js';

export const ITEM_STATUSES = ['proposed', 'agreed', 'in_progress', 'done', 'dropped'];
export const PHASES = ['lobby', 'live', 'ended'];
export const ATTENDANCE_LABELS = { room: t('In room'), remote: t('Remote') };
const TEXT_FIELDS = ['goal', 'title', 'notes'];

export function createState() {
	return {
		version: 0, // last applied seq
		meeting: null,
		you: null,
		// before participant_joined
		earlyPresence: new Map(),
		// id -> {itemId, field}
		editing: new Map(),
	};
}

const copyEach = (list) => (list || []).map((x) => ({ ...x }));

// mismatch: resumed from another seq.
export function applyWelcome(state, welcome) {
	state.you = { ...welcome.you };
	state.token = welcome.token;
	if (welcome.meeting) {
		const m = welcome.meeting;
		state.meeting = {
			...m,
			sections: copyEach(m.sections),
			participants: copyEach(m.participants),
			items: copyEach(m.items),
			votes: copyVotes(m.votes), // oldest first
			updates: copyUpdates(m.updates),
			queue: copyQueue(m.queue),
		};
		delete state.meeting.editing;
		state.version = welcome.version;
		state.earlyPresence.clear();
		state.editing.clear();
		for (const e of m.editing || []) applyEditing(state, e);
		return 'snapshot';
	}
	if (state.meeting && welcome.resumeFrom === state.version) return 'resumed';
	return 'mismatch';
}

export function applyEvent(state, ev) {
	if (!state.meeting) return 'gap';
	if (ev.seq <= state.version) return 'duplicate';
	if (ev.seq !== state.version + 1) return 'gap';
	const handler = EVENT_HANDLERS[ev.kind];
	// An unknown kind still takes its seq.
	if (handler && handler(state.meeting, ev.data || {}, ev, state) === false) return 'gap';
	state.version = ev.seq;
	return 'applied';
}

export function applyPresence(state, { participantId: id, online }) {
	const p = state.meeting && findParticipant(state, id);
	if (!p) {
		state.earlyPresence.set(id, Boolean(online));
		return !online && state.editing.delete(id);
	}
	const changed = p.online !== Boolean(online);
	p.online = Boolean(online);
	// The server's `editing` may be lost in a reconnect.
	return (!online && state.editing.delete(id)) || changed;
}

export function applyEditing(state, msg) {
	if (!msg.field) return state.editing.delete(msg.participantId);
	const before = state.editing.get(msg.participantId);
	const itemId = msg.field === 'goal' ? null : (msg.itemId ?? null);
	if (before?.field === msg.field && before.itemId === itemId) return false;
	state.editing.set(msg.participantId, { field: msg.field, itemId });
	return true;
}

// In id order: markers keep their places.
export function editorsOf(state, field, itemId = null) {
	const you = state.you?.participantId;
	return [...state.editing].filter(([id, e]) => id !== you && e.field === field && (field === 'goal' || e.itemId === itemId))
		.map(([id]) => ({ id, name: findParticipant(state, id)?.name ?? id })).sort((a, b) => compareIds(a.id, b.id));
}

const compareIds = (a, b) => a.length - b.length || (a < b ? -1 : a > b ? 1 : 0);

export const findParticipant = (state, id) => state.meeting?.participants.find((p) => p.id === id);
export const me = (state) => state.you && findParticipant(state, state.you.participantId);
export const role = (state) => state.you?.role ?? 'observer';
export const isFacilitator = (state) => role(state) === 'facilitator';
export const canFacilitate = (state) => isFacilitator(state) && state.meeting?.phase !== 'ended';

// The UI only hides what the server would refuse.
export const canEditItems = (state) => role(state) !== 'observer' && !!state.meeting && state.meeting.phase !== 'ended';

function assignTo(list, data, idKey) {
	const entry = list.find((x) => x.id === data[idKey]);
	for (const [k, v] of Object.entries(entry ? data : {})) if (k !== idKey) entry[k] = v;
}

const EVENT_HANDLERS = {
	meeting_created(m, d) {
		for (const k of ['title', 'goal', 'joinCode', 'previous']) if (d[k] !== undefined) m[k] = d[k];
	},
	participant_joined(m, d, ev, state) {
		// Joined over a live connection.
		const online = state.earlyPresence.get(d.participantId) ?? true;
		state.earlyPresence.delete(d.participantId);
		const p = { id: d.participantId, name: d.name, role: d.role, attendance: d.attendance, organisation: d.organisation || '', online };
		const at = m.participants.findIndex((x) => x.id === p.id);
		if (at >= 0) m.participants[at] = p;
		else m.participants.push(p);
		addJoinerToVotes(m, p);
	},
	participant_updated: (m, d) => assignTo(m.participants, d, 'participantId'),
	// Kept for names in minutes.
	participant_removed(m, d, ev, state) {
		assignTo(m.participants, { participantId: d.participantId, removed: true }, 'participantId');
		state.editing.delete(d.participantId);
	},
	title_set(m, d) { m.title = d.title; },
	join_code_set(m, d) { m.joinCode = d.joinCode; },
	goal_set(m, d) { m.goal = d.goal; },
	phase_set(m, d) {
		m.phase = d.phase;
		if (d.phase === 'live' && !m.currentSection) m.currentSection = m.sections.find((s) => s.id !== 'goal')?.id ?? '';
	},
	item_added(m, d, ev) {
		const item = {
			id: d.itemId, title: d.title, notes: d.notes || '', owner: d.owner || '', due: d.due || '',
			status: d.status || 'proposed', createdBy: ev.actor, ...(d.carriedFrom && { carriedFrom: d.carriedFrom }),
		};
		m.items = place(m.items.filter((x) => x.id !== item.id), item, d.index);
	},
	item_updated: (m, d) => assignTo(m.items, d, 'itemId'),
	item_moved(m, d) {
		const item = m.items.find((x) => x.id === d.itemId);
		if (item) m.items = place(m.items, item, d.index);
	},
	item_deleted(m, d, ev, state) {
		m.items = m.items.filter((x) => x.id !== d.itemId);
		for (const [id, e] of state.editing) if (e.itemId === d.itemId) state.editing.delete(id);
	},
	text_edited(m, d) {
		const target = d.field === 'goal' ? m : m.items.find((x) => x.id === d.itemId);
		if (!target || !TEXT_FIELDS.includes(d.field)) return true;
		try {
			target[d.field] = apply(target[d.field] ?? '', d.op);
		} catch {
			return false;
		}
		return true;
	},
	...VOTE_EVENTS,
	...UPDATE_EVENTS,
	...QUEUE_EVENTS,
};
