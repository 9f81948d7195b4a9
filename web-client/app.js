import { Connection, randomPrefix } from './connection.js';
import { ServerClock } from './server_clock.js';
import { applyEditing, applyEvent, applyPresence, applyWelcome, createState } from './state.js';
import { TextSync } from './text_sync.js';
import { createMeetingView } from './view.js';
import { normaliseCode, setupJoin, setupLanding, showLanding } from './forms.js';
import { session } from './session.js';
import { byTestId, showScreen, toast } from './dom.js';
import { clearUrl, joinUrlFor, pageParams, rememberMeetingInUrl, webSocketUrl } from './urls.js';
import { t } from './i18n.js';

const DEAD_TOKEN_CODES = new Set(['bad_token', 'token_expired', 'unknown_meeting']);

const FRIENDLY_REJECTS = {
	bad_code: t('No meeting has this code (it may have been replaced): ask the facilitator.'),
	limit_reached: t('This meeting is full.'),
	token_expired: t('Your place in this meeting has expired. Please join again.'),
	bad_token: t('This browser’s pass for the meeting is no longer valid. Please join again.'),
	removed: t('The facilitator removed you from this meeting.'),
};

const SERVER_ERRORS = { slow_consumer: t('The connection fell behind. Catching up…'), shutting_down: t('The server is restarting. Reconnecting…') };
const CONNECTING_TEXT = { connecting: t('Connecting to the meeting…'), reconnecting: t('Cannot reach the server yet. Still trying…') };
const refusal = (msg) => FRIENDLY_REJECTS[msg.code] ?? msg.message ?? msg.code;

let current = null;
const clock = new ServerClock();

const view = createMeetingView(
	(command, options) => current?.conn.send(command, options) ?? Promise.resolve({ type: 'reject', code: 'stopped', message: t('Not in a meeting.') }),
	() => clock.now(),
	meetingCreated,
);

function leaveMeeting() {
	current?.texts.dispose();
	current?.conn.stop();
	view.useTexts(null);
	current = null;
}

// Every reconnect resumes.
function enterMeeting({ meetingId = null, token = null, join = null, display = null }) {
	leaveMeeting();
	const state = createState();
	let id = meetingId;
	state.token = token;
	let resuming = false; // of the last hello
	let freshSnapshot = false;
	let gapsInARow = 0;
	let entered = false;

	// fresh: no lastSeq, so a full snapshot.
	const resync = (fresh) => {
		freshSnapshot = fresh;
		conn.resync();
	};
	const texts = new TextSync({
		send: (command) => conn.send(command, { quiet: true }),
		onChange: view.textChanged,
		onReload: () => resync(true),
		onNotice: toast,
		cidPrefix: randomPrefix(),
	});
	view.useTexts(texts);

	const hello = () => {
		resuming = Boolean(state.token);
		if (!resuming) return join;
		return { type: 'resume', v: 1, token: state.token, lastSeq: state.meeting && !freshSnapshot ? state.version : undefined };
	};

	const conn = new Connection(webSocketUrl(), hello, {
		onStatus(status) {
			view.setConnStatus(status);
			if (!entered && CONNECTING_TEXT[status]) byTestId('connecting-text').textContent = CONNECTING_TEXT[status];
		},
		onWelcome(msg) {
			const outcome = applyWelcome(state, msg);
			if (outcome === 'mismatch') return resync(true);
			// A snapshot replaces the texts, keeping typing.
			if (outcome === 'snapshot') texts.snapshot(state.meeting, state.version);
			clock.seed(msg.serverTime);
			freshSnapshot = false;
			id = state.meeting.id;
			if (display) session.setDisplayToken(display, msg.token);
			else {
				session.setMemberToken(id, msg.token);
				session.setJoinCode(id, state.meeting.joinCode);
			}
			if (!entered) {
				entered = true;
				if (!display) rememberMeetingInUrl(id);
				showScreen('meeting');
			}
			view.render(state);
			view.announceFocus();
		},
		onEvent(ev) {
			const outcome = applyEvent(state, ev);
			if (outcome === 'applied') {
				gapsInARow = 0;
				texts.event(ev, state.you.participantId);
				// A re-join from this browser uses the new code.
				if (ev.kind === 'join_code_set') newJoinCode(state.meeting.joinCode);
				view.render(state);
			} else if (outcome === 'gap') {
				// A second gap in a row: full snapshot.
				gapsInARow += 1;
				resync(gapsInARow > 1);
			}
		},
		onPresence: (msg) => applyPresence(state, msg) && view.render(state),
		onEditing: (msg) => applyEditing(state, msg) && view.render(state),
		onClock: (msg, receivedAt) => clock.sample(msg.t, msg.serverTime, receivedAt),
		onReject: (msg) => toast(msg.message || msg.code),
		onServerError(msg) {
			if (msg.code !== 'removed') return toast(SERVER_ERRORS[msg.code] ?? msg.message ?? msg.code, 'info');
			leaveMeeting();
			refusedResume(id, msg);
		},
		onHelloRejected(msg) {
			leaveMeeting();
			if (resuming && display && DEAD_TOKEN_CODES.has(msg.code)) {
				session.setDisplayToken(display, null);
				return enterRoomDisplay(display);
			}
			if (resuming) refusedResume(id, msg);
			else joinForm.fail(refusal(msg));
		},
	});
	// So a reload after the room display's pass expired still joins.
	const newJoinCode = (code) => {
		if (!display) return session.setJoinCode(id, code);
		session.setDisplayToken(display, null);
		session.setDisplayToken(display = code, state.token);
		history.replaceState(null, '', joinUrlFor(code, true));
	};
	current = { conn, texts };
	conn.start();
}

