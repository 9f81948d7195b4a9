// One shared text (the goal, an item's title or notes) as this page holds it: text_client.js's
// state machine plus the cid of its op in flight, the server's copy, and the user's unsaved edits
// kept across a snapshot. Versions are meeting seqs: every event moves every text's version.
// A change of what the user sees is returned as an op on the previous `text` (null: none), so
// that the view can keep the caret where it belongs.

import { TextDocumentClient } from './text_client.js';
import { apply, codePointLength, compose, diff, transform } from './text_ot.js';

// The op the server records for a whole-field set (update_item, set_goal; text_ot.cpp
// replace_all), so that a set transforms pending edits here exactly as on the server.
export function replaceAllOp(oldText, newText) {
  const op = [];
  if (newText !== '') op.push(newText);
  const n = codePointLength(oldText);
  if (n > 0) op.push({ d: n });
  return op;
}

// Moves the user's pending edits `local` (an op on `base`, or null) onto `server`, a text the
// server replaced under them. A snapshot carries no ops, so base → server is taken as one
// replaced range: the others' text stays whole, the user's inserts survive, a delete of text
// that changed meanwhile is dropped. Returns {send: the edits as an op on `server` (or null),
// show: the op from what the user sees to apply(server, send)}; committed text first at a tie.
export function rebase(base, local, server) {
  const theirs = diff(base, server);
  if (!local?.length) return { send: null, show: theirs };
  return { send: transform(local, theirs, 'right'), show: transform(theirs, local, 'left') };
}

// Rejections after which this page's copy is not to be trusted (the op did not fit, or is too
// old to merge): the text is reloaded from a snapshot. After others the copy is fine.
const RELOAD_CODES = new Set(['stale', 'bad_op']);

export class SharedText {
  // newCidPrefix(): a cid prefix unused on this page, taken anew whenever the state machine
  // starts over: its inflightId starts over too, and a repeated cid would not be applied.
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
  get text() { return this.recovery ? this.recovery.local.text : this.client.text; }
  // Edits of this user that the server has not reported back committed yet.
  get pending() { return this.recovery !== null || this.client.inflight !== null; }
  get wantsToSend() { return !this.recovery && !this.frozen && this.client.inflight !== null && this.sentCid === null; }

  // The user changed the field from `text` to `after`; `caret` (code points in `after`) settles
  // which of repeated characters was typed. False when not taken (no change, or frozen).
  edit(after, caret) {
    const before = this.text;
    if (this.frozen || after === before) return false;
    const op = diff(before, after, caret);
    // While recovering, edits pile up behind the old op in flight and are rebased later.
    (this.recovery ? this.recovery.local : this.client).applyLocal(op);
    return true;
  }

  // The op in flight to send now, {cid, version, op}, or null; the cid names this op only.
  takeCommand() {
    const { client } = this;
    // Keystrokes while the op waited (TextSync's spacing) went to the buffer: nothing went out
    // yet, so they join it.
    if (client.buffer) {
      client.inflight = compose(client.inflight, client.buffer);
      client.buffer = null;
    }
    const p = client.pendingToResend();
    if (!p) return null;
    this.sentCid = `${this.cidPrefix}.${p.id}`;
    return { cid: this.sentCid, version: p.version, op: [...p.op] };
  }

  // A text_edited of this text. Our own op comes back with its cid: that, not the `ack`, is the
  // acknowledgement, so it lands in order with the others.
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
    return this.recovery ? this.settleRecovery() : nonEmpty(shown);
  }

  passed(seq) {
    this.client.version = seq;
    return this.recovery ? this.settleRecovery() : null;
  }

  // False when nothing is pending yet the state machine disagrees with the server: a bug,
  // which a reload repairs.
  consistent() { return this.pending || this.client.text === this.confirmed; }

  // A snapshot gives this text anew at `version`, keeping the user's pending edits. Not sent yet:
  // rebased at once. Sent: applied or not is unknown until its cid is answered (it is resent:
  // applied at most once; applied now, it comes back as a text_edited; before, its ack names a
  // seq the snapshot has), so the typing meanwhile is rebased then (settleRecovery).
  // A frozen text drops its pending edits instead.
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

  // The `ack` or `reject` of the edit_text `cid`. Returns {show, outcome}: 'none', 'reset'
  // (refused: the text is the server's again) or 'reload' (refused: frozen until a snapshot).
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
    // No way back from a refused op in flight (the buffer is built on it): pending edits go.
    if (RELOAD_CODES.has(reply.code)) {
      this.freeze();
      return { show: null, outcome: 'reload' };
    }
    const shown = this.text;
    this.start(this.confirmed, this.client.version);
    return { show: nonEmpty(diff(shown, this.confirmed)), outcome: 'reset' };
  }

  // Until the next snapshot replaces the text whole.
  freeze() {
    this.frozen = true;
    this.sentCid = null;
  }
}

const nonEmpty = (op) => (op?.length ? op : null);
