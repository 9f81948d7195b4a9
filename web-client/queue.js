export const copyQueue = (q) =>
	({ order: q?.order || 'raised', hands: structuredClone(q?.hands || []), turns: { ...q?.turns }, speaker: q?.speaker ?? null });

const lower = (q, id) => { q.hands = q.hands.filter((x) => x.participantId !== id); };

export const QUEUE_EVENTS = {
	hand_raised(m, d, ev) {
		if (!handUp(m.queue, d.participantId)) m.queue.hands.push({ participantId: d.participantId, raisedAt: ev.at });
	},
	hand_lowered: (m, d) => lower(m.queue, d.participantId),
	speaker_called(m, d) {
		const q = m.queue;
		lower(q, d.participantId);
		q.turns[d.participantId] = (q.turns[d.participantId] || 0) + 1;
		q.speaker = d.participantId;
	},
	queue_cleared(m) { Object.assign(m.queue, { hands: [], speaker: null }); },
	queue_order_set(m, d) { m.queue.order = d.order; },
};

export const turnsOf = (q, id) => q.turns[id] || 0;
export const handUp = (q, id) => q.hands.some((x) => x.participantId === id);

// Ties as raised: sort is stable.
export function queueOrder(q) {
	const hands = [...q.hands];
	return q.order === 'fewest_turns' ? hands.sort((a, b) => turnsOf(q, a.participantId) - turnsOf(q, b.participantId)) : hands;
}

export const canRaise = (state) => state.you?.role !== 'observer' && !!state.meeting && state.meeting.phase !== 'ended';
