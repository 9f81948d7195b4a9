// The web client's model of live votes (web-client/votes.js through state.js), without a
// browser or a server: each vote event, the welcome snapshot's `votes`, anonymous and blind
// votes, who may vote (eligibility on join), resolving, the viewer's own ballot, and the pure
// helpers the view draws with (PROTOCOL.md "Live votes").

import { test } from 'node:test';
import assert from 'node:assert/strict';

import { applyEvent, applyWelcome, createState } from '../../web-client/state.js';
import {
  buildOpenVote, canResolve, canVote, checkBallot, describeBallot, eligibleCount, findVote,
  isOpen, notVoted, secondsLeft, setOwnBallot, shownTallies, tallyRows, voterName,
} from '../../web-client/votes.js';

const AT = 1795000000000;
const findItem = (state, id) => state.meeting.items.find((i) => i.id === id);

function welcome({ you = 'p3', role = 'member', votes, version = 10 } = {}) {
  return {
    type: 'welcome', v: 1, cid: 'x-1', serverTime: AT, version, token: 'tok',
    you: { participantId: you, role },
    meeting: {
      id: 'm1', title: 'Readiness Council', goal: 'Every child ready', phase: 'live',
      joinCode: 'ABCD-EFGH', createdAt: AT,
      sections: [{ id: 'goal', title: 'Goal' }, { id: 'action_items', title: 'Action items' }],
      participants: [
        { id: 'p2', name: 'Sam', role: 'facilitator', attendance: 'room', organisation: '', online: true },
        { id: 'p3', name: 'Ana', role: 'member', attendance: 'remote', organisation: '', online: true },
        { id: 'p4', name: 'Lee', role: 'member', attendance: 'room', organisation: '', online: true },
        { id: 'p5', name: 'Projector', role: 'observer', attendance: 'room', organisation: '', online: true },
      ],
      items: [
        { id: 'i6', title: 'Book fair flyer', notes: '', owner: '', due: '', status: 'proposed', createdBy: 'p3' },
        { id: 'i7', title: 'Family survey', notes: '', owner: '', due: '', status: 'proposed', createdBy: 'p3' },
      ],
      ...(votes ? { votes } : {}),
    },
  };
}

// A meeting model after `welcome`, with a helper that applies the next event and checks that
// it was applied.
function meeting(opts) {
  const state = createState();
  const w = welcome(opts);
  assert.equal(applyWelcome(state, w), 'snapshot');
  let seq = w.version;
  const apply = (kind, data, extra = {}) => {
    seq += 1;
    const ev = { type: 'event', seq, at: AT + seq * 1000, actor: 'p2', cid: `c${seq}`, kind, data, ...extra };
    assert.equal(applyEvent(state, ev), 'applied', `${kind} applied`);
    return ev;
  };
  return { state, apply, vote: (id) => findVote(state.meeting, id) };
}

const opened = (extra = {}) => ({
  voteId: 'v11', method: 'consent', question: 'Adopt the flyer?', itemIds: ['i6'], visibility: 'open',
  results: 'live', allowBlock: false, closeWhenAllVoted: false, eligible: ['p2', 'p3', 'p4'], ...extra,
});

test('a welcome without votes gives an empty list; an old-style vote_opened still applies', () => {
  const { state, apply } = meeting();
  assert.deepEqual(state.meeting.votes, []);
  apply('vote_opened', { voteId: 'v1' });
  assert.equal(state.meeting.votes.length, 1);
});

