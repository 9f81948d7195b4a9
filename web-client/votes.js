import { labelOf } from './dom.js';
import { t } from './i18n.js';

export const CONSENT_CHOICES = ['agree', 'disagree', 'abstain', 'block'];
export const FIST_VALUES = [0, 1, 2, 3, 4, 5];
export const STAGES = ['isolation', 'communication', 'coordination', 'collaboration', 'integration'];

const clone = (v) => structuredClone(v);
const addKey = (list, key) => list.includes(key) || list.push(key);

export const findVote = (m, id) => (m?.votes || []).find((v) => v.id === id);
export const isOpen = (vote) => vote.state === 'open' && !vote.closed;

export const copyVotes = (list) => (list || []).map((v) => ({ itemIds: [], eligible: [], voted: 0, ...clone(v) }));

// eligibleCount may exceed eligible: an anonymous vote's guests are never named.
function counted(m, d) {
	const vote = findVote(m, d.voteId);
	if (!vote) return null;
	if (Number.isInteger(d.voted)) vote.voted = d.voted;
	if (Number.isInteger(d.eligible)) vote.eligibleCount = d.eligible;
	else if (Array.isArray(d.eligible)) {
		vote.eligible = [...d.eligible];
		delete vote.eligibleCount;
	}
	if (d.tallies) vote.tallies = clone(d.tallies);
	return vote;
}

export function addJoinerToVotes(m, p) {
	if (p.role === 'observer') return;
	for (const vote of m.votes || []) {
		if (!isOpen(vote) || vote.eligible.includes(p.id)) continue;
		vote.eligible.push(p.id);
		if (Number.isInteger(vote.eligibleCount)) vote.eligibleCount += 1;
	}
}

function yours(vote, b) {
	vote.yourBallotRecorded = Boolean(b.recorded);
	if (b.ballot !== undefined) vote.yourBallot = clone(b.ballot);
	else if (b.recorded) delete vote.yourBallot; // hidden
}

export const VOTE_EVENTS = {
	vote_opened(m, d, ev) {
		const vote = {
			id: d.voteId, state: 'open', method: d.method, question: d.question ?? '',
			itemIds: [...(d.itemIds || [])], visibility: d.visibility || 'open', results: d.results || 'live',
			allowBlock: Boolean(d.allowBlock), closeWhenAllVoted: Boolean(d.closeWhenAllVoted),
			openedAt: ev.at, eligible: [...(d.eligible || [])], voted: 0,
		};
		for (const k of ['dotBudget', 'dotsPerItem', 'quorum', 'deadline']) if (d[k] !== undefined) vote[k] = d[k];
		if (vote.visibility !== 'anonymous') {
			vote.voters = [];
			if (vote.results === 'live') vote.ballots = [];
		}
		m.votes = (m.votes || []).filter((v) => v.id !== vote.id);
		m.votes.push(vote);
	},
	ballot_cast(m, d, ev, state) {
		const vote = counted(m, d);
		if (typeof d.voter !== 'string' || !vote) return; // anonymous
		addKey(vote.eligible, d.voter); // a guest
		addKey((vote.voters ??= []), d.voter);
		if (d.ballot !== undefined) {
			vote.ballots = (vote.ballots || []).filter((b) => b.voter !== d.voter);
			vote.ballots.push({ voter: d.voter, ballot: clone(d.ballot), recorded: Boolean(d.recorded) });
		}
		if (d.voter === state?.you?.participantId) yours(vote, d);
	},
	vote_closed(m, d, ev, state) {
		const vote = counted(m, d);
		if (!vote) return;
		vote.state = 'closed';
		vote.closed = { reason: d.reason, at: ev.at, quorumMet: d.quorumMet !== false };
		if (!Array.isArray(d.ballots)) return;
		vote.ballots = clone(d.ballots);
		vote.voters ??= [];
		for (const b of vote.ballots) {
			addKey(vote.voters, b.voter);
			addKey(vote.eligible, b.voter);
			if (b.voter === state?.you?.participantId) yours(vote, b);
		}
	},
	vote_resolved(m, d) {
		const vote = findVote(m, d.voteId);
		if (vote) vote.resolved = { itemId: d.itemId, status: d.status };
		const item = (m.items || []).find((i) => i.id === d.itemId);
		if (item && d.status) item.status = d.status;
	},
};

// An anonymous ballot_cast names no one.
export function setOwnBallot(state, voteId, ballot) {
	const vote = findVote(state.meeting, voteId);
	if (!vote) return false;
	vote.yourBallot = clone(ballot);
	vote.yourBallotRecorded = false;
	return true;
}

