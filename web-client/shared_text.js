// Versions are meeting seqs. Changes return the op the user sees (or null).

import { TextDocumentClient } from './text_client.js';
import { apply, codePointLength, compose, diff, transform } from './text_ot.js';

// As the server records a set, to transform alike.
export function replaceAllOp(oldText, newText) {
	const op = [];
	if (newText !== '') op.push(newText);
	const n = codePointLength(oldText);
	if (n > 0) op.push({ d: n });
	return op;
}

// No ops known: base → server is one range, so both sides' inserts survive.
export function rebase(base, local, server) {
	const theirs = diff(base, server);
	if (!local?.length) return { send: null, show: theirs };
	return { send: transform(local, theirs, 'right'), show: transform(theirs, local, 'left') };
}

const RELOAD_CODES = new Set(['stale', 'bad_op']);

export class SharedText {
	recovery = null;
	frozen = false;

	// A new cid prefix per start(): a repeated cid is not applied.
	constructor(text, version, newCidPrefix) {
		this.newCidPrefix = newCidPrefix;
		this.start(text, version);
	}

	start(text, version) {
		this.client = new TextDocumentClient(text, version);
		this.confirmed = text; // at client.version
		this.cidPrefix = this.newCidPrefix();
		this.sentCid = null;
	}

	get text() { return this.recovery ? this.recovery.local.text : this.client.text; }
	get pending() { return this.recovery !== null || this.client.inflight !== null; }
	get wantsToSend() { return !this.recovery && !this.frozen && this.client.inflight !== null && this.sentCid === null; }

	edit(after, caret) {
		const before = this.text;
		if (this.frozen || after === before) return false;
		const op = diff(before, after, caret);
		(this.recovery ? this.recovery.local : this.client).applyLocal(op);
		return true;
	}

	takeCommand() {
		const { client } = this;
		if (client.buffer) {
			client.inflight = compose(client.inflight, client.buffer);
			client.buffer = null;
		}
		const p = client.pendingToResend();
		if (!p) return null;
		this.sentCid = `${this.cidPrefix}.${p.id}`;
		return { cid: this.sentCid, version: p.version, op: [...p.op] };
	}

	// Our op's event, not the ack, acknowledges it.
	edited(ev, you) {
		this.confirmed = apply(this.confirmed, ev.data.op);
		if (this.sentCid !== null && ev.actor === you && ev.cid === this.sentCid) {
			this.sentCid = null;
			this.client.serverAck();
			this.client.version = ev.seq;
			return null;
		}
		return this.remote(ev.data.op, ev.seq);
	}

	replaced(newText, seq) {
		const op = replaceAllOp(this.confirmed, newText);
		this.confirmed = newText;
		return this.remote(op, seq);
	}

	remote(op, seq) {
		const shown = this.client.serverOp(op);
		this.client.version = seq;
		return this.recovery ? this.settleRecovery() : nonEmpty(shown);
	}

	passed(seq) {
		this.client.version = seq;
		return this.recovery ? this.settleRecovery() : null;
	}

	// False on a bug.
	consistent() { return this.pending || this.client.text === this.confirmed; }

	// A sent op's answer says if it applied: edits wait for it.
	snapshot(text, version) {
		const shown = this.text;
		if (this.frozen) {
			this.frozen = false;
			this.recovery = null;
			this.start(text, version);
			return nonEmpty(diff(shown, text));
		}
		if (this.recovery) {
			this.start(text, version);
			return this.settleRecovery();
		}
		const old = this.client;
		const { confirmed, sentCid } = this;
		this.start(text, version);
		if (!old.inflight) return this.adopt(confirmed, null);
		if (sentCid === null) return this.adopt(confirmed, old.buffer ? compose(old.inflight, old.buffer) : old.inflight);
		this.recovery = { local: old, base: apply(confirmed, old.inflight), cid: sentCid, ackSeq: null, refused: false };
		return null;
	}

	adopt(base, local) {
		const { send, show } = rebase(base, local, this.client.text);
		if (send?.length) this.client.applyLocal(send);
		return nonEmpty(show);
	}

	settleRecovery() {
		const r = this.recovery;
		if (r.refused) {
			this.recovery = null;
			return nonEmpty(diff(r.local.text, this.client.text));
		}
		if (r.ackSeq === null || this.client.version < r.ackSeq) return null;
		this.recovery = null;
		return this.adopt(r.base, r.local.buffer);
	}

	// reload: frozen until a snapshot.
	answered(cid, reply) {
		const refused = reply.type !== 'ack';
		const r = this.recovery;
		if (r && cid === r.cid) {
			if (refused) r.refused = true;
			else r.ackSeq = reply.seq;
			return { show: this.settleRecovery(), outcome: refused ? 'reset' : 'none' };
		}
		// An ack: its text_edited commits.
		if (!refused || cid !== this.sentCid) return { show: null, outcome: 'none' };
		// The buffer is built on the refused op: pending edits go.
		if (RELOAD_CODES.has(reply.code)) {
			this.freeze();
			return { show: null, outcome: 'reload' };
		}
		const shown = this.text;
		this.start(this.confirmed, this.client.version);
		return { show: nonEmpty(diff(shown, this.confirmed)), outcome: 'reset' };
	}

	freeze() {
		this.frozen = true;
		this.sentCid = null;
	}
}

const nonEmpty = (op) => (op?.length ? op : null);