test('the snapshot\'s votes become the model, copied, with the viewer\'s ballot', () => {
  const votes = [
    {
      id: 'v12', state: 'open', method: 'consent', question: 'Adopt the flyer?', itemIds: ['i6'],
      visibility: 'open', results: 'hidden', allowBlock: true, closeWhenAllVoted: false,
      openedAt: AT, deadline: AT + 120000, quorum: 3, eligible: ['p2', 'p3', 'p4'], voted: 2,
      voters: ['p2', 'p3'], yourBallot: { choice: 'agree' },
    },
    {
      id: 'v13', state: 'closed', method: 'fist', question: 'Confidence?', itemIds: [],
      visibility: 'anonymous', results: 'live', allowBlock: false, closeWhenAllVoted: true,
      openedAt: AT, eligible: ['p2', 'p3', 'p4'], voted: 3,
      tallies: { counts: [0, 0, 1, 0, 2, 0] }, closed: { reason: 'all_voted', at: AT + 5000, quorumMet: true },
      yourBallot: { fist: 4 },
    },
  ];
  const w = welcome({ votes });
  const state = createState();
  applyWelcome(state, w);
  const [blind, anon] = state.meeting.votes;
  assert.equal(blind.id, 'v12');
  assert.deepEqual(blind.yourBallot, { choice: 'agree' });
  assert.equal(isOpen(blind), true);
  assert.equal(eligibleCount(blind), 3);
  assert.deepEqual(notVoted(blind), ['p4']);
  assert.equal(shownTallies(blind), null, 'hidden results: no tallies before close');
  assert.equal(isOpen(anon), false);
  assert.equal(notVoted(anon), null, 'an anonymous vote names nobody');
  assert.deepEqual(tallyRows(anon, shownTallies(anon)).map((r) => r.count), [0, 0, 1, 0, 2, 0]);
  // Copied, not shared with the message.
  blind.voters.push('p4');
  anon.tallies.counts[0] = 9;
  assert.deepEqual(w.meeting.votes[0].voters, ['p2', 'p3']);
  assert.equal(w.meeting.votes[1].tallies.counts[0], 0);
});

test('vote_opened adds an open vote with its settings; live results start at zero', () => {
  const { apply, vote } = meeting();
  const ev = apply('vote_opened', opened({ quorum: 2, deadline: AT + 60000 }));
  const v = vote('v11');
  assert.equal(v.state, 'open');
  assert.equal(v.openedAt, ev.at);
  assert.equal(v.quorum, 2);
  assert.equal(v.deadline, AT + 60000);
  assert.equal(v.dotBudget, undefined);
  assert.deepEqual(v.voters, []);
  assert.equal(v.voted, 0);
  assert.equal(eligibleCount(v), 3);
  assert.deepEqual(tallyRows(v, shownTallies(v)), [
    { key: 'agree', count: 0 }, { key: 'disagree', count: 0 }, { key: 'abstain', count: 0 },
  ]);
});

test('ballot_cast of an open live vote: voters, ballots (changed, not doubled), tallies, counts', () => {
  const { state, apply, vote } = meeting();
  apply('vote_opened', opened({ allowBlock: true }));
  apply('ballot_cast', {
    voteId: 'v11', voted: 1, eligible: 3, voter: 'p3', recorded: false, ballot: { choice: 'agree' },
    tallies: { agree: 1, disagree: 0, abstain: 0, block: 0, reasons: [] },
  }, { actor: 'p3' });
  apply('ballot_cast', {
    voteId: 'v11', voted: 2, eligible: 3, voter: 'p2', recorded: false, ballot: { choice: 'block', reason: 'Too costly' },
    tallies: { agree: 1, disagree: 0, abstain: 0, block: 1, reasons: ['Too costly'] },
  });
  // Ana changes her mind: still one ballot of hers.
  apply('ballot_cast', {
    voteId: 'v11', voted: 2, eligible: 3, voter: 'p3', recorded: false, ballot: { choice: 'disagree' },
    tallies: { agree: 0, disagree: 1, abstain: 0, block: 1, reasons: ['Too costly'] },
  }, { actor: 'p3' });
  const v = vote('v11');
  assert.equal(v.voted, 2);
  assert.deepEqual(v.voters, ['p3', 'p2']);
  assert.deepEqual(v.ballots.map((b) => [b.voter, b.ballot.choice]), [['p2', 'block'], ['p3', 'disagree']]);
  assert.deepEqual(v.yourBallot, { choice: 'disagree' }, 'the viewer (p3) sees their own ballot');
  assert.equal(v.yourBallotRecorded, false);
  assert.deepEqual(notVoted(v), ['p4']);
  assert.deepEqual(tallyRows(v, shownTallies(v)).map((r) => `${r.key}=${r.count}`),
    ['agree=0', 'disagree=1', 'abstain=0', 'block=1']);
  assert.equal(voterName(state.meeting, 'p2'), 'Sam');

  // A live vote's vote_closed has no ballots (every ballot_cast carried one): they stay.
  apply('vote_closed', {
    voteId: 'v11', reason: 'meeting_ended', eligible: 3, voted: 2, quorumMet: true,
    tallies: { agree: 0, disagree: 1, abstain: 0, block: 1, reasons: ['Too costly'] },
  });
  assert.equal(isOpen(vote('v11')), false);
  assert.equal(vote('v11').closed.reason, 'meeting_ended');
  assert.deepEqual(vote('v11').ballots.map((b) => b.voter), ['p2', 'p3']);
  assert.deepEqual(vote('v11').yourBallot, { choice: 'disagree' });
  assert.deepEqual(notVoted(vote('v11')), ['p4']);
});

