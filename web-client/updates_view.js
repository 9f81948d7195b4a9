// The countdown awaits no event to say "Time".

import { h, byTestId, moveButtons, onSubmit, runCommand, setText, showText, syncRows } from './dom.js';
import { Countdown } from './countdown.js';
import { canFacilitate } from './state.js';
import { session } from './session.js';
import {
	activeSlot, announcement, canStart, formatDuration, partnerUpdatesBeforeItems, remainingMs, slotPhase, updatesAfterItems,
} from './updates.js';
import { t } from './i18n.js';

const STATE_LABELS = { pending: t('Up next'), running: t('Speaking'), paused: t('Paused'), done: t('Finished'), skipped: t('Skipped') };
// Words as well as colour.
const PHASE_LABELS = { normal: t('Time left'), warning: t('Almost time'), time: t('Time'), overrun: t('Over time') };

function result(s) {
	if (s.state === 'skipped' && !s.usedMs) return t('Skipped');
	return s.overrunMs > 0 ? t('Used {used}, {over} over', { used: formatDuration(s.usedMs || 0), over: formatDuration(s.overrunMs) })
		: t('Used {used}, on time', { used: formatDuration(s.usedMs || 0) });
}

export function createUpdatesView(root, send, now) {
	const q = (testid) => byTestId(testid, root);
	const [list, error, active, countdown, status, announcer, sound, form] =
		['list', 'error', 'active', 'countdown', 'status', 'announce', 'sound', 'add-form'].map((k) => q(`slot-${k}`));
	const rows = new Map();
	let state = null;
	const clock = new Countdown(now, () => tick());
	let last = null;
	let audio = null;
	const run = (command, onAck) => runCommand(send, command, error, onAck);
	const slots = () => state.meeting.updates.slots;

	// Sound only after a user gesture.
	root.addEventListener('pointerdown', () => { if (window.AudioContext) audio ??= new AudioContext(); }, { once: true });
	sound.checked = !session.muted();
	sound.addEventListener('change', () => session.setMuted(!sound.checked));

	function beep() {
		if (!audio || !sound.checked) return;
		audio.resume();
		const tone = new OscillatorNode(audio, { frequency: 880 });
		tone.connect(new GainNode(audio, { gain: 0.2 })).connect(audio.destination);
		tone.start();
		tone.stop(audio.currentTime + 0.3);
	}

	q('order-fix').addEventListener('click', () => run(updatesAfterItems(state.meeting.sections)));
	// A refusal resets the box.
	q('slot-auto').addEventListener('change', (e) => run({ type: 'set_auto_advance', on: e.target.checked }).then(() => render(state)));

	const submit = form.querySelector('button.primary');
	const editing = (id) => {
		form.dataset.slotId = id ?? '';
		setText(submit, id ? t('Save the update') : t('Add the update'));
	};
	form.addEventListener('reset', () => editing(null));
	const f = form.elements;
	function edit(s) {
		[f.organisation.value, f.speaker.value, f.minutes.value, f.seconds.value] = [s.organisation, s.speaker, Math.floor(s.seconds / 60), s.seconds % 60];
		editing(s.id);
		f.organisation.focus();
	}
	onSubmit(form, () => {
		const organisation = f.organisation.value.trim();
		const seconds = Number(f.minutes.value || 0) * 60 + Number(f.seconds.value || 0);
		const slot = { organisation, speaker: f.speaker.value.trim(), seconds };
		const slotId = form.dataset.slotId;
		if (!organisation) error.textContent = t('Which organisation gives the update?');
		else if (!Number.isInteger(seconds) || seconds < 1 || seconds > 3600) error.textContent = t('Give it 1 second to 60 minutes.');
		else run(slotId ? { type: 'update_slot', slotId, ...slot } : { type: 'add_slot', ...slot }, () => form.reset());
	});

	// A double click cannot skip two speakers.
	for (const b of active.querySelectorAll('[data-command]')) {
		b.addEventListener('click', () => run({
			type: b.dataset.command, slotId: activeSlot(state.meeting.updates).id, seconds: Number(b.dataset.seconds) || undefined,
		}));
	}

	function createRow(s) {
		const tool = (label, type, cls) => h('button', { class: cls, onclick: () => run({ type, slotId: s.id }) }, label);
		const index = () => slots().findIndex((x) => x.id === s.id);
		const [up, down] = moveButtons('slot', index, (to) => run({ type: 'move_slot', slotId: s.id, index: to }));
		const row = {
			up, down,
			org: h('strong', { testid: 'slot-organisation' }),
			speaker: h('span'),
			time: h('span', { class: 'badge', testid: 'slot-time' }),
			state: h('span', { class: 'badge', testid: 'slot-state' }),
			result: h('p', { testid: 'slot-result' }),
			edit: h('button', { onclick: () => edit(slots()[index()]) }, t('Edit')),
			start: tool(t('Start'), 'start_slot'),
			skip: tool(t('Skip'), 'skip_slot'),
			remove: tool(t('Remove'), 'remove_slot', 'danger'),
		};
		row.tools = h('div', { class: 'item-tools' }, up, down, row.edit, row.start, row.skip, row.remove);
		row.li = h('li', { class: 'item slot', testid: 'slot', 'data-slot-id': s.id },
			h('div', { class: 'item-head' }, row.org, row.speaker, row.time, row.state), row.result, row.tools);
		return row;
	}

	function updateRow(row, s, index, facilitates) {
		const ended = s.state === 'done' || s.state === 'skipped';
		row.li.dataset.state = s.state;
		setText(row.org, s.organisation);
		setText(row.speaker, s.speaker ? `· ${s.speaker}` : '');
		setText(row.time, formatDuration(s.seconds * 1000) + (s.extendedSeconds ? ` + ${formatDuration(s.extendedSeconds * 1000)}` : ''));
		setText(row.state, STATE_LABELS[s.state] ?? s.state);
		showText(row.result, ended ? result(s) : '');
		row.tools.hidden = !facilitates;
		row.up.disabled = index === 0;
		row.down.disabled = index === slots().length - 1;
		row.start.hidden = !canStart(state.meeting.updates, s);
		row.skip.hidden = s.state !== 'pending';
		// A slot that ran stays for the minutes.
		row.remove.hidden = !(s.state === 'pending' || (s.state === 'skipped' && !s.usedMs));
		row.edit.hidden = s.state !== 'pending' && s.state !== 'skipped';
	}

	function tick() {
		const slot = state && activeSlot(state.meeting.updates);
		active.hidden = !slot;
		if (!slot) return (last = null);
		const at = now();
		const left = remainingMs(slot, at);
		const phase = slotPhase(slot, at);
		Object.assign(active.dataset, { phase, state: slot.state });
		setText(countdown, phase === 'time' ? t('Time') : left < 0 ? t('+{time} overrun', { time: formatDuration(left) }) : formatDuration(left));
		setText(status, [PHASE_LABELS[phase], slot.state === 'paused' && t('Paused')].filter(Boolean).join(' · '));
		const said = last?.id === slot.id ? announcement(last.left, left) : null;
		last = { id: slot.id, left };
		if (said) announcer.textContent = said;
		if (said === t('Time')) beep();
	}

	function render(next) {
		state = next;
		const m = state.meeting;
		const facilitates = canFacilitate(state);
		q('order-warning').hidden = !partnerUpdatesBeforeItems(m.sections);
		q('order-fix').hidden = q('slot-facilitator').hidden = !facilitates;
		q('slot-auto').checked = m.updates.autoAdvance;
		syncRows(list, rows, slots(), { key: (s) => s.id, make: createRow, update: (row, s, i) => updateRow(row, s, i, facilitates) });
		q('slot-empty').hidden = slots().length > 0;
		const slot = activeSlot(m.updates);
		if (slot) {
			setText(q('slot-active-who'), slot.speaker ? `${slot.organisation} · ${slot.speaker}` : slot.organisation);
			q('slot-controls').hidden = !facilitates;
			active.querySelector('[data-command=pause_slot]').hidden = slot.state !== 'running';
			active.querySelector('[data-command=resume_slot]').hidden = slot.state !== 'paused';
		}
		tick();
		clock.follow(slot?.state === 'running' ? slot.deadline : null);
	}

	return { render };
}