export const eligibleCount = (v) => (Number.isInteger(v.eligibleCount) ? v.eligibleCount : v.eligible.length);

export const notVoted = (v) => (v.voters ? v.eligible.filter((k) => !v.voters.includes(k)) : null);

export const isGuest = (key) => key.startsWith('guest:');

export const voterName = (m, key) => (isGuest(key) ? key.slice(6) : m.participants.find((p) => p.id === key)?.name ?? key);

export const canVote = (state, vote) =>
	Boolean(state.you) && state.you.role !== 'observer' && isOpen(vote) && state.meeting?.phase !== 'ended';

export function canResolve(state, vote) {
	return state.you?.role === 'facilitator' && !isOpen(vote) && vote.itemIds.length === 1 &&
		!vote.resolved && state.meeting?.phase !== 'ended';
}

// now is an estimate.
export const secondsLeft = (v, now) => Math.max(0, Math.ceil((v.deadline - Math.max(now, v.openedAt || 0)) / 1000));

export const shownTallies = (v) => v.tallies ?? (v.results === 'live' && isOpen(v) ? {} : null);

export function tallyRows(vote, tally) {
	if (vote.method === 'consent') {
		return CONSENT_CHOICES.filter((c) => c !== 'block' || vote.allowBlock || tally.block > 0)
			.map((key) => ({ key, count: tally[key] ?? 0 }));
	}
	if (vote.method === 'fist') return FIST_VALUES.map((n) => ({ key: String(n), count: tally.counts?.[n] ?? 0 }));
	if (vote.method === 'stage') return STAGES.map((key) => ({ key, count: tally.stages?.[key] ?? 0 }));
	return vote.itemIds.map((key) => ({ key, count: tally.dots?.[key] ?? 0 }));
}

export function describeBallot(vote, b, titleOf) {
	if (vote.method === 'consent') return b.choice === 'block' ? t('Block: “{reason}”', { reason: b.reason }) : labelOf(b.choice);
	if (vote.method === 'fist') return t('{n} of 5', { n: b.fist });
	if (vote.method === 'stage') return labelOf(b.stage);
	return Object.entries(b.dots || {}).filter(([, n]) => n > 0).map(([id, n]) => `${titleOf(id)}: ${n}`).join(', ');
}

export const dotsPerItem = (vote) => vote.dotsPerItem ?? vote.dotBudget;
export const dotsUsed = (b) => Object.values(b?.dots || {}).reduce((a, n) => a + n, 0);

// As bad_ballot.
export function checkBallot(vote, b) {
	if (vote.method === 'consent') return b.choice === 'block' && !b.reason ? t('A block needs a reason.') : null;
	if (vote.method !== 'dots') return null;
	const per = dotsPerItem(vote);
	if (Object.values(b.dots).some((n) => !Number.isInteger(n) || n < 0 || n > per)) return t('Put 0 to {n} dots on an item.', { n: per });
	const used = dotsUsed(b);
	return used < 1 || used > vote.dotBudget ? t('Place 1 to {n} dots in all.', { n: vote.dotBudget }) : null;
}

// No defaults: the server checks ranges. A stage check-in is anonymous, so honest.
export function buildOpenVote(f) {
	const command = { type: 'open_vote', method: f.method };
	const stage = f.method === 'stage';
	const question = String(f.question ?? '').trim();
	const itemIds = f.method === 'dots' ? [...(f.dotItemIds || [])] : f.itemId && !stage ? [f.itemId] : [];
	if (f.method === 'dots' && !itemIds.length) return { error: t('Tick the items for the dots.') };
	if (!question && !itemIds.length && !stage) return { error: t('Ask a question or pick an item.') };
	if (question) command.question = question;
	if (itemIds.length) command.itemIds = itemIds;
	command.visibility = f.visibility === 'anonymous' || stage ? 'anonymous' : 'open';
	command.results = f.results === 'hidden' ? 'hidden' : 'live';
	if (f.method === 'consent' && f.allowBlock) command.allowBlock = true;
	const numbers = f.method === 'dots' ? ['dotBudget', 'dotsPerItem', 'quorum', 'timeLimit'] : ['quorum', 'timeLimit'];
	for (const k of numbers) {
		const s = String(f[k] ?? '').trim();
		if (!s) continue;
		if (!/^\d{1,6}$/.test(s)) return { error: t('Settings are whole numbers.') };
		command[k] = Number(s);
	}
	if (f.method === 'dots' && !command.dotBudget) return { error: t('Give each voter some dots.') };
	if (f.closeWhenAllVoted) command.closeWhenAllVoted = true;
	return { command };
}
