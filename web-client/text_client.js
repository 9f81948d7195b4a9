// Jupiter OT. An op transformed to nothing still counts.

import { apply, check, compose, normalize, toCodePointIndex, toUtf16Index, transform, transformPosition } from './text_ot.js';

export class TextDocumentClient {
	inflight = null;
	buffer = null;
	inflightId = 0; // a resend or a new op

	constructor(text, version) {
		Object.assign(this, { text, version });
	}

	get state() {
		if (!this.inflight) return 'synchronized';
		return this.buffer ? 'awaitingWithBuffer' : 'awaiting';
	}

	applyLocal(op) {
		// Checks the op fits before normalize drops a trailing retain.
		const text = apply(this.text, op);
		const edit = normalize(op);
		this.text = text;
		if (edit.length === 0) return null;
		if (!this.inflight) return this.putInFlight(edit);
		const buffer = this.buffer ? compose(this.buffer, edit) : edit;
		this.buffer = buffer.length > 0 ? buffer : null;
		return null;
	}

	serverAck() {
		if (!this.inflight) throw new Error('serverAck() with no op in flight');
		this.version += 1;
		return this.sendBuffer();
	}

	// The server's op is 'left': committed text first, as on the server.
	serverOp(op) {
		let incoming = normalize(op);
		for (const pending of ['inflight', 'buffer']) {
			const mine = this[pending];
			if (!mine) continue;
			this[pending] = transform(mine, incoming, 'right');
			incoming = transform(incoming, mine, 'left');
		}
		if (this.buffer?.length === 0) this.buffer = null;
		this.text = apply(this.text, incoming);
		this.version += 1;
		return incoming;
	}

	// An empty op cannot be sent: the buffer goes under a new id.
	pendingToResend() {
		if (this.inflight?.length === 0) this.sendBuffer();
		if (!this.inflight) return null;
		return { op: this.inflight, version: this.version, id: this.inflightId };
	}

	sendBuffer() {
		const next = this.buffer;
		this.inflight = null;
		this.buffer = null;
		return next ? this.putInFlight(next) : null;
	}

	putInFlight(op) {
		this.inflight = op;
		this.inflightId += 1;
		return op;
	}
}

// UTF-16. Others' typing at a caret goes after it; at a range's edges, outside.
export function moveSelection(text, selectionStart, selectionEnd, op) {
	check(op);
	const after = apply(text, op);
	const move = (utf16, pushed) =>
		toUtf16Index(after, transformPosition(toCodePointIndex(text, utf16), op, pushed));
	return { text: after, selectionStart: move(selectionStart, selectionStart !== selectionEnd), selectionEnd: move(selectionEnd, false) };
}
