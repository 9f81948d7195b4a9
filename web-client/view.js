// Only server events change the model: all screens agree.

import { h, byTestId, copyField, field, labelOf, moveButtons, onSubmit, setText, showText, syncRows, toast } from './dom.js';
import { renderMarkers } from './editing_markers.js';
import { createForm, request } from './forms.js';
import { createQueueView } from './queue_view.js';
import {
	ATTENDANCE_LABELS, ITEM_STATUSES, PHASES, canEditItems, canFacilitate, editorsOf, isFacilitator, me, role,
} from './state.js';
import { moveSelection } from './text_client.js';
import { apply, compose, diff, toCodePointIndex, transform, transformPosition } from './text_ot.js';
import { ITEM_TEXTS, textKey } from './text_sync.js';
import { joinQrPath, joinUrlFor, minutesFileName, minutesPath } from './urls.js';
import { createUpdatesView } from './updates_view.js';
import { createVotesView } from './vote_view.js';
import { t } from './i18n.js';

const CONN_LABELS = { connecting: t('Connecting…'), connected: t('Connected'), reconnecting: t('Reconnecting…'), stopped: t('Disconnected') };
const DELETE_CONFIRM_MS = 4000;
const FIELDS = ['owner', 'due', 'status']; // set whole

function showTextChange(control, { op, before, after }) {
	if (document.activeElement !== control || control.value !== before) {
		control.value = after;
		return;
	}
	// Setting the value moves the caret and may scroll.
	const { scrollTop, scrollLeft, selectionDirection } = control;
	const moved = moveSelection(before, control.selectionStart, control.selectionEnd, op);
	control.value = moved.text;
	control.setSelectionRange(moved.selectionStart, moved.selectionEnd, selectionDirection ?? 'none');
	control.scrollTop = scrollTop;
	control.scrollLeft = scrollLeft;
}

