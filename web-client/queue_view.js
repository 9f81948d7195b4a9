import { h, renderList, runCommand, setText } from './dom.js';
import { ATTENDANCE_LABELS, canFacilitate, findParticipant } from './state.js';
import { canRaise, handUp, queueOrder, turnsOf } from './queue.js';
import { t, tn } from './i18n.js';

const turnsText = (n) => (n ? tn(n, '{n} turn', '{n} turns') : t('no turns yet'));

export function createQueueView(q, send) {
	const error = q('queue-error');
	const hand = q('hand-toggle');
	let state = null;
	const run = (command) => runCommand(send, command, error);
	const you = () => state.you.participantId;

	hand.addEventListener('click', () => run({ type: handUp(state.meeting.queue, you()) ? 'lower_hand' : 'raise_hand' }));
	q('queue-next').addEventListener('click', () => run({ type: 'call_next' }));
	q('queue-clear').addEventListener('click', () => run({ type: 'clear_queue' }));
	const orders = q('queue-order').querySelectorAll('button');
	for (const b of orders) b.addEventListener('click', () => run({ type: 'set_queue_order', order: b.dataset.order }));

	function render(next) {
		state = next;
		const { queue } = state.meeting;
		const facilitates = canFacilitate(state);
		const who = (id) => {
			const p = findParticipant(state, id);
			return p ? [p.name, ATTENDANCE_LABELS[p.attendance] ?? p.attendance] : [id, ''];
		};

		const speaker = who(queue.speaker);
		setText(q('queue-speaker'), queue.speaker ? t('Speaking: {name}', { name: `${speaker[0]}${speaker[1] && ` (${speaker[1]})`}` }) : t('Nobody has been called yet.'));
		// A live region: set only when called, so it is said once.
		setText(q('queue-your-turn'), queue.speaker === you() ? t('Your turn to speak') : '');

		hand.hidden = !canRaise(state);
		setText(hand, handUp(queue, you()) ? t('Lower hand') : t('Raise hand'));

		const hands = queueOrder(queue).map(({ participantId: id }) => [id, ...who(id), turnsOf(queue, id), id === you(), facilitates]);
		renderList(q('queue-list'), hands, ([id, name, place, turns, mine, tools]) =>
			h('li', { class: 'person', testid: 'queue-entry', 'data-participant-id': id },
				h('span', { class: 'person-main' }, h('span', { class: 'person-name' }, name), mine ? h('span', { class: 'you' }, t(' (you)')) : null,
					h('span', { class: 'org' }, [place, turnsText(turns)].filter(Boolean).join(' · '))),
				tools ? h('span', { class: 'badges' },
					h('button', { 'aria-label': t('Call {name}', { name }), onclick: () => run({ type: 'call_next', participantId: id }) }, t('Call')),
					h('button', { 'aria-label': t('Lower the hand of {name}', { name }), onclick: () => run({ type: 'lower_hand', participantId: id }) }, t('Lower')))
					: null));
		q('queue-empty').hidden = hands.length > 0;

		q('queue-tools').hidden = !facilitates;
		q('queue-next').disabled = !hands.length;
		q('queue-clear').disabled = !hands.length && !queue.speaker;
		for (const b of orders) b.setAttribute('aria-pressed', b.dataset.order === queue.order);
	}

	return { render };
}
