// The Partner updates section (PROTOCOL.md "Partner updates"): the list of slots for everyone,
// the active slot's countdown, the facilitator's controls, and the warning when the agenda puts
// partner updates before the action items. The countdown is the slot's deadline minus the
// server's time as estimated here (server_clock.js), redrawn a few times a second: no screen
// waits for an event to say the time is up.

import { h, byTestId, runCommand, setText } from './dom.js';
import { isFacilitator } from './state.js';
import { session } from './session.js';
import {
  activeSlot, announcement, canStart, formatDuration, partnerUpdatesBeforeItems, remainingMs,
  slotPhase, updatesAfterItems,
} from './updates.js';

const TICK_MS = 200;
const STATE_LABELS = { pending: 'Up next', running: 'Speaking', paused: 'Paused', done: 'Done', skipped: 'Skipped' };
// Said in words as well as in colour.
const PHASE_LABELS = { normal: 'Time left', warning: 'Almost time', time: 'Time', overrun: 'Over time' };

function usedText(s) {
  if (s.state === 'skipped' && !s.usedMs) return 'Skipped';
  const over = s.overrunMs > 0 ? `, ${formatDuration(s.overrunMs)} over` : ', on time';
  return `Used ${formatDuration(s.usedMs || 0)}${over}`;
}

