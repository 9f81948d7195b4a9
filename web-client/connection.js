// Resends unanswered commands (PROTOCOL.md "At most once").

import { t } from './i18n.js';

const BACKOFF_FIRST_MS = 250;
const BACKOFF_MAX_MS = 5000;
// A half-open TCP connection hangs.
const WELCOME_TIMEOUT_MS = 10000;
const TRANSIENT_CODES = new Set(['unavailable', 'rate_limited']);
const COMMAND_RETRIES = 5;
const COMMAND_RETRY_MS = 1000;
// Clock: a burst per welcome (new server?), one a minute (drift).
const CLOCK_BURST = 5;
const CLOCK_SPACING_MS = 200;
const CLOCK_EVERY_MS = 60000;
const STREAM_HANDLERS = { event: 'onEvent', presence: 'onPresence', editing: 'onEditing' };

// An earlier page's cid would get its old ack.
export function randomPrefix() {
	return Array.from(crypto.getRandomValues(new Uint8Array(6)), (b) => b.toString(36).padStart(2, '0')).join('');
}

export class Connection {
	ws = null;
	status = 'idle';
	everConnected = false;
	stopped = false;
	attempt = 0;
	retryTimer = null;
	welcomeTimer = null;
	clockTimer = null;
	clockCids = new Set();
	helloCid = null;
	welcomed = false;
	cidPrefix = randomPrefix();
	cidCounter = 0;
	pending = new Map(); // in resend order

	wakeUp = () => {
		if (this.stopped || this.ws || document.visibilityState === 'hidden') return;
		clearTimeout(this.retryTimer);
		this.open();
	};

	constructor(url, hello, handlers) {
		Object.assign(this, { url, hello, on: handlers });
	}

	start() {
		window.addEventListener('online', this.wakeUp);
		document.addEventListener('visibilitychange', this.wakeUp);
		this.open();
	}

	stop() {
		this.stopped = true;
		window.removeEventListener('online', this.wakeUp);
		document.removeEventListener('visibilitychange', this.wakeUp);
		clearTimeout(this.retryTimer);
		this.dropSocket();
		for (const { resolve } of this.pending.values()) resolve({ type: 'reject', code: 'stopped', message: t('Not connected to the meeting.') });
		this.pending.clear();
		this.setStatus('stopped');
	}

	nextCid() {
		return `${this.cidPrefix}-${(this.cidCounter += 1)}`;
	}

	transmit(msg) {
		this.ws.send(JSON.stringify(msg));
	}

	// quiet: not onReject.
	send(command, { quiet = false } = {}) {
		const msg = { ...command, cid: command.cid ?? this.nextCid() };
		return new Promise((resolve) => {
			this.pending.set(msg.cid, { msg, resolve, quiet });
			if (this.welcomed) this.transmit(msg);
		});
	}

	resync() {
		if (this.stopped) return;
		this.dropSocket();
		this.open();
	}

	open() {
		this.setStatus(this.everConnected || this.attempt > 0 ? 'reconnecting' : 'connecting');
		let ws;
		try {
			ws = new WebSocket(this.url);
		} catch {
			return this.scheduleRetry();
		}
		this.ws = ws;
		this.welcomeTimer = setTimeout(() => this.lose(ws), WELCOME_TIMEOUT_MS);
		ws.onopen = () => {
			const hello = this.hello();
			if (!hello) return this.stop();
			this.helloCid = this.nextCid();
			this.transmit({ ...hello, cid: this.helloCid, batch: true });
		};
		ws.onmessage = (e) => this.receive(e.data);
		ws.onclose = () => this.lose(ws); // also after an error
	}

	lose(ws) {
		if (ws !== this.ws) return;
		this.dropSocket();
		if (!this.stopped) this.scheduleRetry();
	}

	dropSocket() {
		clearTimeout(this.welcomeTimer);
		clearTimeout(this.clockTimer);
		this.clockCids.clear();
		const ws = this.ws;
		this.ws = null;
		this.welcomed = false;
		if (!ws) return;
		ws.onopen = ws.onmessage = ws.onclose = null;
		ws.close();
	}

	scheduleRetry() {
		const base = Math.min(BACKOFF_FIRST_MS * 2 ** this.attempt, BACKOFF_MAX_MS);
		// Jitter spreads a room's reconnects.
		const delay = base + Math.random() * base * 0.5;
		this.attempt += 1;
		this.setStatus('reconnecting');
		clearTimeout(this.retryTimer);
		this.retryTimer = setTimeout(() => this.open(), delay);
	}

	setStatus(status) {
		if (this.status === status) return;
		this.status = status;
		this.on.onStatus?.(status);
	}

	// Not a command: a lost sample is not resent.
	syncClock(left = CLOCK_BURST) {
		if (!this.welcomed) return;
		const cid = this.nextCid();
		this.clockCids.add(cid);
		this.transmit({ type: 'clock', cid, t: Date.now() });
		this.clockTimer = left > 1
			? setTimeout(() => this.syncClock(left - 1), CLOCK_SPACING_MS)
			: setTimeout(() => this.syncClock(), CLOCK_EVERY_MS);
	}

	receive(text) {
		let msg;
		try {
			msg = JSON.parse(text);
		} catch {
			return;
		}
		for (const m of msg.type === 'batch' ? msg.messages : [msg]) this.take(m);
	}

	take(msg) {
		switch (msg.type) {
			case 'welcome':
				if (msg.cid !== this.helloCid) return;
				clearTimeout(this.welcomeTimer);
				this.welcomed = true;
				this.everConnected = true;
				this.attempt = 0;
				this.setStatus('connected');
				this.on.onWelcome?.(msg);
				// Not if onWelcome dropped it (mismatch).
				if (this.welcomed) {
					for (const { msg: cmd } of this.pending.values()) this.transmit(cmd);
					clearTimeout(this.clockTimer);
					this.syncClock();
				}
				return;
			case 'clock':
				if (this.clockCids.delete(msg.cid)) this.on.onClock?.(msg, Date.now());
				return;
			// Not before the welcome: a "gap" would loop.
			case 'event':
			case 'presence':
			case 'editing':
				if (this.welcomed) this.on[STREAM_HANDLERS[msg.type]]?.(msg);
				return;
			case 'ack':
				this.settle(msg);
				return;
			case 'reject':
				if (msg.cid !== null && msg.cid === this.helloCid && !this.welcomed) {
					if (TRANSIENT_CODES.has(msg.code)) return this.lose(this.ws);
					this.stop();
					return this.on.onHelloRejected?.(msg);
				}
				if (this.clockCids.delete(msg.cid)) return;
				if (TRANSIENT_CODES.has(msg.code) && this.retryLater(msg.cid)) return;
				if (!this.settle(msg)?.quiet) this.on.onReject?.(msg);
				return;
			case 'error':
				this.on.onServerError?.(msg);
				return;
			default:
			// Newer types (PROTOCOL.md "Versioning").
		}
	}

	// Not applied: the same cid goes again.
	retryLater(cid) {
		const entry = this.pending.get(cid);
		if (!entry) return false;
		entry.retries = (entry.retries ?? 0) + 1;
		if (entry.retries > COMMAND_RETRIES) return false;
		setTimeout(() => {
			// Else the welcome resent it.
			if (this.welcomed && this.pending.get(cid) === entry) this.transmit(entry.msg);
		}, COMMAND_RETRY_MS * entry.retries);
		return true;
	}

	settle(msg) {
		const entry = this.pending.get(msg.cid);
		this.pending.delete(msg.cid);
		entry?.resolve(msg);
		return entry;
	}
}