test('a show of hands recorded for a guest makes the guest eligible and named', () => {
  const { state, apply, vote } = meeting({ you: 'p2', role: 'facilitator' });
  apply('vote_opened', opened());
  apply('ballot_cast', {
    voteId: 'v11', voted: 1, eligible: 4, voter: 'guest:Kim', recorded: true, ballot: { choice: 'agree' },
    tallies: { agree: 1, disagree: 0, abstain: 0, block: 0, reasons: [] },
  });
  const v = vote('v11');
  assert.equal(eligibleCount(v), 4);
  assert.ok(v.eligible.includes('guest:Kim'));
  assert.equal(voterName(state.meeting, 'guest:Kim'), 'Kim');
  assert.deepEqual(v.ballots, [{ voter: 'guest:Kim', ballot: { choice: 'agree' }, recorded: true }]);
  assert.deepEqual(notVoted(v), ['p2', 'p3', 'p4']);
});

test('a blind vote shows no tallies or ballots until vote_closed brings them', () => {
  const { state, apply, vote } = meeting();
  apply('vote_opened', opened({ results: 'hidden', quorum: 3 }));
  assert.equal(vote('v11').ballots, undefined);
  // Ana's own cast: the event names her but carries no ballot; the ack tells the client.
  apply('ballot_cast', { voteId: 'v11', voted: 1, eligible: 3, voter: 'p3', recorded: false }, { actor: 'p3' });
  assert.equal(vote('v11').yourBallot, undefined);
  assert.equal(setOwnBallot(state, 'v11', { choice: 'agree' }), true);
  apply('ballot_cast', { voteId: 'v11', voted: 2, eligible: 3, voter: 'p2', recorded: false });
  let v = vote('v11');
  assert.equal(shownTallies(v), null);
  assert.equal(v.tallies, undefined);
  assert.equal(v.ballots, undefined);
  assert.deepEqual(v.voters, ['p3', 'p2']);
  assert.deepEqual(v.yourBallot, { choice: 'agree' });

  const ev = apply('vote_closed', {
    voteId: 'v11', reason: 'facilitator', eligible: 3, voted: 2, quorumMet: false,
    tallies: { agree: 1, disagree: 1, abstain: 0, block: 0, reasons: [] },
    ballots: [
      { voter: 'p3', ballot: { choice: 'agree' }, recorded: false },
      { voter: 'p2', ballot: { choice: 'disagree' }, recorded: false },
    ],
  });
  v = vote('v11');
  assert.equal(isOpen(v), false);
  assert.deepEqual(v.closed, { reason: 'facilitator', at: ev.at, quorumMet: false });
  assert.deepEqual(tallyRows(v, shownTallies(v)).map((r) => r.count), [1, 1, 0]);
  assert.equal(v.ballots.length, 2);
  assert.deepEqual(v.yourBallot, { choice: 'agree' });
  assert.equal(canVote(state, v), false, 'no ballots after close');
});

test('an anonymous vote: ballot_cast without voter, actor or cid counts but names no one', () => {
  const { state, apply, vote } = meeting();
  apply('vote_opened', opened({ method: 'fist', itemIds: [], question: 'Confidence?', visibility: 'anonymous' }));
  const v0 = vote('v11');
  assert.equal(v0.voters, undefined);
  assert.equal(notVoted(v0), null);
  const anon = { actor: undefined, cid: undefined };
  apply('ballot_cast', { voteId: 'v11', voted: 1, eligible: 3, tallies: { counts: [0, 0, 0, 0, 1, 0] } }, anon);
  setOwnBallot(state, 'v11', { fist: 4 }); // Ana's ack
  // The facilitator records a guest: counted, never named.
  apply('ballot_cast', { voteId: 'v11', voted: 2, eligible: 4, tallies: { counts: [0, 0, 1, 0, 1, 0] } }, anon);
  const v = vote('v11');
  assert.equal(v.voted, 2);
  assert.equal(eligibleCount(v), 4);
  assert.equal(v.voters, undefined);
  assert.equal(v.ballots, undefined);
  assert.deepEqual(v.yourBallot, { fist: 4 });
  assert.deepEqual(tallyRows(v, shownTallies(v)).map((r) => r.count), [0, 0, 1, 0, 1, 0]);
  apply('vote_closed', {
    voteId: 'v11', reason: 'deadline', eligible: 4, voted: 2, quorumMet: true,
    tallies: { counts: [0, 0, 1, 0, 1, 0] },
  }, anon);
  assert.equal(vote('v11').ballots, undefined);
  assert.equal(vote('v11').closed.reason, 'deadline');
  assert.deepEqual(vote('v11').yourBallot, { fist: 4 }, 'the own ballot stays after close');
  // Nothing in the vote names a voter.
  const text = JSON.stringify(vote('v11'));
  assert.ok(!/"voter"/.test(text), text);
});

