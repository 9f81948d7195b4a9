// The screens before the meeting: landing (create a meeting, or enter a join code) and join
// (name, attendance, organisation, observer); checked values go to the app.

import { byTestId, copyField, onSubmit, showScreen, showText } from './dom.js';
import { session } from './session.js';
import { joinUrlFor } from './urls.js';

const CODE_PATTERN = /^[A-Z0-9]{4}-[A-Z0-9]{4}$/;

// People type codes from a projector: accept lower case, spaces and a missing hyphen.
export function normaliseCode(text) {
  const raw = String(text).toUpperCase().replace(/[^A-Z0-9]/g, '');
  return raw.length === 8 ? `${raw.slice(0, 4)}-${raw.slice(4)}` : raw;
}

// The client's one REST call (PROTOCOL.md "HTTP"); throws an Error whose message is fit to show.
async function createMeeting({ title, goal }) {
  let res;
  try {
    res = await fetch('/api/meetings', {
      method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ title, goal }),
    });
  } catch {
    throw new Error('Could not reach the server. Check the connection and try again.');
  }
  const body = await res.json().catch(() => null); // reported below with the status
  if (!res.ok) throw new Error(body?.error?.message ?? `The server answered ${res.status}.`);
  if (!body?.meetingId || !body.facilitatorToken) throw new Error('The server gave an unexpected answer.');
  return body;
}

function setBusy(button, busyText) {
  button.dataset.label ??= button.textContent;
  button.disabled = Boolean(busyText);
  button.textContent = busyText || button.dataset.label;
}

// onCreated({meetingId, joinCode, facilitatorToken, joinUrl}); onCode(code).
export function setupLanding({ onCreated, onCode }) {
  const createError = byTestId('create-error');
  const createSubmit = byTestId('create-submit');
  onSubmit(document.getElementById('create-form'), async () => {
    const title = byTestId('create-title').value.trim();
    const goal = byTestId('create-goal').value.trim();
    createError.textContent = title && goal ? '' : 'A meeting needs a title and a goal.';
    if (createError.textContent) return;
    setBusy(createSubmit, 'Creating…');
    try {
      onCreated(await createMeeting({ title, goal }));
    } catch (err) {
      createError.textContent = err.message;
    } finally {
      setBusy(createSubmit, null);
    }
  });

  onSubmit(document.getElementById('code-form'), () => {
    const code = normaliseCode(byTestId('code-input').value);
    const valid = CODE_PATTERN.test(code);
    byTestId('code-error').textContent = valid ? '' : 'A join code has 8 letters or digits, like ABCD-EFGH.';
    if (valid) onCode(code);
  });
}

export function showLanding(notice = '') {
  showText(byTestId('landing-notice'), notice);
  showScreen('landing');
}

// A join target: {code}, or {meetingId, facilitatorToken, joinCode, joinUrl} for the
// facilitator. onJoin(target, {name, attendance, organisation, observer}); onBack().
export function setupJoin({ onJoin, onBack }) {
  const form = document.getElementById('join-form');
  const error = byTestId('join-error');
  const submit = byTestId('join-submit');
  let target = null;
  const fail = (message) => {
    error.textContent = message;
    setBusy(submit, null);
  };

  copyField(byTestId('join-url-display'), byTestId('join-url-copy'));

  onSubmit(form, () => {
    const profile = {
      name: byTestId('join-name').value.trim(),
      attendance: form.elements.attendance.value === 'remote' ? 'remote' : 'room',
      organisation: byTestId('join-organisation').value.trim(),
    };
    error.textContent = profile.name ? '' : 'Please give your name, so the others know who is here.';
    if (!profile.name) return byTestId('join-name').focus();
    session.setProfile(profile);
    setBusy(submit, 'Joining…');
    const observer = !target.facilitatorToken && byTestId('join-observer').checked;
    onJoin(target, { ...profile, observer });
  });
  byTestId('join-back').addEventListener('click', () => onBack());

  return {
    show(nextTarget, message = '') {
      target = nextTarget;
      const facilitator = Boolean(target.facilitatorToken);
      const code = target.code ?? target.joinCode;
      byTestId('join-heading').textContent = facilitator ? 'Join your meeting as facilitator' : 'Join the meeting';
      showText(byTestId('join-for'), facilitator ? '' : `Meeting code ${code}`);
      const invite = byTestId('invite');
      invite.hidden = !(facilitator && code);
      if (!invite.hidden) {
        byTestId('join-code-display').textContent = code;
        byTestId('join-url-display').value = target.joinUrl ? new URL(target.joinUrl, location.href).href : joinUrlFor(code);
      }
      document.getElementById('join-observer-option').hidden = facilitator;
      const remembered = session.profile();
      for (const f of ['name', 'organisation']) {
        const input = byTestId(`join-${f}`);
        if (!input.value && remembered[f]) input.value = remembered[f];
      }
      if (remembered.attendance === 'remote') byTestId('join-attendance-remote').checked = true;
      fail(message);
      showScreen('join');
    },
    fail,
  };
}
