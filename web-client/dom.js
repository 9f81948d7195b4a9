import { t } from './i18n.js';

// User text is never parsed as HTML. type=button: never submits a form.
export function h(tag, props = {}, ...children) {
	const node = document.createElement(tag);
	if (tag === 'button') node.type = 'button';
	for (const [key, value] of Object.entries(props)) {
		if (value == null || value === false) continue;
		if (key === 'class') node.className = value;
		else if (key === 'testid') node.dataset.testid = value;
		else if (key.startsWith('on') && typeof value === 'function') node.addEventListener(key.slice(2), value);
		else if (key in node && typeof value !== 'string') node[key] = value;
		else node.setAttribute(key, value === true ? '' : value);
	}
	node.append(...children.flat().filter((child) => child != null && child !== false));
	return node;
}

export const labelOf = (id) => t(id.charAt(0).toUpperCase() + id.slice(1).replace('_', ' '));

export const byTestId = (testid, root = document) => root.querySelector(`[data-testid="${testid}"]`);

export const field = (label, control, props) =>
	h('label', { class: 'field', ...props }, h('span', { class: 'field-label' }, label), control);

export const onSubmit = (form, handle) => form.addEventListener('submit', (e) => {
	e.preventDefault();
	handle();
});

// Only on a change: views call it every render and tick.
export function setText(el, text) {
	if (el.textContent !== text) el.textContent = text;
}

export function showText(el, text) {
	setText(el, text);
	el.hidden = !text;
}

export function renderList(box, entries, make) {
	const sig = JSON.stringify(entries);
	if (box.dataset.sig === sig) return;
	box.dataset.sig = sig;
	box.replaceChildren(...entries.flatMap(make));
}

// Rows update in place (a control in use survives), move only if out of place (moving blurs).
export function syncRows(box, rows, entries, { key, make, update, onDrop }) {
	const present = new Set(entries.map(key));
	for (const [k, row] of rows) {
		if (present.has(k)) continue;
		row.li.remove();
		rows.delete(k);
		onDrop?.(k);
	}
	entries.forEach((entry, index) => {
		const k = key(entry);
		if (!rows.has(k)) rows.set(k, make(entry));
		const row = rows.get(k);
		update(row, entry, index);
		if (box.children[index] !== row.li) box.insertBefore(row.li, box.children[index] ?? null);
	});
}

export function moveButtons(testid, index, move) {
	const button = (dir, arrow, step, label) => h('button', { testid: `${testid}-move-${dir}`, onclick: () => move(Math.max(0, index() + step)) },
		h('span', { 'aria-hidden': 'true' }, `${arrow} `), label);
	return [button('up', '↑', -1, t('Move up')), button('down', '↓', 1, t('Move down'))];
}

let toastTimer = null;

export function toast(text, kind = 'error') {
	const box = byTestId('toast');
	box.textContent = text;
	box.dataset.kind = kind;
	box.hidden = false;
	clearTimeout(toastTimer);
	toastTimer = setTimeout(() => { box.hidden = true; }, 5000);
}

export function runCommand(send, command, box, onAck) {
	box.textContent = '';
	return send(command, { quiet: true }).then((reply) => {
		if (reply.type === 'ack') return onAck?.();
		const text = t('Not done: {reason}', { reason: reply.message || reply.code });
		box.textContent = text;
		box.dataset.code = reply.code;
		toast(text);
	});
}

// No clipboard API without a secure context.
export function copyField(field, button) {
	const label = button.textContent;
	field.addEventListener('focus', () => field.select());
	button.addEventListener('click', async () => {
		try {
			await navigator.clipboard.writeText(field.value);
			button.textContent = t('Copied');
			setTimeout(() => { button.textContent = label; }, 2000);
		} catch {
			field.focus();
			field.select();
			toast(t('Press Ctrl+C (or ⌘C) to copy the selected link.'), 'info');
		}
	});
}

export function showScreen(name) {
	for (const screen of document.querySelectorAll('body > [id^="screen-"]')) screen.hidden = screen.id !== `screen-${name}`;
}
