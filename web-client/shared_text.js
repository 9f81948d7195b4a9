// One collaboratively edited text (the goal, an item's title or notes) as this page holds it
// (PROTOCOL.md "Collaborative text"): the TextDocumentClient of text_client.js plus the cid its
// op in flight went out under, the server's own copy of the text, and keeping the user's unsaved
// edits when a snapshot replaces the text. No DOM and no I/O, so node tests it.
// Versions are meeting seqs (edit_text's `version`): every event moves every text's version.
// Methods that change what the user sees return the change as an op on the previous `text`
// (null when nothing changed), so that the view can keep the caret where it belongs.

import { TextDocumentClient } from './text_client.js';
import { apply, codePointLength, compose, diff, transform } from './text_ot.js';

// The op the server records for a whole-field set (update_item, set_goal): insert the new
// text, delete all of the old (server/core/text_ot.cpp replace_all). Handled as that op, a
// set transforms this page's pending edits exactly as the server transforms them.
export function replaceAllOp(oldText, newText) {
  const op = [];
  if (newText !== '') op.push(newText);
  const n = codePointLength(oldText);
  if (n > 0) op.push({ d: n });
  return op;
}

// Moves the user's pending edits onto a text the server replaced under them. `base` is the
// text the edits were made on, `local` the edits (an op on `base`, or null), `server` the new
// text. Only where the server's text ended up is known (a snapshot carries no ops), so the
// change from base to server is taken as one replaced range: the others' text is kept whole,
// the user's inserts survive, and the user's delete of text that changed meanwhile is dropped.
// Returns {send: the edits as an op on `server` (null if none), show: the op that turns what
// the user sees, apply(base, local), into apply(server, send)}. Committed text goes first at
// a tie, as the server orders it.
export function rebase(base, local, server) {
  const theirs = diff(base, server);
  if (!local?.length) return { send: null, show: theirs };
  return { send: transform(local, theirs, 'right'), show: transform(theirs, local, 'left') };
}

// Rejections after which the text this page holds is not to be trusted: the op did not fit
// the server's text (bad_op), or is too old to be merged (stale). The text is then reloaded
// from a fresh snapshot; after other rejections the server's text known here is fine.
const RELOAD_CODES = new Set(['stale', 'bad_op']);

export class SharedText {
  // newCidPrefix(): a cid prefix no other text client of this page has used. A new one is
  // taken whenever the state machine starts over, because its inflightId starts over too and
  // a repeated cid would be answered with the old ack and not applied.
  constructor(text, version, newCidPrefix) {
    this.newCidPrefix = newCidPrefix;
    this.recovery = null;
    this.frozen = false;
    this.start(text, version);
  }

  start(text, version) {
    this.client = new TextDocumentClient(text, version);
    this.confirmed = text; // the server's text at client.version
    this.cidPrefix = this.newCidPrefix();
    this.sentCid = null; // cid of the op in flight, once it went to the connection
  }

  // What the field shows: the server's text with the user's pending edits on top.
  get text() {
    return this.recovery ? this.recovery.local.text : this.client.text;
  }

  // Edits of this user that the server has not reported back committed yet.
  get pending() {
    return this.recovery !== null || this.client.inflight !== null;
  }

  get wantsToSend() {
    return !this.recovery && !this.frozen && this.client.inflight !== null && this.sentCid === null;
  }

  // The user changed the field from `text` to `after`; `caret` is the caret's code point
  // position in `after` (it settles which of repeated characters was typed). Returns false
  // when the edit was not taken (no change, or the text is frozen until it is reloaded).
  edit(after, caret) {
    const before = this.text;
    if (this.frozen || after === before) return false;
    const op = diff(before, after, caret);
    // While recovering, edits pile up behind the old op in flight and are rebased later.
    (this.recovery ? this.recovery.local : this.client).applyLocal(op);
    return true;
  }

