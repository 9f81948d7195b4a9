import { h, field, labelOf, onSubmit, renderList, runCommand, setText, showText, syncRows, toast } from './dom.js';
import { ITEM_STATUSES, canFacilitate } from './state.js';
import {
	CONSENT_CHOICES, FIST_VALUES, STAGES, buildOpenVote, canResolve, canVote, checkBallot, describeBallot, dotsPerItem,
	dotsUsed, eligibleCount, findVote, isGuest, isOpen, notVoted, secondsLeft, setOwnBallot, shownTallies, tallyRows, voterName,
} from './votes.js';
import { t } from './i18n.js';

const METHOD_LABELS = { consent: t('Consent'), fist: t('Fist of five'), dots: t('Dot voting'), stage: t('Stage check-in') };
const CLOSED = {
	facilitator: t('Closed by the facilitator.'), deadline: t('Time is up.'), all_voted: t('Everyone voted.'), meeting_ended: t('The meeting ended.'),
};

const itemTitle = (m, id) => (m.items.find((i) => i.id === id)?.title ?? t('(deleted)')) || t('(untitled)');

export function createVotesView(q, send, now) {
	const cards = new Map();
	let state = null;
	let ticker = null;
	const run = (command, box, onAck) => runCommand(send, command, box, onAck);

	const openBox = q('vote-open');
	const form = q('vote-open-form');
	const { method, itemId: itemSelect } = form.elements;
	const dotItems = document.getElementById('vote-dot-items');
	const showMethodFields = () => {
		for (const el of form.querySelectorAll('[data-for]')) el.hidden = !el.dataset.for.includes(method.value);
	};
	showMethodFields();
	method.addEventListener('change', showMethodFields);
	onSubmit(form, () => {
		const data = new FormData(form);
		const built = buildOpenVote({ ...Object.fromEntries(data), dotItemIds: data.getAll('dotItemIds') });
		const error = q('vote-open-error');
		if (built.error) error.textContent = built.error;
		else run(built.command, error, () => { form.reset(); showMethodFields(); openBox.open = false; });
	});

	function renderForm(m) {
		openBox.hidden = !canFacilitate(state);
		if (openBox.hidden) return;
		const items = m.items.map((i) => [i.id, itemTitle(m, i.id)]);
		const chosen = itemSelect.value;
		const ticked = [...dotItems.querySelectorAll('input:checked')].map((c) => c.value);
		renderList(itemSelect, [['', t('None: a free question')], ...items], ([id, title]) => h('option', { value: id }, title));
		itemSelect.value = items.some(([id]) => id === chosen) ? chosen : '';
		renderList(dotItems, items, ([id, title]) => h('label', { class: 'choice' },
			h('input', { type: 'checkbox', name: 'dotItemIds', value: id, checked: ticked.includes(id), 'data-item-id': id }), title));
	}

	function ballotControls(vote, c, who, onBallot) {
		const give = (ballot) => {
			const problem = checkBallot(vote, ballot);
			if (problem) c.error.textContent = problem;
			else onBallot(ballot);
		};
		const legend = h('legend', {}, who === 'ballot' ? t('Your ballot') : t('Their ballot'));
		const box = (...children) => h('fieldset', { class: 'ballot', testid: `vote-${who}` }, legend, ...children);
		if (vote.method === 'dots') {
			const rows = vote.itemIds.map((id) => ({
				id, name: h('span', { class: 'field-label' }),
				input: h('input', { type: 'number', min: '0', max: dotsPerItem(vote), value: '0', testid: `${who}-dots`, 'data-item-id': id }),
			}));
			const read = () => ({ dots: Object.fromEntries(rows.map((r) => [r.id, Number(r.input.value || 0)]).filter(([, n]) => n !== 0)) });
			const left = h('p', { testid: 'dots-left', 'aria-live': 'polite' });
			const showLeft = () => setText(left, t('{left} of {n} dots left', { left: vote.dotBudget - dotsUsed(read()), n: vote.dotBudget }));
			const node = box(h('div', { class: 'dot-rows' }, rows.map((r) => h('label', { class: 'field' }, r.name, r.input))), left,
				h('button', { testid: `${who}-dots-submit`, onclick: () => give(read()) }, t('Submit the dots')));
			node.addEventListener('input', showLeft);
			let shown; // typing stays until the ballot changes
			return {
				node,
				update(v, titleOf) {
					for (const r of rows) setText(r.name, titleOf(r.id));
					const mine = JSON.stringify(v.yourBallot ?? null);
					if (mine !== shown) for (const r of rows) r.input.value = v.yourBallot?.dots?.[r.id] ?? 0;
					shown = mine;
					showLeft();
				},
			};
		}
		const choose = (choice, label, ballot, props) =>
			h('button', { testid: `${who}-${choice}`, 'data-choice': choice, onclick: () => give(ballot()), ...props }, label);
		let buttons;
		let reasonField;
		if (vote.method === 'consent') {
			buttons = CONSENT_CHOICES.slice(0, 3).map((ch) => choose(ch, labelOf(ch), () => ({ choice: ch })));
			if (vote.allowBlock) {
				const reason = h('input', { testid: `${who}-block-reason`, maxlength: '280', autocomplete: 'off' });
				buttons.push(choose('block', t('Block'), () => ({ choice: 'block', reason: reason.value.trim() }), { class: 'danger' }));
				reasonField = field(t('Reason to block'), reason);
			}
		} else if (vote.method === 'stage') {
			buttons = STAGES.map((st) => choose(`stage-${st}`, labelOf(st), () => ({ stage: st })));
		} else {
			legend.append(t(': 0 (against) to 5 (fully for)'));
			buttons = FIST_VALUES.map((n) => choose(`fist-${n}`, n, () => ({ fist: n }), { 'aria-label': t('{n} of 5', { n }) }));
		}
		return {
			node: box(h('div', { class: 'phase-buttons' }, buttons), reasonField),
			update(v) {
				const b = v.yourBallot;
				const pick = b && (b.choice ?? (b.stage ? `stage-${b.stage}` : `fist-${b.fist}`));
				for (const btn of buttons) btn.setAttribute('aria-pressed', btn.dataset.choice === pick);
			},
		};
	}

	function recordForm(vote, c) {
		const who = h('select', { testid: 'record-who' });
		const name = h('input', { testid: 'record-name', maxlength: '60', autocomplete: 'off' });
		const nameField = field(t('Their name'), name);
		const ballot = ballotControls(vote, c, 'record', (b) => {
			const command = { type: 'record_ballot', voteId: c.id, ballot: b };
			if (who.value) command.participantId = who.value;
			else if (name.value.trim()) command.name = name.value.trim();
			else return (c.error.textContent = t('Whose hand? Type a name.'));
			run(command, c.error, () => { name.value = ''; toast(t('Ballot recorded.'), 'info'); });
		});
		const showName = () => { nameField.hidden = who.value !== ''; };
		who.addEventListener('change', showName);
		return {
			node: h('details', { testid: 'vote-record' }, h('summary', {}, t('Record a show of hands')),
				h('div', { class: 'vote-record' }, field(t('Whose hand'), who), nameField, ballot.node)),
			update(m, titleOf) {
				ballot.update({}, titleOf);
				const before = who.options.length ? who.value : null;
				const people = m.participants.filter((p) => p.role === 'member' && p.attendance === 'room' && !p.removed);
				renderList(who, [...people.map((p) => [p.id, p.name]), ['', t('Someone else, by name')]],
					([id, label]) => h('option', { value: id }, label));
				if ([...who.options].some((o) => o.value === before)) who.value = before;
				showName();
			},
		};
	}

	function createCard(vote) {
		const c = { id: vote.id };
		const p = (testid, props) => h('p', { class: testid, testid, ...props });
		Object.assign(c, {
			title: h('h4', { class: 'vote-title', testid: 'vote-title' }),
			state: h('span', { class: 'badge', testid: 'vote-state' }),
			items: p('vote-items'),
			settings: h('ul', { class: 'items badges', 'aria-label': t('Settings') }),
			countdown: p('vote-countdown', { role: 'timer' }),
			progress: p('vote-progress'),
			waiting: p('vote-waiting'),
			ballot: ballotControls(vote, c, 'ballot', (ballot) => run({ type: 'cast_ballot', voteId: c.id, ballot }, c.error,
				() => setOwnBallot(state, c.id, ballot) && render(state))),
			mine: p('your-ballot'),
			error: p('form-error', { testid: 'vote-error', role: 'alert' }),
			results: h('div', { testid: 'vote-results' }),
			outcome: p('vote-outcome'),
			ballots: h('ul', { 'aria-label': t('Who voted what') }),
			close: h('button', { testid: 'vote-close', onclick: () => run({ type: 'close_vote', voteId: c.id }, c.error) }, t('Close the vote')),
			record: recordForm(vote, c),
			resolve: h('div', { testid: 'vote-resolve' }, h('p', {}, t('Accept as the item’s status:')),
				h('div', { class: 'phase-buttons' }, ITEM_STATUSES.map((s) => h('button', {
					testid: `vote-resolve-${s}`, onclick: () => run({ type: 'resolve_vote', voteId: c.id, status: s }, c.error),
				}, labelOf(s))))),
		});
		c.tools = h('div', { class: 'vote-tools' }, c.close, c.record.node, c.resolve);
		c.li = h('li', { class: 'item vote', testid: 'vote', 'data-vote-id': vote.id },
			h('div', { class: 'item-head' }, c.title, h('span', { class: 'badge', testid: 'vote-method' }, METHOD_LABELS[vote.method] ?? vote.method), c.state),
			c.items, c.settings, c.countdown, c.progress, c.waiting, c.ballot.node, c.mine, c.error,
			c.results, c.outcome, c.ballots, c.tools);
		return c;
	}

	// A change rebuilds the card.
	const cardKey = (v) => JSON.stringify([v.method, v.itemIds, v.allowBlock, v.dotBudget, v.dotsPerItem]);

	function resultNodes(vote, tally, titleOf) {
		if (!tally) return [h('p', { class: 'empty', testid: 'vote-results-hidden' }, t('Results hidden until close'))];
		const rows = tallyRows(vote, tally);
		const total = rows.reduce((a, r) => a + r.count, 0) || 1;
		const label = (key) => (vote.method === 'fist' ? key : vote.method === 'dots' ? titleOf(key) : labelOf(key));
		return [
			h('ul', { class: 'items', testid: 'vote-tallies', 'aria-label': t('Results') }, rows.map((r) =>
				h('li', { class: 'tally', testid: 'tally', 'data-key': r.key, 'data-count': r.count },
					h('span', {}, label(r.key)), h('meter', { min: 0, max: total, value: r.count }),
					h('strong', {}, r.count)))),
			tally.reasons?.length ? h('ul', { 'aria-label': t('Reasons for blocking') },
				tally.reasons.map((r) => h('li', {}, t('Block: “{reason}”', { reason: r })))) : null,
		].filter(Boolean);
	}

	function updateCard(c, vote, m) {
		const open = isOpen(vote);
		const titleOf = (id) => itemTitle(m, id);
		c.li.dataset.state = open ? 'open' : 'closed';
		const titles = vote.itemIds.map(titleOf);
		setText(c.title, vote.question || (vote.method === 'stage' ? t('Which stage is our collaboration at?') : t('Vote on {items}', { items: titles.map((x) => `“${x}”`).join(', ') })));
		showText(c.items, vote.question && titles.length ? t('On: {items}', { items: titles.join(' · ') }) : '');
		setText(c.state, open ? t('Open') : t('Closed'));
		renderList(c.settings, [
			vote.visibility === 'anonymous' && ['anonymous', t('Anonymous')],
			vote.results === 'hidden' ? ['hidden', t('Results hidden until close')] : ['live', t('Live results')],
			vote.allowBlock && ['block', t('Block allowed')],
			vote.method === 'dots' && ['dots', t('{n} dots, up to {per} per item', { n: vote.dotBudget, per: dotsPerItem(vote) })],
			vote.quorum && ['quorum', t('Quorum: {n}', { n: vote.quorum })],
			vote.closeWhenAllVoted && ['all', t('Closes when everyone has voted')],
		].filter(Boolean), ([key, text]) => h('li', { class: 'badge', 'data-setting': key }, text));
		c.countdown.hidden = !open || !Number.isFinite(vote.deadline);

		const total = eligibleCount(vote);
		setText(c.progress, t('{voted} of {n} have voted', { voted: vote.voted, n: total }));
		Object.assign(c.progress.dataset, { voted: vote.voted, eligible: total });
		const waiting = open && notVoted(vote);
		showText(c.waiting, !waiting ? '' : waiting.length ? t('Not voted yet: {names}', { names: waiting.map((k) => voterName(m, k)).join(', ') }) : t('Everyone has voted.'));

		c.ballot.node.hidden = !canVote(state, vote);
		c.ballot.update(vote, titleOf);
		const mine = vote.yourBallot;
		const by = vote.yourBallotRecorded ? t(' (recorded by the facilitator)') : '';
		showText(c.mine, mine ? t('Your ballot: {ballot}', { ballot: describeBallot(vote, mine, titleOf) }) + by
			: by ? t('The facilitator recorded your ballot.') : canVote(state, vote) ? t('You have not voted yet.') : '');

		const tallies = shownTallies(vote);
		renderList(c.results, [[tallies, titles]], () => resultNodes(vote, tallies, titleOf));

		const { closed, quorum } = vote;
		const outcome = [
			closed && ['reason', CLOSED[closed.reason] ?? t('Closed.')],
			closed && quorum && ['quorum', closed.quorumMet ? t('Quorum of {n} met.', { n: quorum }) : t('Quorum not met: {voted} of {n} ballots.', { voted: vote.voted, n: quorum }), closed.quorumMet],
			vote.resolved && ['resolved', t('Accepted: the item is now {status}.', { status: labelOf(vote.resolved.status) })],
		].filter(Boolean);
		renderList(c.outcome, outcome, ([key, text, met]) =>
			h('span', { testid: `vote-${key}`, 'data-met': met === undefined ? null : String(met) }, text, ' '));
		c.outcome.hidden = !outcome.length;

		const ballots = vote.visibility !== 'anonymous' && vote.ballots || [];
		renderList(c.ballots, ballots.map((b) => [b.voter, voterName(m, b.voter), describeBallot(vote, b.ballot, titleOf), b.recorded]),
			([voter, name, text, recorded]) => h('li', { testid: 'ballot-entry', 'data-voter': voter },
				h('strong', {}, name), isGuest(voter) ? t(' (no device)') : '', `: ${text}`,
				recorded ? h('em', {}, t(' · recorded by the facilitator')) : null));
		c.ballots.hidden = !ballots.length;

		const live = canFacilitate(state) && open;
		c.close.hidden = c.record.node.hidden = !live;
		if (live) c.record.update(m, titleOf);
		c.resolve.hidden = !canResolve(state, vote);
		c.tools.hidden = !live && c.resolve.hidden;
	}

	// At 0 the ballot waits for vote_closed.
	function tick() {
		let running = false;
		for (const c of cards.values()) {
			const vote = findVote(state?.meeting, c.id);
			if (!vote || !isOpen(vote) || !Number.isFinite(vote.deadline)) continue;
			running = true;
			const s = secondsLeft(vote, now());
			setText(c.countdown, s > 0 ? t('Closes in {n} s', { n: s }) : t('Time is up.'));
			c.countdown.dataset.seconds = s;
			c.ballot.node.disabled = s === 0;
		}
		if (running) ticker ??= setInterval(tick, 1000);
		else ticker = clearInterval(ticker);
	}

	function render(next) {
		state = next;
		const m = state?.meeting;
		if (!m) return;
		renderForm(m);
		const votes = m.votes || [];
		syncRows(q('vote-list'), cards, [...votes].reverse(), {
			key: (v) => `${v.id} ${cardKey(v)}`, make: createCard, update: (c, vote) => updateCard(c, vote, m),
		});
		q('vote-empty').hidden = votes.length > 0;
		tick();
	}

	return { render };
}