// Its pass is kept apart from this browser's own.
function enterRoomDisplay(code) {
	document.documentElement.classList.add('room');
	showScreen('connecting');
	const join = { type: 'join', v: 1, code, role: 'observer', name: 'Room display', attendance: 'room' }; // a name, stored: not translated
	enterMeeting({ token: session.displayToken(code), join, display: code });
}

function refusedResume(meetingId, msg) {
	// The address stays, so a reload says so again.
	if (msg.code === 'removed') return showLanding(refusal(msg));
	if (!DEAD_TOKEN_CODES.has(msg.code)) return backToLanding(refusal(msg));
	session.setMemberToken(meetingId, null);
	if (msg.code === 'unknown_meeting') return backToLanding(t('That meeting no longer exists.'));
	offerJoin(meetingId, refusal(msg));
}

function backToLanding(notice) {
	clearUrl();
	showLanding(notice);
}

function offerJoin(meetingId, message) {
	const facilitatorToken = session.facilitatorToken(meetingId);
	const code = session.joinCode(meetingId);
	if (facilitatorToken) joinForm.show({ meetingId, facilitatorToken, joinCode: code }, message);
	else if (code) joinForm.show({ code }, message);
	else backToLanding(t('This browser has not joined that meeting. Ask the facilitator for the join code.'));
}

const joinForm = setupJoin({
	onJoin(target, { name, attendance, organisation, observer }) {
		const join = { type: 'join', v: 1, name, attendance, organisation };
		if (target.facilitatorToken) join.facilitatorToken = target.facilitatorToken;
		else {
			join.code = target.code;
			join.role = observer ? 'observer' : 'member';
		}
		enterMeeting({ meetingId: target.meetingId ?? null, join });
	},
	onBack() {
		leaveMeeting();
		backToLanding();
	},
});

function meetingCreated(created) {
	leaveMeeting();
	session.setFacilitatorToken(created.meetingId, created.facilitatorToken);
	session.setJoinCode(created.meetingId, created.joinCode);
	// A reload offers the join form again.
	rememberMeetingInUrl(created.meetingId);
	joinForm.show(created);
}

setupLanding({
	onCreated: meetingCreated,
	onCode(code) {
		history.replaceState(null, '', joinUrlFor(code));
		joinForm.show({ code });
	},
});

// maxlength counts UTF-16 units, the server code points: each edit may add the points that fit.
addEventListener('beforeinput', (e) => {
	const el = e.target;
	if (!(el.codePoints ??= Math.max(0, el.maxLength))) return; // the limit as written, once
	const kept = el.value.slice(0, el.selectionStart) + el.value.slice(el.selectionEnd);
	const text = [...e.data ?? e.dataTransfer?.getData('text/plain') ?? ''];
	el.maxLength = kept.length + text.slice(0, Math.max(0, el.codePoints - [...kept].length)).join('').length;
});

// Unconfirmed edits would be lost: the browser asks first.
addEventListener('beforeunload', (e) => {
	if (current?.conn.pending.size) e.preventDefault();
});

function boot() {
	const { joinCode, meetingId, room } = pageParams();
	const token = meetingId && session.memberToken(meetingId);
	if (room && joinCode) enterRoomDisplay(normaliseCode(joinCode));
	else if (token) {
		showScreen('connecting');
		enterMeeting({ meetingId, token });
	} else if (meetingId) offerJoin(meetingId, '');
	else if (joinCode) joinForm.show({ code: normaliseCode(joinCode) });
	else showLanding();
}

boot();