export function createMeetingView(send, now, onNextMeeting) {
	const root = document.getElementById('screen-meeting');
	root.style.setProperty('--now', JSON.stringify(t('Now'))); // the current section's badge
	const q = (testid) => byTestId(testid, root);
	// Edits the model lacks yet: no flicking back.
	const ownEdits = new Map();
	const rows = new Map();
	let state = null;
	let texts = null;
	const textControls = new Map();
	const votes = createVotesView(q, send, now);
	const updates = createUpdatesView(root, send, now);
	const queue = createQueueView(q, send);

	// A refusal (item deleted) matters to no one.
	function sendFocus(target) {
		if (texts) send({ type: 'focus', field: target?.field, itemId: target?.itemId ?? undefined }, { quiet: true });
	}

	// Others' edits wait out IME composition (a set value ends it); ours go after at a tie.
	function bindText(control, field, itemId = null) {
		const key = textKey(field, itemId);
		const target = { field, itemId };
		const entry = { control, target };
		textControls.set(key, entry);
		const typed = () => {
			const caret = toCodePointIndex(control.value, control.selectionEnd);
			const { held } = entry;
			if (!held) return texts.localEdit(key, control.value, caret);
			const mine = diff(held.shown, control.value, caret);
			const op = transform(held.op, mine, 'left');
			const taken = texts.localEdit(key, apply(texts.text(key), transform(mine, held.op, 'right')), transformPosition(caret, op));
			entry.held = { shown: control.value, op: taken ? op : diff(control.value, texts.text(key)) };
		};
		control.addEventListener('input', () => {
			if (!texts?.has(key)) return;
			typed();
			// Refused or not taken: the shared text again.
			syncText(control, key);
		});
		control.addEventListener('compositionend', () => {
			if (texts?.has(key) && control.value !== entry.held?.shown) typed(); // its input may come after
			const { held } = entry;
			entry.composing = entry.held = null;
			if (held && texts) showTextChange(control, { op: held.op, before: control.value, after: texts.text(key) });
			syncText(control, key);
		});
		control.addEventListener('compositionstart', () => { entry.composing = true; });
		control.addEventListener('focus', () => sendFocus(target));
		control.addEventListener('blur', () => sendFocus(null));
	}

	// So the caret stays.
	function syncText(control, key) {
		if (!texts?.has(key)) return;
		const text = texts.text(key);
		if (control.value !== text && !textControls.get(key)?.composing) control.value = text;
		const { pending, frozen } = texts.status(key);
		if (pending) control.dataset.pending = 'true';
		else delete control.dataset.pending;
		control.readOnly = frozen;
	}

	function textChanged(key, change) {
		const entry = textControls.get(key);
		if (!entry) return; // drawn on the next render
		const { control, held } = entry;
		if (entry.composing && (held || control.value === change?.before)) {
			if (change) entry.held = { shown: held?.shown ?? change.before, op: held ? compose(held.op, change.op) : change.op };
		} else {
			entry.held = null;
			if (change) showTextChange(control, change);
		}
		syncText(control, key);
	}

	// The server forgets it on a reconnect.
	function announceFocus() {
		for (const { control, target } of textControls.values()) {
			if (document.activeElement === control) sendFocus(target);
		}
	}

	function render(next = state) {
		state = next;
		const m = state?.meeting;
		if (!m) return;
		document.title = `${m.title} · Roundtable`;
		setText(q('meeting-title'), m.title);
		showText(q('follows'), m.previous ? t('Follows: {title}', { title: m.previous.title }) : '');
		setText(q('goal-text'), m.goal);
		setText(q('goal-section-text'), m.goal);
		const badge = q('phase-badge');
		setText(badge, labelOf(m.phase));
		badge.dataset.phase = m.phase;
		renderSections(m);
		renderSettings(m);
		renderItems(m);
		for (const part of [votes, updates, queue]) part.render(state);
		renderProfile();
		renderParticipants(m);
		setText(q('meeting-join-code'), m.joinCode ?? '');
		joinUrl.value = m.joinCode ? joinUrlFor(m.joinCode) : '';
		if (m.joinCode) {
			q('room-display-link').href = joinUrlFor(m.joinCode, true);
			// Only the room display fetches the QR.
			if (document.documentElement.classList.contains('room')) q('join-qr').src = joinQrPath(m.joinCode);
		}
		q('rotate-join-code').hidden = !canFacilitate(state);
		q('ended-notice').hidden = m.phase !== 'ended';
		q('next-meeting').hidden = !isFacilitator(state);
		q('observer-notice').hidden = role(state) !== 'observer';
	}

	// Not while the user is in it or has an edit outstanding.
	function show(control, key, value) {
		const edit = ownEdits.get(key);
		if (edit?.seq != null && state.version >= edit.seq) ownEdits.delete(key);
		if (ownEdits.has(key) || document.activeElement === control) return;
		if (control.value !== (value ?? '')) control.value = value ?? '';
	}

	function commit(key, command) {
		const edit = { seq: null };
		ownEdits.set(key, edit);
		send(command).then((reply) => {
			if (ownEdits.get(key) === edit) { // else a newer edit took over
				if (reply.type === 'ack') edit.seq = reply.seq;
				else ownEdits.delete(key);
			}
			render();
		});
	}

	function onTextCommit(control, key, makeCommand, required) {
		control.addEventListener('change', () => {
			const value = control.value.trim();
			if (required && !value) {
				control.value = required() ?? '';
				toast(t('This field cannot be empty.'));
			} else commit(key, makeCommand(value));
		});
	}

	root.addEventListener('focusout', () => setTimeout(() => render(), 0));

	// The goal stays on top.
	const sections = new Map();
	function createSection({ id, title }) {
		// One this client does not know: title only.
		const sec = q('sections').querySelector(`:scope > [data-section="${CSS.escape(id)}"]`) ??
			h('section', { class: 'card', 'data-section': id }, h('h2', { class: 'section-title' }, title),
				h('p', { class: 'empty' }, t('Nothing here yet.')));
		const row = { li: sec, go: h('button', { testid: 'section-enter', onclick: () => send({ type: 'enter_section', section: id }) }, t('Move the meeting here')) };
		if (id !== 'goal') {
			[row.up, row.down] = moveButtons('section', () => state.meeting.sections.findIndex((s) => s.id === id),
				(index) => send({ type: 'move_section', section: id, index }));
		}
		row.box = h('div', { class: 'item-tools' }, row.go, row.up, row.down);
		sec.querySelector('.section-title').after(row.box);
		return row;
	}

	function renderSections(m) {
		const container = q('sections');
		const live = m.phase === 'live';
		const current = live && m.sections.find((s) => s.id === m.currentSection);
		const update = (row, s, index) => {
			row.li.hidden = false;
			row.li.ariaCurrent = s === current ? 'step' : null;
			row.go.hidden = s === current || !live;
			row.box.hidden = !canFacilitate(state) || (row.go.hidden && !row.up);
			if (row.up) {
				row.up.disabled = index <= 1;
				row.down.disabled = index === m.sections.length - 1;
			}
		};
		syncRows(container, sections, m.sections, { key: (s) => s.id, make: createSection, update });
		for (const sec of [...container.children].slice(m.sections.length)) sec.hidden = true;
	}

	const settings = q('meeting-settings');
	const editTitle = q('edit-title');
	const editGoal = q('edit-goal');
	onTextCommit(editTitle, 'meeting.title', (title) => ({ type: 'set_title', title }), () => state.meeting.title);
	bindText(editGoal, 'goal');
	onSubmit(settings, () => {});
	for (const phase of PHASES) q(`phase-${phase}`).addEventListener('click', () => send({ type: 'set_phase', phase }));

	function renderSettings(m) {
		// Members see the goal being reworded.
		renderMarkers(q('goal-editors'), editGoal, editorsOf(state, 'goal'));
		settings.hidden = !isFacilitator(state);
		if (settings.hidden) return;
		show(editTitle, 'meeting.title', m.title);
		syncText(editGoal, 'goal');
		editTitle.disabled = editGoal.disabled = q('phase-buttons').hidden = m.phase === 'ended';
		for (const phase of PHASES) q(`phase-${phase}`).setAttribute('aria-pressed', m.phase === phase);
	}

	const addForm = q('item-add-form');
	const [addTitle, addOwner, addDue] = ['title', 'owner', 'due'].map((f) => q(`item-add-${f}`));

	onSubmit(addForm, () => {
		const title = addTitle.value.trim();
		if (title) {
			// Offline too: it is queued.
			send({ type: 'add_item', title, owner: addOwner.value.trim() || undefined, due: addDue.value || undefined });
			addForm.reset();
		} else toast(t('Give the action item a title.'));
		addTitle.focus();
	});

	function createRow(id) {
		const markers = (testid) => h('span', { class: 'editing-markers', testid, hidden: true });
		const row = {
			title: h('input', {
				class: 'item-title', testid: 'item-title', maxlength: '200', 'aria-label': t('Action item'),
				placeholder: t('Untitled action item'), autocomplete: 'off',
			}),
			titleMarkers: markers('title-editors'),
			notes: h('textarea', { class: 'item-notes', testid: 'item-notes', maxlength: '5000', rows: '3', placeholder: t('Notes') }),
			notesMarkers: markers('notes-editors'),
			owner: h('input', { testid: 'item-owner', maxlength: '100', autocomplete: 'off' }),
			due: h('input', { testid: 'item-due', type: 'date' }),
			status: h('select', { testid: 'item-status' }, ITEM_STATUSES.map((s) => h('option', { value: s }, labelOf(s)))),
		};
		[row.up, row.down] = moveButtons('item', () => state.meeting.items.findIndex((i) => i.id === id),
			(index) => send({ type: 'move_item', itemId: id, index }));
		row.carried = h('span', { class: 'badge', testid: 'item-carried' }, t('Carried over'));
		const del = h('button', { class: 'danger', testid: 'item-delete' }, t('Delete'));
		row.tools = h('div', { class: 'item-tools' }, row.up, row.down, del);
		row.li = h('li', { class: 'item', testid: 'item', 'data-item-id': id },
			h('div', { class: 'item-head' }, row.title, row.carried, row.titleMarkers),
			h('div', { class: 'item-fields' }, field(t('Owner'), row.owner), field(t('Due'), row.due), field(t('Status'), row.status)),
			field([t('Notes'), row.notesMarkers], row.notes, { class: 'field item-notes-field' }),
			row.tools);

		for (const f of ITEM_TEXTS) bindText(row[f], f, id);
		onTextCommit(row.owner, `${id}.owner`, (owner) => ({ type: 'update_item', itemId: id, owner }));
		for (const f of ['due', 'status']) {
			row[f].addEventListener('change', () => commit(`${id}.${f}`, { type: 'update_item', itemId: id, [f]: row[f].value }));
		}

		// No undo: a second click confirms (a dialog blocks the page).
		let disarmTimer = null;
		const arm = (on) => {
			clearTimeout(disarmTimer);
			del.toggleAttribute('data-armed', on);
			del.textContent = on ? t('Confirm delete') : t('Delete');
			if (on) disarmTimer = setTimeout(arm, DELETE_CONFIRM_MS, false);
		};
		del.addEventListener('click', () => {
			const armed = del.hasAttribute('data-armed');
			arm(!armed);
			if (armed) send({ type: 'delete_item', itemId: id });
		});

		return row;
	}

	function renderItems(m) {
		const editable = canEditItems(state);
		const update = (row, item, index) => {
			for (const f of ITEM_TEXTS) {
				syncText(row[f], textKey(f, item.id));
				renderMarkers(row[`${f}Markers`], row[f], editorsOf(state, f, item.id));
			}
			for (const f of FIELDS) {
				show(row[f], `${item.id}.${f}`, item[f]);
				row[f].toggleAttribute('data-empty', !item[f]); // the room display hides empty ones
			}
			row.li.dataset.status = item.status;
			row.carried.hidden = !item.carriedFrom;
			for (const f of [...ITEM_TEXTS, ...FIELDS]) row[f].disabled = !editable;
			row.tools.hidden = !canFacilitate(state);
			row.up.disabled = index === 0;
			row.down.disabled = index === m.items.length - 1;
		};
		const onDrop = (id) => ITEM_TEXTS.forEach((f) => textControls.delete(textKey(f, id)));
		syncRows(q('item-list'), rows, m.items, { key: (i) => i.id, make: (i) => createRow(i.id), update, onDrop });
		q('item-empty').hidden = m.items.length > 0;
		addForm.hidden = !editable;
	}

	const profile = (f) => q(`profile-${f}`);
	onSubmit(q('profile'), () => {});
	onTextCommit(profile('name'), 'me.name', (name) => ({ type: 'update_profile', name }), () => me(state)?.name);
	onTextCommit(profile('organisation'), 'me.organisation', (organisation) => ({ type: 'update_profile', organisation }));
	profile('attendance').addEventListener('change', (e) =>
		commit('me.attendance', { type: 'update_profile', attendance: e.target.value }));

	function renderProfile() {
		const p = me(state);
		if (!p) return;
		setText(q('profile-role'), labelOf(p.role));
		for (const f of ['name', 'attendance', 'organisation']) show(profile(f), `me.${f}`, p[f]);
	}

	function renderParticipants(m) {
		const youId = state.you?.participantId;
		const badge = (cls, testid, text) => h('span', { class: `badge ${cls}`, testid }, text);
		const people = m.participants.filter((p) => !p.removed);
		q('participant-list').replaceChildren(...people.map((p) => h('li', {
			class: 'person', testid: 'participant', 'data-participant-id': p.id, 'data-online': String(Boolean(p.online)),
			'data-you': p.id === youId ? 'true' : null,
		},
		h('span', { class: `dot ${p.online ? 'on' : 'off'}`, 'aria-hidden': 'true' }),
		h('span', { class: 'visually-hidden' }, (p.online ? t('online') : t('offline')) + ': '),
		h('span', { class: 'person-main' },
			h('span', { class: 'person-name' }, p.name),
			p.id === youId ? h('span', { class: 'you' }, t(' (you)')) : null,
			p.organisation ? h('span', { class: 'org' }, p.organisation) : null),
		h('span', { class: 'badges' },
			badge(`att-${p.attendance}`, 'participant-attendance', ATTENDANCE_LABELS[p.attendance] ?? p.attendance),
			badge(`role-${p.role}`, 'participant-role', labelOf(p.role))),
		canFacilitate(state) && p.role !== 'facilitator' && h('button', {
			class: 'danger', testid: 'participant-remove', 'aria-label': t('Remove {name}', { name: p.name }),
			onclick: () => confirm(t('Remove {name} from the meeting?', { name: p.name })) && send({ type: 'remove_participant', participantId: p.id }),
		}, t('Remove')))));
		const online = people.filter((p) => p.online).length;
		setText(q('participant-count'), t('{online} of {all} online', { online, all: people.length }));
	}

	// A plain link cannot send the token.
	root.addEventListener('click', async (e) => {
		const button = e.target.closest('[data-format]');
		if (!button || !state) return;
		const { format } = button.dataset;
		button.disabled = true;
		try {
			const res = await request(minutesPath(state.meeting.id, format), { token: state.token });
			const link = h('a', { href: URL.createObjectURL(await res.blob()), download: minutesFileName(state.meeting.title, format) });
			document.body.append(link);
			link.click();
			link.remove();
			setTimeout(() => URL.revokeObjectURL(link.href), 60000);
		} catch (err) {
			toast(t('The minutes could not be downloaded: {reason}', { reason: err.message }));
		}
		button.disabled = false;
	});

	const next = q('next-meeting');
	const nextTitle = q('next-title');
	// The async toggle event could land after the user's typing.
	next.firstElementChild.onclick = () => { if (!next.open) nextTitle.value = state.meeting.title; };
	createForm('next', () => {
		const title = nextTitle.value.trim();
		return title ? { previousMeetingId: state.meeting.id, title } : t('The next meeting needs a title.');
	}, (created) => {
		next.open = false;
		onNextMeeting(created);
	}, () => state.token);

	const joinUrl = q('meeting-join-url');
	copyField(joinUrl, q('meeting-join-url-copy'));
	q('rotate-join-code').onclick = () => confirm(t('Replace the join code? The old code and link stop working for new people; everyone here stays.'))
		&& send({ type: 'rotate_join_code' });

	return {
		render,
		setConnStatus(status) {
			q('conn-status').dataset.state = status;
			setText(q('conn-status'), CONN_LABELS[status] ?? status);
		},
		useTexts(sync) { texts = sync; },
		textChanged,
		announceFocus,
	};
}
