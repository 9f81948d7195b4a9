import { byTestId, copyField, onSubmit, showScreen, showText } from './dom.js';
import { session } from './session.js';
import { joinUrlFor } from './urls.js';
import { t } from './i18n.js';

const CODE_PATTERN = /^[A-Z0-9]{4}-[A-Z0-9]{4}$/;

// Typed off a projector.
export function normaliseCode(text) {
	const raw = String(text).toUpperCase().replace(/[^A-Z0-9]/g, '');
	return raw.length === 8 ? `${raw.slice(0, 4)}-${raw.slice(4)}` : raw;
}

// Its errors are fit to show.
export async function request(path, { body, token } = {}) {
	const headers = token ? { Authorization: `Bearer ${token}` } : {};
	if (body) headers['Content-Type'] = 'application/json';
	const res = await fetch(path, { method: body && 'POST', headers, body: body && JSON.stringify(body) }).catch(() => {
		throw new Error(t('Could not reach the server. Check the connection and try again.'));
	});
	if (!res.ok) throw new Error((await res.json().catch(() => null))?.error?.message ?? t('The server answered {status}.', { status: res.status }));
	return res;
}

function setBusy(button, busyText) {
	button.dataset.label ??= button.textContent;
	button.disabled = Boolean(busyText);
	button.textContent = busyText || button.dataset.label;
}

export function createForm(name, read, onCreated, token) {
	const error = byTestId(`${name}-error`);
	const submit = byTestId(`${name}-submit`);
	onSubmit(document.getElementById(`${name}-form`), async () => {
		const body = read();
		error.textContent = typeof body === 'string' ? body : '';
		if (error.textContent) return;
		setBusy(submit, t('Creating…'));
		try {
			const created = await (await request('/api/meetings', { body, token: token?.() })).json().catch(() => null);
			if (!created?.meetingId || !created.facilitatorToken) throw new Error(t('The server gave an unexpected answer.'));
			onCreated(created);
		} catch (err) {
			error.textContent = err.message;
		} finally {
			setBusy(submit, null);
		}
	});
}

export function setupLanding({ onCreated, onCode }) {
	createForm('create', () => {
		const title = byTestId('create-title').value.trim();
		const goal = byTestId('create-goal').value.trim();
		return title && goal ? { title, goal } : t('A meeting needs a title and a goal.');
	}, onCreated);

	onSubmit(document.getElementById('code-form'), () => {
		const code = normaliseCode(byTestId('code-input').value);
		const valid = CODE_PATTERN.test(code);
		byTestId('code-error').textContent = valid ? '' : t('A join code has 8 letters or digits, like ABCD-EFGH.');
		if (valid) onCode(code);
	});
}

export function showLanding(notice = '') {
	showText(byTestId('landing-notice'), notice);
	showScreen('landing');
}

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
		error.textContent = profile.name ? '' : t('Please give your name, so the others know who is here.');
		if (!profile.name) return byTestId('join-name').focus();
		session.setProfile(profile);
		setBusy(submit, t('Joining…'));
		const observer = !target.facilitatorToken && byTestId('join-observer').checked;
		onJoin(target, { ...profile, observer });
	});
	byTestId('join-back').addEventListener('click', () => onBack());

	return {
		show(nextTarget, message = '') {
			target = nextTarget;
			const facilitator = Boolean(target.facilitatorToken);
			const code = target.code ?? target.joinCode;
			byTestId('join-heading').textContent = facilitator ? t('Join your meeting as facilitator') : t('Join the meeting');
			showText(byTestId('join-for'), facilitator ? '' : t('Meeting code {code}', { code }));
			const invite = byTestId('invite');
			invite.hidden = !(facilitator && code);
			if (!invite.hidden) {
				byTestId('join-code-display').textContent = code;
				byTestId('join-url-display').value = target.joinUrl ? new URL(target.joinUrl, location.href).href : joinUrlFor(code);
			}
			document.getElementById('join-observer-option').hidden = facilitator;
			const remembered = session.profile();
			for (const f of ['name', 'organisation']) byTestId(`join-${f}`).value ||= remembered[f] || '';
			if (remembered.attendance === 'remote') byTestId('join-attendance-remote').checked = true;
			fail(message);
			showScreen('join');
		},
		fail,
	};
}