  // The op in flight as an edit_text to send now: {cid, version, op}, or null. The connection
  // keeps the message and sends it again, same cid and version, after a reconnect; the cid is
  // made from the state machine's inflightId, so it names this op and no other.
  takeCommand() {
    const { client } = this;
    // Keystrokes made while the op waited to be sent (see TextSync's spacing) went to the
    // buffer. Both rest on the same version and nothing went out yet, so they become one op.
    if (client.buffer) {
      client.inflight = compose(client.inflight, client.buffer);
      client.buffer = null;
    }
    const p = client.pendingToResend();
    if (!p) return null;
    this.sentCid = `${this.cidPrefix}.${p.id}`;
    return { cid: this.sentCid, version: p.version, op: [...p.op] };
  }

  // A text_edited event of this text (the next seq). Our own op comes back as the event with
  // its cid: that, not the `ack`, is the acknowledgement, so it lands in order with the others.
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

  // A whole-field set (item_updated title/notes, goal_set) at `seq`.
  replaced(newText, seq) {
    const op = replaceAllOp(this.confirmed, newText);
    this.confirmed = newText;
    return this.remote(op, seq);
  }

  remote(op, seq) {
    const shown = this.client.serverOp(op);
    this.client.version = seq;
    if (this.recovery) return this.settleRecovery();
    return shown.length > 0 ? shown : null;
  }

  // Any other event: the text is unchanged, its version moves on.
  passed(seq) {
    this.client.version = seq;
    return this.recovery ? this.settleRecovery() : null;
  }

  // False when the state machine and the server's text disagree although nothing is pending:
  // a bug, which a reload repairs.
  consistent() {
    return this.pending || this.client.text === this.confirmed;
  }

  // A snapshot gives this text anew at `version`. The user's pending edits are kept:
  // - an op in flight not sent yet (and the buffer): rebased onto the new text at once;
  // - an op in flight already sent: whether the server applied it is unknown until its cid is
  //   answered (the connection resends it, same cid and version: applied at most once). Applied
  //   now, it comes back as a text_edited after the snapshot, like anyone's op; applied before,
  //   its ack names a seq the snapshot includes. The user's typing meanwhile is rebased after
  //   (settleRecovery).
  // A frozen text (see answered) drops its pending edits instead.
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
    if (sentCid === null) {
      return this.adopt(confirmed, old.buffer ? compose(old.inflight, old.buffer) : old.inflight);
    }
    this.recovery = {
      local: old, // takes the user's edits until the outcome is known, into its buffer
      base: apply(confirmed, old.inflight), // what the buffer is based on
      cid: sentCid,
      ackSeq: null,
      refused: false,
    };
    return null;
  }

  // Takes the user's edits `local` (an op on `base`) onto the fresh client's text.
  adopt(base, local) {
    const { send, show } = rebase(base, local, this.client.text);
    if (send && send.length > 0) this.client.applyLocal(send);
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

  // The server's `ack` or `reject` of the edit_text with `cid`. Returns {show, outcome}:
  // outcome 'none'; 'reset' (the edit was refused, the text is back to the server's); or
  // 'reload' (refused, and the text is frozen until the caller brings a fresh snapshot).
  answered(cid, reply) {
    const refused = reply.type !== 'ack';
    const r = this.recovery;
    if (r && cid === r.cid) {
      if (refused) r.refused = true;
      else r.ackSeq = reply.seq;
      return { show: this.settleRecovery(), outcome: refused ? 'reset' : 'none' };
    }
    // An ack changes nothing: the op counts as committed when its text_edited arrives.
    if (!refused || cid !== this.sentCid) return { show: null, outcome: 'none' };
    // The state machine has no way back from a refused op in flight (the buffer is built on
    // it), so the user's pending edits of this text are dropped.
    if (RELOAD_CODES.has(reply.code)) {
      this.freeze();
      return { show: null, outcome: 'reload' };
    }
    const shown = this.text;
    this.start(this.confirmed, this.client.version);
    return { show: nonEmpty(diff(shown, this.confirmed)), outcome: 'reset' };
  }

  // Stops taking and sending edits until the next snapshot, which replaces the text whole.
  freeze() {
    this.frozen = true;
    this.sentCid = null;
  }
}

const nonEmpty = (op) => (op?.length ? op : null);
