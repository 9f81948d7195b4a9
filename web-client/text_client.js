// The client side of one collaboratively edited text field (DESIGN.md section 6): the ot.js /
// Jupiter state machine with at most one op in flight and the rest buffered. No DOM and no
// transport, so it can be tested against a simulated server and wired to any message format.
//
// States: synchronized (nothing pending), awaiting (one op sent, not yet committed),
// awaitingWithBuffer (and more local edits, composed into one op, waiting for that commit).
//
// `version` counts the server's committed ops on this field that `text` includes. The op in
// flight was made on an older version; the server transforms it against everything committed
// since, and this client transforms its copy against the same ops in the same order, so both
// end with the same op.
//
// Wiring rules the caller must follow:
// - Each op returned to send becomes the op in flight under a new `inflightId`; send it with
//   base version `version` and a cid derived from that id, and reuse that cid whenever it is
//   sent again, so that the server applies it at most once.
// - Feed committed ops in the server's order. The committed op whose cid is the in-flight one
//   is this client's own: call serverAck() for it (not serverOp). Any other, including an op of
//   this participant whose cid is no longer in flight (see pendingToResend), goes to serverOp().
// - The server commits an op even when transforming leaves it empty, so every acknowledged op
//   is one version (PROTOCOL.md: a command that changes nothing is still an event).

import {
  apply,
  check,
  compose,
  normalize,
  toCodePointIndex,
  toUtf16Index,
  transform,
  transformPosition,
} from './text_ot.js';

export class TextDocumentClient {
  constructor(text, version) {
    if (typeof text !== 'string') throw new TypeError('text must be a string');
    if (!Number.isSafeInteger(version) || version < 0) {
      throw new TypeError('version must be an integer >= 0');
    }
    this.text = text;
    this.version = version;
    this.inflight = null;
    this.buffer = null;
    // Grows by one each time an op is put in flight; distinguishes a resend from a new op.
    this.inflightId = 0;
  }

  get state() {
    if (!this.inflight) return 'synchronized';
    return this.buffer ? 'awaitingWithBuffer' : 'awaiting';
  }

  // The user's edit, an op on the current `text`. This method applies it to `text` (the caller
  // has usually already changed the field itself, and can compare the two). Returns the op to
  // send now, or null when it waits behind the op in flight or changes nothing.
  applyLocal(op) {
    // Applied before normalizing: normalizing drops a trailing retain, and with it the check
    // that the op fits the text.
    const text = apply(this.text, op);
    const edit = normalize(op);
    this.text = text;
    if (edit.length === 0) return null;
    if (!this.inflight) return this.putInFlight(edit);
    const buffer = this.buffer ? compose(this.buffer, edit) : edit;
    // Typing a character and deleting it again leaves nothing to send.
    this.buffer = buffer.length > 0 ? buffer : null;
    return null;
  }

  // The op in flight is committed. Returns the next op to send (the buffer) or null.
  serverAck() {
    if (!this.inflight) throw new Error('serverAck() with no op in flight');
    this.version += 1;
    const next = this.buffer;
    this.inflight = null;
    this.buffer = null;
    return next ? this.putInFlight(next) : null;
  }

  // Another participant's committed op, made on `version`. Returns the op to apply to the
  // field: the same op moved past this client's pending edits. On a tie (both insert at one
  // place) the server's op is 'left', so text already committed stays first, as the server
  // decided when it transformed the pending op the other way.
  serverOp(op) {
    let incoming = normalize(op);
    if (this.inflight) {
      const inflight = transform(this.inflight, incoming, 'right');
      incoming = transform(incoming, this.inflight, 'left');
      this.inflight = inflight;
    }
    if (this.buffer) {
      const buffer = transform(this.buffer, incoming, 'right');
      incoming = transform(incoming, this.buffer, 'left');
      this.buffer = buffer.length > 0 ? buffer : null;
    }
    this.text = apply(this.text, incoming);
    this.version += 1;
    return incoming;
  }

  // After a reconnect, once the missed ops have been fed in: the op to send again, as
  // {op, version, id}, or null. Only the op in flight is returned; the buffer is based on the
  // version after it and goes out from serverAck() as usual (sending it now would have the
  // server transform it against the wrong ops). `id` equal to the old inflightId means a
  // resend: same cid. An op in flight that concurrent edits reduced to nothing cannot be
  // submitted (the protocol refuses empty ops), so it is dropped and the buffer takes its
  // place under a new id; should the server have committed the old one after all, it arrives
  // as an empty op under an unknown cid and serverOp() handles it.
  pendingToResend() {
    if (this.inflight && this.inflight.length === 0) {
      const next = this.buffer;
      this.inflight = null;
      this.buffer = null;
      if (next) this.putInFlight(next);
    }
    if (!this.inflight) return null;
    return { op: this.inflight, version: this.version, id: this.inflightId };
  }

  putInFlight(op) {
    this.inflight = op;
    this.inflightId += 1;
    return op;
  }
}

// Where a field's selection (UTF-16 offsets, as in textarea.selectionStart/End) is after
// another participant's `op` changed `text`. Their text typed at a caret goes after it, so a
// user typing at the same place keeps typing where they were; text typed at either edge of a
// selected range stays outside the range.
export function moveSelection(text, selectionStart, selectionEnd, op) {
  check(op);
  const after = apply(text, op);
  const move = (utf16, pushed) =>
    toUtf16Index(after, transformPosition(toCodePointIndex(text, utf16), op, pushed));
  const collapsed = selectionStart === selectionEnd;
  return {
    text: after,
    selectionStart: move(selectionStart, !collapsed),
    selectionEnd: move(selectionEnd, false),
  };
}