export function createUpdatesView(root, send, now) {
  const q = (testid) => byTestId(testid, root);
  const list = q('slot-list');
  const error = q('slot-error');
  const active = q('slot-active');
  const countdown = q('slot-countdown');
  const status = q('slot-status');
  const announcer = q('slot-announce');
  const sound = q('slot-sound');
  const rows = new Map(); // slotId -> row
  let state = null;
  let ticker = null;
  let last = null; // {id, left} of the previous tick, for the announcements
  let audio = null;
  const run = (command, onAck) => runCommand(send, command, error, onAck);
  const slots = () => state.meeting.updates.slots;

  // Browsers let a page make sound only after the user interacted with it.
  root.addEventListener('pointerdown', () => { if (window.AudioContext) audio ??= new AudioContext(); }, { once: true });
  sound.checked = !session.muted();
  sound.addEventListener('change', () => session.setMuted(!sound.checked));

  function beep() {
    if (!audio || !sound.checked) return;
    audio.resume();
    const tone = audio.createOscillator();
    const gain = audio.createGain();
    gain.gain.value = 0.2;
    tone.frequency.value = 880;
    tone.connect(gain).connect(audio.destination);
    tone.start();
    tone.stop(audio.currentTime + 0.3);
  }

  q('order-fix').addEventListener('click', () => run(updatesAfterItems(state.meeting.sections)));
  // Refused, the box goes back to what the meeting has.
  q('slot-auto').addEventListener('change', (e) => run({ type: 'set_auto_advance', on: e.target.checked }).then(() => render(state)));

  const form = q('slot-add-form');
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const f = form.elements;
    const organisation = f.organisation.value.trim();
    const seconds = Number(f.minutes.value || 0) * 60 + Number(f.seconds.value || 0);
    if (!organisation) error.textContent = 'Which organisation gives the update?';
    else if (!Number.isInteger(seconds) || seconds < 1 || seconds > 3600) error.textContent = 'Give it 1 second to 60 minutes.';
    else run({ type: 'add_slot', organisation, speaker: f.speaker.value.trim(), seconds }, () => form.reset());
  });

  // The active slot's buttons name the slot they mean, so a double click cannot skip two.
  for (const button of active.querySelectorAll('[data-command]')) {
    button.addEventListener('click', () => {
      const slot = activeSlot(state.meeting.updates);
      const command = { type: button.dataset.command, slotId: slot.id };
      if (button.dataset.seconds) command.seconds = Number(button.dataset.seconds);
      run(command);
    });
  }

  function createRow(id) {
    const tool = (label, command, extra) => h('button', { type: 'button', 'data-command': command, onclick: () => run({ type: command, slotId: id, ...extra?.() }) }, label);
    const index = () => slots().findIndex((s) => s.id === id);
    const row = {
      org: h('strong', { testid: 'slot-organisation' }),
      speaker: h('span', { testid: 'slot-speaker' }),
      time: h('span', { class: 'badge', testid: 'slot-time' }),
      state: h('span', { class: 'badge slot-state', testid: 'slot-state' }),
      result: h('p', { testid: 'slot-result' }),
      up: tool('Move earlier', 'move_slot', () => ({ index: Math.max(0, index() - 1) })),
      down: tool('Move later', 'move_slot', () => ({ index: index() + 1 })),
      start: tool('Start', 'start_slot'),
      skip: tool('Skip', 'skip_slot'),
      remove: h('button', { type: 'button', class: 'danger', onclick: () => run({ type: 'remove_slot', slotId: id }) }, 'Remove'),
    };
    row.tools = h('div', { class: 'item-tools' }, row.up, row.down, row.start, row.skip, row.remove);
    row.li = h('li', { class: 'item slot', testid: 'slot', 'data-slot-id': id },
      h('div', { class: 'item-head' }, row.org, row.speaker, row.time, row.state), row.result, row.tools);
    return row;
  }

  function updateRow(row, s, index, facilitates) {
    row.li.dataset.state = s.state;
    setText(row.org, s.organisation);
    setText(row.speaker, s.speaker ? `· ${s.speaker}` : '');
    const extra = s.extendedSeconds ? ` + ${formatDuration(s.extendedSeconds * 1000)}` : '';
    setText(row.time, `${formatDuration(s.seconds * 1000)}${extra}`);
    setText(row.state, STATE_LABELS[s.state] ?? s.state);
    const ended = s.state === 'done' || s.state === 'skipped';
    setText(row.result, ended ? usedText(s) : '');
    row.result.hidden = !ended;
    row.tools.hidden = !facilitates;
    row.up.disabled = index === 0;
    row.down.disabled = index === slots().length - 1;
    row.start.hidden = !canStart(state.meeting.updates, s);
    row.skip.hidden = s.state !== 'pending';
    row.remove.hidden = s.state !== 'pending' && s.state !== 'skipped';
  }

  // The countdown of the active slot; runs every TICK_MS while one runs.
  function tick() {
    const slot = state && activeSlot(state.meeting.updates);
    active.hidden = !slot;
    if (!slot) {
      last = null;
      ticker = clearInterval(ticker);
      return;
    }
    const t = now();
    const left = remainingMs(slot, t);
    const phase = slotPhase(slot, t);
    active.dataset.phase = phase;
    active.dataset.state = slot.state;
    setText(countdown, phase === 'time' ? 'Time' : left < 0 ? `+${formatDuration(left)} overrun` : formatDuration(left));
    setText(status, [PHASE_LABELS[phase], slot.state === 'paused' && 'Paused'].filter(Boolean).join(' · '));
    const said = last?.id === slot.id ? announcement(last.left, left) : null;
    last = { id: slot.id, left };
    if (said) {
      announcer.textContent = said;
      if (said === 'Time') beep();
    }
    if (slot.state === 'running') ticker ??= setInterval(tick, TICK_MS);
    else ticker = clearInterval(ticker);
  }

  function render(next) {
    state = next;
    const m = state.meeting;
    const facilitates = isFacilitator(state) && m.phase !== 'ended';
    q('order-warning').hidden = !partnerUpdatesBeforeItems(m.sections);
    q('order-fix').hidden = !facilitates;
    q('slot-facilitator').hidden = !facilitates;
    q('slot-auto').checked = m.updates.autoAdvance;
    const present = new Set(slots().map((s) => s.id));
    for (const [id, row] of rows) if (!present.has(id)) { row.li.remove(); rows.delete(id); }
    slots().forEach((s, index) => {
      let row = rows.get(s.id);
      if (!row) rows.set(s.id, (row = createRow(s.id)));
      updateRow(row, s, index, facilitates);
      if (list.children[index] !== row.li) list.insertBefore(row.li, list.children[index] ?? null);
    });
    q('slot-empty').hidden = slots().length > 0;
    const slot = activeSlot(m.updates);
    if (slot) {
      setText(q('slot-active-who'), slot.speaker ? `${slot.organisation} · ${slot.speaker}` : slot.organisation);
      q('slot-controls').hidden = !facilitates;
      for (const [command, shown] of [['pause_slot', slot.state === 'running'], ['resume_slot', slot.state === 'paused']]) {
        active.querySelector(`[data-command="${command}"]`).hidden = !shown;
      }
    }
    tick();
  }

  return { render };
}