test('a member who joins while a vote is open becomes eligible; observers and closed votes not', () => {
  const { apply, vote } = meeting();
  apply('vote_opened', opened());
  apply('vote_opened', opened({ voteId: 'v12', visibility: 'anonymous' }));
  apply('vote_opened', opened({ voteId: 'v13' }));
  apply('ballot_cast', { voteId: 'v12', voted: 1, eligible: 3 }); // the count, as the server sent it
  apply('vote_closed', { voteId: 'v13', reason: 'facilitator', eligible: 3, voted: 0, quorumMet: true, tallies: {}, ballots: [] });
  apply('participant_joined', { participantId: 'p8', name: 'Kim', role: 'member', attendance: 'room', organisation: '' });
  apply('participant_joined', { participantId: 'p9', name: 'Wall', role: 'observer', attendance: 'room', organisation: '' });
  assert.deepEqual(vote('v11').eligible, ['p2', 'p3', 'p4', 'p8']);
  assert.deepEqual(notVoted(vote('v11')), ['p2', 'p3', 'p4', 'p8']);
  assert.equal(eligibleCount(vote('v12')), 4, 'the server\'s count grows by the joiner');
  assert.deepEqual(vote('v13').eligible, ['p2', 'p3', 'p4'], 'a closed vote keeps its voters');
  // The next ballot_cast's count agrees with the client's.
  apply('ballot_cast', { voteId: 'v11', voted: 1, eligible: 4, voter: 'p8', recorded: false, ballot: { choice: 'agree' } });
  assert.equal(eligibleCount(vote('v11')), 4);
});

test('vote_resolved sets the item\'s status and the vote\'s outcome', () => {
  const { state, apply, vote } = meeting({ you: 'p2', role: 'facilitator' });
  apply('vote_opened', opened());
  assert.equal(canResolve(state, vote('v11')), false, 'not while open');
  apply('vote_closed', { voteId: 'v11', reason: 'facilitator', eligible: 3, voted: 0, quorumMet: true, tallies: {}, ballots: [] });
  assert.equal(canResolve(state, vote('v11')), true);
  apply('vote_resolved', { voteId: 'v11', itemId: 'i6', status: 'agreed' });
  assert.equal(findItem(state, 'i6').status, 'agreed');
  assert.deepEqual(vote('v11').resolved, { itemId: 'i6', status: 'agreed' });
  assert.equal(canResolve(state, vote('v11')), false, 'resolved once');
});

test('a ballot the facilitator records for the viewer replaces the own one', () => {
  const { state, apply, vote } = meeting({ you: 'p4' });
  apply('vote_opened', opened({ results: 'hidden' }));
  setOwnBallot(state, 'v11', { choice: 'agree' });
  apply('ballot_cast', { voteId: 'v11', voted: 1, eligible: 3, voter: 'p4', recorded: true });
  assert.equal(vote('v11').yourBallot, undefined, 'replaced by one this client does not know');
  assert.equal(vote('v11').yourBallotRecorded, true);
  apply('vote_opened', opened({ voteId: 'v12' }));
  apply('ballot_cast', { voteId: 'v12', voted: 1, eligible: 3, voter: 'p4', recorded: true, ballot: { choice: 'abstain' } });
  assert.deepEqual(vote('v12').yourBallot, { choice: 'abstain' });
  assert.equal(vote('v12').yourBallotRecorded, true);
});

test('events of an unknown vote are applied without touching the model', () => {
  const { state, apply } = meeting();
  apply('ballot_cast', { voteId: 'v99', voted: 1, eligible: 3, voter: 'p3', ballot: { choice: 'agree' } });
  apply('vote_closed', { voteId: 'v99', reason: 'facilitator', eligible: 3, voted: 1, quorumMet: true, tallies: {} });
  assert.deepEqual(state.meeting.votes, []);
  assert.equal(setOwnBallot(state, 'v99', { choice: 'agree' }), false);
});

