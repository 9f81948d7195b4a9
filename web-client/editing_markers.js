import { h, renderList } from './dom.js';
import { t } from './i18n.js';

// The golden angle keeps consecutive joiners' hues apart.
const GOLDEN_ANGLE = 137.50776;

export function participantHue(participantId) {
	const id = String(participantId);
	const seq = /^p(\d{1,15})$/.exec(id);
	if (seq) return Math.floor((Number(seq[1]) * GOLDEN_ANGLE) % 360);
	let hash = 0x811c9dc5;
	for (const ch of id) {
		hash ^= ch.codePointAt(0);
		hash = Math.imul(hash, 0x01000193) >>> 0;
	}
	return hash % 360;
}

// Runs on every keystroke.
export function renderMarkers(container, control, editors) {
	renderList(container, editors, (e) => paint(h('span', {
		class: 'editing-marker', testid: 'editing-marker', 'data-participant-id': e.id, title: t('{name} is editing this', { name: e.name }),
	}, e.name, h('span', { class: 'visually-hidden' }, t(' is editing'))), e.id));
	container.hidden = editors.length === 0;
	control.classList.toggle('being-edited', editors.length > 0);
	if (editors.length > 0) paint(control, editors[0].id);
}

// The CSP allows no inline styles.
function paint(node, participantId) {
	node.style.setProperty('--marker-hue', String(participantHue(participantId)));
	return node;
}
