// The client side of one collaboratively edited text field (README "Collaborative text"): the
// ot.js / Jupiter state machine, synchronized → awaiting (one op in flight) → awaitingWithBuffer
// (later edits composed into one op behind it). No DOM and no transport, so it is tested against
// a simulated server. `version` counts the committed ops `text` includes; the server transforms
// the op in flight over everything committed since, and this client transforms its copy over
// the same ops in the same order, so both end with the same op.
//
// Wiring rules for the caller:
// - An op returned to send is in flight under a new `inflightId`: send it with `version` and a
//   cid made from that id, and reuse the cid on every resend (applied at most once).
// - Feed committed ops in the server's order: the one with the in-flight cid goes to
//   serverAck(), any other (also an own op no longer in flight, see pendingToResend) to serverOp().
// - An op that transforming left empty is still committed: every acked op is one version.

import { apply, check, compose, normalize, toCodePointIndex, toUtf16Index, transform, transformPosition } from './text_ot.js';

export class TextDocumentClient {
  constructor(text, version) {
    if (typeof text !== 'string') throw new TypeError('text must be a string');
    if (!Number.isSafeInteger(version) || version < 0) throw new TypeError('version must be an integer >= 0');
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

  // After a reconnect, once the missed ops are fed in: the op to send again, {op, version, id},
  // or null. Only the op in flight: the buffer rests on the version after it and goes out from
  // serverAck(). The same `id` means a resend, same cid. An op in flight that concurrent edits
  // reduced to nothing cannot be sent (empty ops are refused): the buffer takes its place under
  // a new id, and should the server have committed the old one, it arrives as an empty op under
  // an unknown cid, for serverOp().
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
