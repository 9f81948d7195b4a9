import { SharedText } from './shared_text.js';
import { t } from './i18n.js';

export const ITEM_TEXTS = ['title', 'notes'];

export const textKey = (field, itemId) => (field === 'goal' ? 'goal' : `${itemId}.${field}`);

const LABELS = { goal: t('the goal'), title: t('the action item'), notes: t('the notes') };

// Under the server's 20 commands/s.
const MIN_SEND_INTERVAL_MS = 80;

export class TextSync {
	fields = new Map();
	lastSentAt = -Infinity;
	timer = null;
	disposed = false;

	// change: {op, before, after}, or null (status).
	constructor({ send, onChange, onReload, onNotice, cidPrefix, minIntervalMs = MIN_SEND_INTERVAL_MS,
		now = () => Date.now(), setTimer = (fn, ms) => setTimeout(fn, ms), clearTimer = (t) => clearTimeout(t) }) {
		Object.assign(this, { sendCommand: send, onChange, onReload, onNotice, minIntervalMs, now, setTimer, clearTimer });
		let prefixes = 0;
		this.newCidPrefix = () => `${cidPrefix}.t${(prefixes += 1)}`;
	}

	has(key) { return this.fields.has(key); }
	text(key) { return this.fields.get(key)?.shared.text; }

	status(key) {
		const shared = this.fields.get(key)?.shared;
		return { pending: Boolean(shared?.pending), frozen: Boolean(shared?.frozen) };
	}

	snapshot(meeting, version) {
		const present = new Set();
		this.add('goal', null, meeting.goal, version, present);
		for (const item of meeting.items) for (const f of ITEM_TEXTS) this.add(f, item.id, item[f] ?? '', version, present);
		for (const key of [...this.fields.keys()]) if (!present.has(key)) this.fields.delete(key);
		this.flush();
	}

	add(field, itemId, text, version, present) {
		const key = textKey(field, itemId);
		present?.add(key);
		const f = this.fields.get(key);
		if (f) this.update(key, f, (s) => s.snapshot(text, version));
		else this.fields.set(key, { shared: new SharedText(text, version, this.newCidPrefix), field, itemId });
	}

	event(ev, you) {
		const d = ev.data || {};
		const acts = new Map();
		switch (ev.kind) {
			case 'item_added':
				for (const f of ITEM_TEXTS) this.add(f, d.itemId, d[f] ?? '', ev.seq);
				break;
			case 'item_deleted':
				for (const f of ITEM_TEXTS) this.fields.delete(textKey(f, d.itemId));
				break;
			case 'text_edited':
				acts.set(textKey(d.field, d.itemId), (s) => s.edited(ev, you));
				break;
			case 'item_updated':
				for (const f of ITEM_TEXTS) if (typeof d[f] === 'string') acts.set(textKey(f, d.itemId), (s) => s.replaced(d[f], ev.seq));
				break;
			case 'goal_set':
				acts.set('goal', (s) => s.replaced(d.goal, ev.seq));
				break;
			default:
		}
		for (const [key, f] of this.fields) this.update(key, f, acts.get(key) ?? ((s) => s.passed(ev.seq)));
		this.flush();
	}

	// False: the field shows text(key) again.
	localEdit(key, after, caret) {
		const f = this.fields.get(key);
		if (!f) return false;
		try {
			if (!f.shared.edit(after, caret)) return false;
		} catch (err) {
			console.error(err);
			return false;
		}
		this.flush();
		return true;
	}

	// A throw freezes the text until a reload.
	update(key, f, change) {
		const before = f.shared.text;
		let op;
		try {
			op = change(f.shared);
			if (!f.shared.consistent()) throw new Error(`text ${key} drifted from the server's`);
		} catch (err) {
			console.error(err);
			f.shared.freeze();
			this.onChange(key, null);
			this.onReload();
			return;
		}
		if (op) this.onChange(key, { op, before, after: f.shared.text });
	}

	flush() {
		if (this.disposed || this.timer !== null) return;
		const ready = [...this.fields].filter(([, f]) => f.shared.wantsToSend);
		if (ready.length === 0) return;
		const wait = this.lastSentAt + this.minIntervalMs - this.now();
		if (wait > 0) {
			this.timer = this.setTimer(() => {
				this.timer = null;
				this.flush();
			}, wait);
			return;
		}
		this.lastSentAt = this.now();
		for (const [key, f] of ready) {
			const { shared } = f;
			const c = shared.takeCommand();
			if (!c) continue;
			const command = { type: 'edit_text', field: f.field, ...c };
			if (f.field !== 'goal') command.itemId = f.itemId;
			this.sendCommand(command).then((reply) => this.answered(key, shared, c.cid, reply));
		}
	}

	answered(key, shared, cid, reply) {
		const f = this.fields.get(key);
		if (this.disposed || reply.code === 'stopped' || !f || f.shared !== shared) return;
		let outcome = 'none';
		this.update(key, f, (s) => {
			const r = s.answered(cid, reply);
			outcome = r.outcome;
			return r.show;
		});
		this.onChange(key, null); // no render follows
		if (outcome !== 'none') {
			const why = reply.message || reply.code;
			this.onNotice(t('Your last edit of {what} could not be saved ({why}); it shows what the meeting has again.', { what: LABELS[f.field], why }));
		}
		if (outcome === 'reload') this.onReload();
		this.flush();
	}

	dispose() {
		this.disposed = true;
		this.clearTimer(this.timer);
		this.timer = null;
	}
}