test('who may vote: members and the facilitator in open votes, not observers, not once ended', () => {
  for (const [role, you, may] of [['member', 'p3', true], ['facilitator', 'p2', true], ['observer', 'p5', false]]) {
    const { state, apply, vote } = meeting({ role, you });
    apply('vote_opened', opened());
    assert.equal(canVote(state, vote('v11')), may, role);
    apply('phase_set', { phase: 'ended' });
    assert.equal(canVote(state, vote('v11')), false, `${role} after the end`);
  }
});

test('dots: tallies per item, ballot checks against budget and per-item limit', () => {
  const { state, apply, vote } = meeting();
  apply('vote_opened', opened({ method: 'dots', itemIds: ['i6', 'i7'], question: '', dotBudget: 3, dotsPerItem: 2 }));
  const v = vote('v11');
  assert.deepEqual(tallyRows(v, shownTallies(v)), [{ key: 'i6', count: 0 }, { key: 'i7', count: 0 }]);
  assert.equal(checkBallot(v, { dots: { i6: 2, i7: 1 } }), null);
  assert.match(checkBallot(v, { dots: { i6: 3 } }), /0 to 2/);
  assert.match(checkBallot(v, { dots: {} }), /1 to 3/);
  assert.match(checkBallot(v, { dots: { i6: 2, i7: 2 } }), /1 to 3/);
  assert.match(checkBallot(v, { dots: { i6: 1.5 } }), /0 to 2/);
  const title = (id) => state.meeting.items.find((i) => i.id === id).title;
  assert.equal(describeBallot(v, { dots: { i6: 2, i7: 0 } }, title), 'Book fair flyer: 2');
});

test('consent and fist ballots in words; a block needs a reason', () => {
  const consent = { method: 'consent', allowBlock: true };
  assert.match(checkBallot(consent, { choice: 'block', reason: '' }), /reason/);
  assert.equal(checkBallot(consent, { choice: 'block', reason: 'Too costly' }), null);
  assert.equal(describeBallot(consent, { choice: 'block', reason: 'Too costly' }), 'Block: “Too costly”');
  assert.equal(describeBallot(consent, { choice: 'abstain' }), 'Abstain');
  assert.equal(describeBallot({ method: 'fist' }, { fist: 0 }), '0 of 5');
});

test('the deadline counts down in whole seconds, rounding up, and stops at 0', () => {
  const v = { deadline: AT + 10000 };
  assert.equal(secondsLeft(v, AT), 10);
  assert.equal(secondsLeft(v, AT + 9001), 1);
  assert.equal(secondsLeft(v, AT + 10000), 0);
  assert.equal(secondsLeft(v, AT + 50000), 0);
  // A clock estimate that lags the server's: not more than the time limit.
  assert.equal(secondsLeft({ openedAt: AT, deadline: AT + 600000 }, AT - 30), 600);
});

test('the open-vote form becomes an open_vote with only the method\'s settings', () => {
  assert.deepEqual(buildOpenVote({
    method: 'consent', question: '  ', itemId: 'i6', visibility: 'open', results: 'hidden',
    allowBlock: 'on', dotBudget: '3', quorum: '2', timeLimit: '', closeWhenAllVoted: 'on',
  }).command, {
    type: 'open_vote', method: 'consent', itemIds: ['i6'], visibility: 'open', results: 'hidden',
    allowBlock: true, quorum: 2, closeWhenAllVoted: true,
  });
  assert.deepEqual(buildOpenVote({
    method: 'fist', question: 'Confidence?', itemId: '', visibility: 'anonymous', results: 'live',
    allowBlock: 'on', timeLimit: '90',
  }).command, {
    type: 'open_vote', method: 'fist', question: 'Confidence?', visibility: 'anonymous', results: 'live', timeLimit: 90,
  });
  assert.deepEqual(buildOpenVote({
    method: 'dots', itemId: 'i6', dotItemIds: ['i6', 'i7'], dotBudget: '5', dotsPerItem: '2',
  }).command, {
    type: 'open_vote', method: 'dots', itemIds: ['i6', 'i7'], visibility: 'open', results: 'live', dotBudget: 5, dotsPerItem: 2,
  });
  assert.match(buildOpenVote({ method: 'consent', question: '', itemId: '' }).error, /question or/);
  assert.match(buildOpenVote({ method: 'dots', dotItemIds: [], dotBudget: '3' }).error, /items/);
  assert.match(buildOpenVote({ method: 'dots', dotItemIds: ['i6'], dotBudget: '' }).error, /dots/);
  assert.match(buildOpenVote({ method: 'fist', question: 'Q', quorum: '2.5' }).error, /whole numbers/);
});
