// The JSON Schemas in protocol/schema agree with the vectors and with PROTOCOL.md.
// Needs neither the server nor Redis; run with `node --test integration/schema.test.mjs`.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';

import {
  schemaFiles, clientTypes, serverTypes, validateClientMessage, validateServerMessage, validateSnapshot, SCHEMA_DIR,
} from '../support/schema.mjs';
import { loadVectors, rawOf, joinMessageFor, SCHEMA_REJECT_CODES } from '../support/vectors.mjs';
import { isValid as isValidOp } from '../js/ot_support.mjs';

const CLIENT_TYPES = ['join', 'resume', 'set_title', 'set_goal', 'set_phase', 'add_item', 'update_item',
  'edit_text', 'focus', 'move_item', 'delete_item', 'update_profile', 'open_vote', 'cast_ballot', 'record_ballot',
  'close_vote', 'resolve_vote', 'add_slot', 'update_slot', 'move_slot', 'remove_slot', 'start_slot', 'pause_slot',
  'resume_slot', 'extend_slot', 'next_slot', 'skip_slot', 'set_auto_advance', 'move_section', 'enter_section', 'raise_hand', 'lower_hand',
  'call_next', 'clear_queue', 'set_queue_order', 'remove_participant', 'rotate_join_code', 'clock'];
const SERVER_TYPES = ['welcome', 'event', 'ack', 'reject', 'presence', 'editing', 'error', 'clock', 'batch'];

// The agenda sections in shared-agenda order (the default).
const SECTIONS = [{ id: 'goal', title: 'Goal' }, { id: 'action_items', title: 'Action items' },
  { id: 'partner_updates', title: 'Partner updates' }, { id: 'wrap_up', title: 'Wrap-up' }];

// A minimal valid snapshot, for checking parts of one.
const SNAPSHOT = {
  id: 'm1', title: 'T', goal: 'G', phase: 'lobby', joinCode: 'ABCD-EFGH', createdAt: 1,
  sections: SECTIONS,
  participants: [{ id: 'p2', name: 'Sam', role: 'facilitator', attendance: 'room', organisation: '', online: true }],
  items: [{ id: 'i5', title: 'x', notes: '', owner: '', due: '', status: 'proposed', createdBy: 'p2' }],
};

// Server times that vectors leave out of the expected data of partner-update events (the C++
// replay runs at a fixed clock, the integration replay at the real one: protocol/vectors/
// README.md), by kind: the ways the server may fill them in. An expected event is valid when it
// is valid as it stands or with one of these under it.
const SERVER_TIMES = {
  slot_started: [{ deadline: 1795000120000 }],
  slot_resumed: [{ deadline: 1795000120000 }],
  slot_paused: [{ remainingMs: 60000 }],
  slot_extended: [{ deadline: 1795000120000 }, { remainingMs: 60000 }],
  slot_ended: [{ usedMs: 60000 }],
};

// Whether a step's message must fail its schema. By default: exactly when the expected answer is
// a reject with a code the schemas decide (SCHEMA_REJECT_CODES). A step may say otherwise with
// "schemaValid": an edit_text whose op is well formed but does not fit the text or makes it too
// long, or whose version is ahead of the meeting, is decided against the meeting state
// (schemaValid true); a malformed op is refused as bad_op, a code the schemas share with the
// meeting state (schemaValid false).
function mustFailSchema(step) {
  if (typeof step.schemaValid === 'boolean') return !step.schemaValid;
  return step.expect.type === 'reject' && SCHEMA_REJECT_CODES.has(step.expect.code);
}

test('every protocol message has a schema, and the schemas compile in strict mode', () => {
  const files = schemaFiles();
  for (const t of CLIENT_TYPES) assert.ok(files.includes(`${t}.json`), `missing ${t}.json`);
  for (const t of SERVER_TYPES) assert.ok(files.includes(`server.${t}.json`), `missing server.${t}.json`);
  assert.deepEqual(clientTypes().sort(), [...CLIENT_TYPES].sort());
  assert.deepEqual(serverTypes().sort(), [...SERVER_TYPES].sort());
  for (const t of CLIENT_TYPES) {
    const s = JSON.parse(fs.readFileSync(path.join(SCHEMA_DIR, `${t}.json`), 'utf8'));
    assert.equal(s.additionalProperties, false, `${t}.json must reject unknown fields`);
    assert.equal(s.$schema, 'https://json-schema.org/draft/2020-12/schema');
  }
});

const vectors = loadVectors();

test('there are vectors', () => {
  assert.ok(vectors.length >= 8, `only ${vectors.length} vector files`);
});

for (const { file, vector } of vectors) {
  test(`vector ${file}: every sent message agrees with its schema`, () => {
    assert.equal(typeof vector.description, 'string');
    assert.ok(Array.isArray(vector.participants) && vector.participants.length > 0);
    assert.ok(Array.isArray(vector.steps) && vector.steps.length > 0);
    const names = new Set(vector.participants.map((p) => p.as));

    // The joins the replayers build from the participant list are valid messages.
    vector.participants.forEach((p, k) => {
      const msg = joinMessageFor(p, { joinCode: 'ABCD-EFGH', facilitatorToken: 'facilitator-token' }, `join${k}`);
      const r = validateClientMessage(msg);
      assert.ok(r.valid, `${file}: join of ${p.as} ${JSON.stringify(msg)} fails ${r.schema}: ${r.errors.join('; ')}`);
    });

    vector.steps.forEach((step, i) => {
      const where = `${file} step ${i} (${step.as})`;
      assert.ok(names.has(step.as), `${where}: unknown participant ${step.as}`);
      assert.ok(step.expect && typeof step.expect.type === 'string', `${where}: no expect.type`);
      assert.ok(step.schemaValid === undefined || typeof step.schemaValid === 'boolean',
        `${where}: schemaValid must be a boolean`);
      if (step.schemaValid === true) {
        assert.equal(step.expect.type, 'reject', `${where}: schemaValid is only for rejects decided by the state`);
      }
      const mustFail = mustFailSchema(step);
      // A malformed op must fail the schema, a well-formed one pass it (text_ot.js decides).
      if (step.send && step.send.type === 'edit_text' && Object.hasOwn(step.send, 'op') && step.expect.code === 'bad_op') {
        const wellFormed = isValidOp(step.send.op) && step.send.op.length > 0;
        assert.equal(mustFail, !wellFormed,
          `${where}: op ${JSON.stringify(step.send.op)} is ${wellFormed ? '' : 'not '}well formed, ` +
          `so schemaValid should be ${wellFormed}`);
      }
      const raw = rawOf(step);
      if (raw !== null) {
        let parsed;
        let isObject = false;
        try {
          parsed = JSON.parse(raw);
          isObject = parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed);
        } catch { /* not JSON */ }
        if (step.expect.code === 'bad_json') {
          assert.ok(!isObject, `${where}: raw frame expected bad_json but is a JSON object: ${raw}`);
        } else {
          assert.ok(isObject, `${where}: raw frame is not a JSON object but expects ${JSON.stringify(step.expect)}`);
        }
        if (isObject) {
          const r = validateClientMessage(parsed);
          assert.equal(r.valid, !mustFail, `${where}: ${raw} schema valid=${r.valid} ${r.errors.join('; ')}`);
        }
        return;
      }
      const r = validateClientMessage(step.send);
      if (mustFail) {
        assert.equal(r.valid, false,
          `${where}: ${JSON.stringify(step.send).slice(0, 200)} expects reject ${step.expect.code} but passes ${r.schema}`);
      } else {
        assert.equal(r.valid, true,
          `${where}: ${JSON.stringify(step.send).slice(0, 200)} expects ${JSON.stringify(step.expect)} but fails ` +
          `${r.schema}: ${r.errors.join('; ')}`);
      }
      // The expected events (subsets) must be valid server events once completed with seq/at,
      // and with the server times a vector leaves out (see below).
      for (const e of step.events ?? []) {
        const full = { type: 'event', seq: 1, at: 0, ...e };
        let r2 = validateServerMessage(full);
        for (const times of r2.valid ? [] : SERVER_TIMES[e.kind] ?? []) {
          const completed = validateServerMessage({ ...full, data: { ...times, ...e.data } });
          if (completed.valid) { r2 = completed; break; }
        }
        assert.ok(r2.valid, `${where}: expected event ${JSON.stringify(e).slice(0, 200)} is not a valid event: ` +
          r2.errors.join('; '));
      }
    });
  });
}

// Examples in PROTOCOL.md: every JSON object in a ```json block that parses and has a known type.
test('the examples in PROTOCOL.md validate', () => {
  const md = fs.readFileSync(path.join(SCHEMA_DIR, '..', 'PROTOCOL.md'), 'utf8');
  const blocks = [...md.matchAll(/```json\n([\s\S]*?)```/g)].map((m) => m[1]);
  assert.ok(blocks.length >= 5, 'PROTOCOL.md has json examples');
  const found = [];
  for (const block of blocks) {
    // Objects may span several lines; accumulate lines until they parse.
    let acc = '';
    for (const line of block.split('\n')) {
      acc += `${line}\n`;
      let obj;
      try { obj = JSON.parse(acc); } catch { continue; }
      acc = '';
      found.push(obj);
    }
  }
  // Inline examples such as `{"type":"ack","cid":"c3","seq":8}`.
  for (const m of md.matchAll(/`(\{"type":[^`]*\})`/g)) {
    try { found.push(JSON.parse(m[1])); } catch { /* not a complete object */ }
  }
  // The snapshot's `queue`, also inline.
  for (const m of md.matchAll(/`(\{"order":[^`]*\})`/g)) found.push(JSON.parse(m[1]));
  const checked = [];
  for (const obj of found) {
    if (typeof obj.type !== 'string') {
      if (obj.sections) {
        const r = validateSnapshot(obj);
        assert.ok(r.valid, `snapshot example fails: ${r.errors.join('; ')}`);
        checked.push('snapshot');
      } else if (obj.state && obj.method) {
        // A vote of the snapshot's `votes`.
        const r = validateSnapshot({ ...SNAPSHOT, votes: [obj] });
        assert.ok(r.valid, `snapshot vote example ${JSON.stringify(obj)} fails: ${r.errors.join('; ')}`);
        checked.push('snapshot vote');
      } else if (Array.isArray(obj.slots)) {
        // The snapshot's `updates`. The example shows a running and a paused slot side by side
        // to show the fields of each state, which one meeting never has (at most one slot is
        // active), so each slot is checked in a list of its own.
        for (const slot of obj.slots) {
          const r = validateSnapshot({ ...SNAPSHOT, updates: { autoAdvance: obj.autoAdvance, slots: [slot] } });
          assert.ok(r.valid, `snapshot slot example ${JSON.stringify(slot)} fails: ${r.errors.join('; ')}`);
        }
        checked.push('snapshot updates');
      } else if (Array.isArray(obj.hands)) {
        const r = validateSnapshot({ ...SNAPSHOT, queue: obj });
        assert.ok(r.valid, `snapshot queue example ${JSON.stringify(obj)} fails: ${r.errors.join('; ')}`);
        checked.push('snapshot queue');
      }
      continue;
    }
    const isClient = CLIENT_TYPES.includes(obj.type);
    const r = isClient ? validateClientMessage(obj) : validateServerMessage(obj);
    // The resume example's token is a placeholder; everything else should be literally valid.
    assert.ok(r.valid, `PROTOCOL.md example ${JSON.stringify(obj)} fails ${r.schema}: ${r.errors.join('; ')}`);
    checked.push(obj.type);
  }
  for (const t of ['join', 'resume', 'edit_text', 'focus', 'editing', 'event', 'ack', 'reject', 'presence', 'error',
    'snapshot', 'snapshot vote', 'move_section', 'snapshot updates', 'snapshot queue']) {
    assert.ok(checked.includes(t), `no ${t} example checked (checked: ${checked.join(', ')})`);
  }
});

test('server schemas accept good messages and reject bad ones', () => {
  const ok = (m) => {
    const r = validateServerMessage(m);
    assert.ok(r.valid, `${JSON.stringify(m)} should be valid: ${r.errors.join('; ')}`);
  };
  const bad = (m) => assert.equal(validateServerMessage(m).valid, false, `${JSON.stringify(m)} should be invalid`);
  const snapshot = {
    id: 'm1', title: 'T', goal: 'G', phase: 'lobby', joinCode: 'ABCD-EFGH', createdAt: 1,
    sections: SECTIONS,
    participants: [{ id: 'p2', name: 'Sam', role: 'facilitator', attendance: 'room', organisation: '', online: true }],
    items: [{ id: 'i5', title: 'x', notes: '', owner: '', due: '', status: 'proposed', createdBy: 'p2' }],
  };
  const welcome = { type: 'welcome', v: 1, cid: 'a1', serverTime: 1, version: 2,
    you: { participantId: 'p2', role: 'facilitator' }, token: 't' };
  ok({ ...welcome, meeting: snapshot });
  ok({ ...welcome, resumeFrom: 1 });
  bad({ ...welcome });
  bad({ ...welcome, meeting: snapshot, resumeFrom: 1 });
  bad({ ...welcome, meeting: { ...snapshot, sections: [{ id: 'wrap_up', title: 'Wrap-up' }] } });
  bad({ ...welcome, meeting: { ...snapshot, joinCode: 'ABCD-EFG0' } });
  ok({ ...welcome, meeting: snapshot, someFutureField: 1 });
  const item = snapshot.items[0];
  bad({ ...welcome, meeting: { ...snapshot, items: [{ ...item, notes: undefined }] } });
  bad({ ...welcome, meeting: { ...snapshot, items: [{ ...item, notes: 'n'.repeat(5001) }] } });
  ok({ ...welcome, meeting: { ...snapshot, items: [{ ...item, notes: '😀'.repeat(5000) }] } });
  ok({ ...welcome, meeting: { ...snapshot, editing: [] } });
  ok({ ...welcome, meeting: { ...snapshot, editing: [{ participantId: 'p2', itemId: 'i5', field: 'notes' },
    { participantId: 'p3', itemId: null, field: 'goal' }] } });
  bad({ ...welcome, meeting: { ...snapshot, editing: [{ participantId: 'p2', itemId: null, field: 'notes' }] } });
  bad({ ...welcome, meeting: { ...snapshot, editing: [{ participantId: 'p2', itemId: 'i5', field: 'goal' }] } });
  bad({ ...welcome, meeting: { ...snapshot, editing: [{ participantId: 'p2', itemId: null, field: null }] } });
  bad({ ...welcome, meeting: { ...snapshot, editing: [{ participantId: 'p2', field: 'goal' }] } });
  ok({ type: 'event', seq: 1, at: 5, kind: 'meeting_created', data: { title: 'T', goal: 'G', joinCode: 'ABCD-EFGH' } });
  ok({ type: 'event', seq: 8, at: 5, actor: 'p5', cid: 'c3', kind: 'item_added',
    data: { itemId: 'i8', title: 'Flyer', owner: '', due: '', status: 'proposed', index: 0 } });
  bad({ type: 'event', seq: 8, at: 5, actor: 'p5', cid: 'c3', kind: 'item_added', data: { itemId: 'i8' } });
  bad({ type: 'event', seq: 0, at: 5, kind: 'title_set', data: { title: 'x' } });
  bad({ type: 'event', seq: 3, at: 5, kind: 'item_voted', data: {} });
  bad({ type: 'event', seq: 3, at: 5, kind: 'item_updated', data: { itemId: 'i3' } });
  ok({ type: 'event', seq: 3, at: 5, kind: 'item_updated', data: { itemId: 'i3', due: '' } });
  bad({ type: 'event', seq: 3, at: 5, kind: 'participant_updated', data: { participantId: 'p3', attendance: 'moon' } });
  ok({ type: 'event', seq: 8, at: 5, actor: 'p5', cid: 'c3', kind: 'item_added',
    data: { itemId: 'i8', title: 'Flyer', notes: 'Print 50', owner: '', due: '', status: 'proposed', index: 0 } });
  bad({ type: 'event', seq: 8, at: 5, actor: 'p5', cid: 'c3', kind: 'item_added',
    data: { itemId: 'i8', title: 'Flyer', notes: 'n'.repeat(5001), owner: '', due: '', status: 'proposed', index: 0 } });
  ok({ type: 'event', seq: 3, at: 5, kind: 'item_updated', data: { itemId: 'i3', notes: '' } });
  const edited = (data) => ({ type: 'event', seq: 9, at: 5, actor: 'p5', cid: 'k1', kind: 'text_edited', data });
  ok(edited({ field: 'notes', itemId: 'i9', op: [12, 'Library: ', { d: 3 }] }));
  ok(edited({ field: 'title', itemId: 'i9', op: ['😀'] }));
  ok(edited({ field: 'goal', op: [{ d: 9007199254740991 }] }));
  ok(edited({ field: 'notes', itemId: 'i9', op: [] })); // a transformed op may be empty
  bad(edited({ field: 'goal', itemId: 'i9', op: [1, 'x'] }));
  bad(edited({ field: 'notes', op: [1, 'x'] }));
  bad(edited({ field: 'owner', itemId: 'i9', op: [1, 'x'] }));
  bad(edited({ field: 'notes', itemId: 'i9' }));
  bad(edited({ field: 'notes', itemId: 'i9', op: [0] }));
  bad(edited({ field: 'notes', itemId: 'i9', op: [''] }));
  bad(edited({ field: 'notes', itemId: 'i9', op: [{ d: 1, x: 1 }] }));
  bad(edited({ field: 'notes', itemId: 'i9', op: 'x' }));
  ok({ type: 'editing', participantId: 'p5', itemId: 'i9', field: 'notes' });
  ok({ type: 'editing', participantId: 'p5', itemId: null, field: 'goal' });
  ok({ type: 'editing', participantId: 'p5', itemId: null, field: null });
  bad({ type: 'editing', participantId: 'p5', itemId: 'i9', field: null });
  bad({ type: 'editing', participantId: 'p5', itemId: 'i9', field: 'goal' });
  bad({ type: 'editing', participantId: 'p5', itemId: null, field: 'title' });
  bad({ type: 'editing', participantId: 'p5', field: null });
  bad({ type: 'editing', participantId: 'x', itemId: null, field: null });
  ok({ type: 'reject', cid: 'c1', code: 'bad_op', message: 'x' });
  ok({ type: 'reject', cid: 'c1', code: 'stale', message: 'x' });
  ok({ type: 'ack', cid: 'c3', seq: 8 });
  bad({ type: 'ack', cid: 'c3' });
  ok({ type: 'reject', cid: null, code: 'bad_json', message: 'not JSON' });
  bad({ type: 'reject', cid: 'c1', code: 'oops', message: 'x' });
  ok({ type: 'presence', participantId: 'p5', online: false });
  bad({ type: 'presence', participantId: 'p5', online: 'no' });
  ok({ type: 'error', code: 'slow_consumer', message: 'x' });
  bad({ type: 'hello' });
});

test('client schemas: limits, enums and required fields', () => {
  const ok = (m) => {
    const r = validateClientMessage(m);
    assert.ok(r.valid, `${JSON.stringify(m)} should be valid: ${r.errors.join('; ')}`);
  };
  const bad = (m) => assert.equal(validateClientMessage(m).valid, false, `${JSON.stringify(m).slice(0, 120)} should be invalid`);
  ok({ type: 'join', v: 1, cid: 'a', code: 'ABCD-EFGH', name: 'A', attendance: 'room', organisation: '', role: 'observer' });
  bad({ type: 'join', v: 2, cid: 'a', code: 'ABCD-EFGH', name: 'A', attendance: 'room' });
  bad({ type: 'join', v: 1, cid: 'a', name: 'A', attendance: 'room' });
  bad({ type: 'join', v: 1, cid: 'a', code: 'X', facilitatorToken: 'Y', name: 'A', attendance: 'room' });
  bad({ type: 'join', v: 1, cid: 'a', code: 'X', name: 'A', attendance: 'room', role: 'facilitator' });
  bad({ type: 'join', v: 1, cid: 'a', code: 'X', name: '', attendance: 'room' });
  bad({ type: 'join', v: 1, cid: 'a', code: 'X', name: 'x'.repeat(61), attendance: 'room' });
  ok({ type: 'resume', v: 1, cid: 'a', token: 't' });
  ok({ type: 'resume', v: 1, cid: 'a', token: 't', lastSeq: 0 });
  bad({ type: 'resume', v: 1, cid: 'a', token: 't', lastSeq: -1 });
  ok({ type: 'add_item', cid: 'x'.repeat(64), title: 't' });
  bad({ type: 'add_item', cid: 'x'.repeat(65), title: 't' });
  bad({ type: 'add_item', cid: '', title: 't' });
  ok({ type: 'add_item', cid: 'c', title: '😀'.repeat(200) });
  bad({ type: 'add_item', cid: 'c', title: '😀'.repeat(201) });
  ok({ type: 'add_item', cid: 'c', title: 't', due: '' });
  bad({ type: 'add_item', cid: 'c', title: 't', due: '2026-00-10' });
  ok({ type: 'set_goal', cid: 'c', goal: 'g'.repeat(1000) });
  bad({ type: 'set_goal', cid: 'c', goal: 'g'.repeat(1001) });
  bad({ type: 'set_goal', cid: 'c', goal: '' });
  ok({ type: 'move_item', cid: 'c', itemId: 'i5', index: 1000 });
  bad({ type: 'move_item', cid: 'c', itemId: 'i5', index: 1.5 });
  bad({ type: 'update_profile', cid: 'c', organisation: 'o'.repeat(101) });
  ok({ type: 'update_profile', cid: 'c', organisation: '' });

  // Item notes: 0-5000 code points; update_item may name only the notes.
  ok({ type: 'add_item', cid: 'c', title: 't', notes: '' });
  ok({ type: 'add_item', cid: 'c', title: 't', notes: '😀'.repeat(5000) });
  bad({ type: 'add_item', cid: 'c', title: 't', notes: 'n'.repeat(5001) });
  ok({ type: 'update_item', cid: 'c', itemId: 'i5', notes: '' });
  bad({ type: 'update_item', cid: 'c', itemId: 'i5', notes: 'n'.repeat(5001) });
  bad({ type: 'update_item', cid: 'c', itemId: 'i5' });

  // edit_text: the goal without itemId, a title or notes with one; a non-empty op.
  const edit = (m) => ({ type: 'edit_text', cid: 'k', version: 4, ...m });
  ok(edit({ field: 'notes', itemId: 'i9', op: [12, 'Library: ', { d: 3 }] }));
  ok(edit({ field: 'title', itemId: 'i9', op: ['x', 3] })); // a trailing retain is allowed
  ok(edit({ field: 'goal', op: [9007199254740991, { d: 9007199254740991 }] }));
  ok(edit({ field: 'notes', itemId: 'i9', version: 0, op: [1, 1, 'a', 'b'] })); // need not be normalized
  bad(edit({ field: 'goal', itemId: 'i9', op: ['x'] }));
  bad(edit({ field: 'notes', op: ['x'] }));
  bad(edit({ field: 'title', itemId: '', op: ['x'] }));
  bad(edit({ field: 'owner', itemId: 'i9', op: ['x'] }));
  bad(edit({ itemId: 'i9', op: ['x'] }));
  bad({ type: 'edit_text', cid: 'k', field: 'notes', itemId: 'i9', op: ['x'] });
  bad(edit({ field: 'notes', itemId: 'i9', version: -1, op: ['x'] }));
  bad(edit({ field: 'notes', itemId: 'i9', version: 1.5, op: ['x'] }));
  bad(edit({ field: 'notes', itemId: 'i9' }));
  bad(edit({ field: 'notes', itemId: 'i9', op: [] }));
  bad(edit({ field: 'notes', itemId: 'i9', op: 'x' }));
  bad(edit({ field: 'notes', itemId: 'i9', op: [0] }));
  bad(edit({ field: 'notes', itemId: 'i9', op: [9007199254740992] }));
  bad(edit({ field: 'notes', itemId: 'i9', op: [''] }));
  bad(edit({ field: 'notes', itemId: 'i9', op: [{ d: 0 }] }));
  bad(edit({ field: 'notes', itemId: 'i9', op: [{ d: 1, e: 1 }] }));
  bad(edit({ field: 'notes', itemId: 'i9', op: [{}] }));
  bad(edit({ field: 'notes', itemId: 'i9', op: [null] }));
  bad(edit({ field: 'notes', itemId: 'i9', op: [['x']] }));
  bad(edit({ field: 'notes', itemId: 'i9', op: ['x'], caret: 3 }));

  // focus: nothing, the goal, or an item's title or notes.
  ok({ type: 'focus', cid: 'f' });
  ok({ type: 'focus', cid: 'f', field: 'goal' });
  ok({ type: 'focus', cid: 'f', itemId: 'i9', field: 'notes' });
  ok({ type: 'focus', cid: 'f', itemId: 'i9', field: 'title' });
  bad({ type: 'focus', cid: 'f', itemId: 'i9' });
  bad({ type: 'focus', cid: 'f', field: 'notes' });
  bad({ type: 'focus', cid: 'f', itemId: 'i9', field: 'goal' });
  bad({ type: 'focus', cid: 'f', itemId: 'i9', field: 'owner' });
  bad({ type: 'focus', cid: 'f', itemId: null, field: null });
  bad({ type: 'focus', itemId: 'i9', field: 'notes' });
  bad({ type: 'focus', cid: 'f', itemId: 'i9', field: 'notes', caret: 1 });
});

// The op schema and text_ot.js agree on which ops are well formed: every malformed op of the
// OT vectors fails edit_text.json, every well-formed one (past the end of its document or not)
// passes it.
test('edit_text op schema agrees with the OT vectors', () => {
  const dir = path.join(SCHEMA_DIR, '..', 'vectors', 'ot');
  const invalid = JSON.parse(fs.readFileSync(path.join(dir, 'invalid.json'), 'utf8')).cases;
  const transform = JSON.parse(fs.readFileSync(path.join(dir, 'transform.json'), 'utf8')).cases;
  const asEdit = (op) => ({ type: 'edit_text', cid: 'k', field: 'notes', itemId: 'i9', version: 1, op });
  let malformed = 0;
  for (const c of invalid) {
    const r = validateClientMessage(asEdit(c.op));
    assert.equal(r.valid, c.kind === 'past_end', `${JSON.stringify(c.op)} (${c.kind}: ${c.why}) ${r.errors.join('; ')}`);
    if (c.kind === 'malformed') malformed += 1;
  }
  assert.ok(malformed >= 10, `only ${malformed} malformed cases`);
  let checked = 0;
  for (const c of transform) {
    for (const op of [c.a, c.b, c.a_after_b, c.b_after_a]) {
      if (!Array.isArray(op) || op.length === 0) continue; // an empty op is refused (bad_op)
      const r = validateClientMessage(asEdit(op));
      assert.ok(r.valid, `${JSON.stringify(op)}: ${r.errors.join('; ')}`);
      checked += 1;
    }
  }
  assert.ok(checked >= 50, `only ${checked} transform ops checked`);
});

test('vote commands: limits, enums, ballots and required fields', () => {
  const ok = (m) => {
    const r = validateClientMessage(m);
    assert.ok(r.valid, `${JSON.stringify(m)} should be valid: ${r.errors.join('; ')}`);
  };
  const bad = (m) => assert.equal(validateClientMessage(m).valid, false, `${JSON.stringify(m).slice(0, 160)} should be invalid`);

  const open = (m) => ({ type: 'open_vote', cid: 'v', ...m });
  ok(open({ method: 'consent', question: 'Adopt?' }));
  ok(open({ method: 'consent', itemIds: ['i6'] }));
  ok(open({ method: 'consent', question: '😀'.repeat(300), itemIds: ['i6'], visibility: 'anonymous', results: 'hidden',
    allowBlock: true, quorum: 500, timeLimit: 3600, closeWhenAllVoted: true }));
  ok(open({ method: 'fist', question: 'Ready?', allowBlock: false, quorum: 1, timeLimit: 5 }));
  ok(open({ method: 'dots', itemIds: ['i6', 'i7'], dotBudget: 3, dotsPerItem: 2 }));
  ok(open({ method: 'dots', itemIds: Array.from({ length: 20 }, (_, i) => `i${i + 6}`), dotBudget: 100 }));
  bad(open({ question: 'Adopt?' }));
  bad(open({ method: 'ranked', question: 'Adopt?' }));
  bad(open({ method: 'consent' }));
  bad(open({ method: 'consent', question: '' }));
  bad(open({ method: 'consent', question: '', itemIds: [] }));
  bad(open({ method: 'consent', question: 'q'.repeat(301) }));
  bad(open({ method: 'consent', itemIds: ['i6', 'i7'] }));
  bad(open({ method: 'fist', question: 'Ready?', allowBlock: true }));
  bad(open({ method: 'consent', question: 'Adopt?', dotBudget: 3 }));
  bad(open({ method: 'fist', question: 'Ready?', dotsPerItem: 1 }));
  bad(open({ method: 'dots', itemIds: ['i6', 'i7'] }));
  bad(open({ method: 'dots', question: 'Which?', dotBudget: 3 }));
  bad(open({ method: 'dots', itemIds: ['i6', 'i7'], dotBudget: 3, allowBlock: true }));
  bad(open({ method: 'dots', itemIds: ['i6', 'i6'], dotBudget: 3 }));
  bad(open({ method: 'dots', itemIds: Array.from({ length: 21 }, (_, i) => `i${i + 6}`), dotBudget: 3 }));
  bad(open({ method: 'dots', itemIds: ['i6'], dotBudget: 0 }));
  bad(open({ method: 'dots', itemIds: ['i6'], dotBudget: 101 }));
  bad(open({ method: 'dots', itemIds: ['i6'], dotBudget: 3, dotsPerItem: 0 }));
  bad(open({ method: 'consent', itemIds: [''] }));
  bad(open({ method: 'consent', itemIds: 'i6' }));
  bad(open({ method: 'consent', question: 'Adopt?', visibility: 'secret' }));
  bad(open({ method: 'consent', question: 'Adopt?', results: 'later' }));
  bad(open({ method: 'consent', question: 'Adopt?', quorum: 0 }));
  bad(open({ method: 'consent', question: 'Adopt?', quorum: 501 }));
  bad(open({ method: 'consent', question: 'Adopt?', timeLimit: 4 }));
  bad(open({ method: 'consent', question: 'Adopt?', timeLimit: 3601 }));
  bad(open({ method: 'consent', question: 'Adopt?', timeLimit: 5.5 }));
  bad(open({ method: 'consent', question: 'Adopt?', closeWhenAllVoted: 'yes' }));
  bad(open({ method: 'consent', question: 'Adopt?', anonymous: true }));

  const cast = (ballot) => ({ type: 'cast_ballot', cid: 'b', voteId: 'v9', ballot });
  for (const choice of ['agree', 'disagree', 'abstain']) ok(cast({ choice }));
  ok(cast({ choice: 'block', reason: 'r'.repeat(280) }));
  ok(cast({ fist: 0 }));
  ok(cast({ fist: 5 }));
  ok(cast({ dots: { i6: 2, i7: 0 } }));
  bad(cast({ choice: 'maybe' }));
  bad(cast({ choice: 'block' }));
  bad(cast({ choice: 'block', reason: '' }));
  bad(cast({ choice: 'block', reason: 'r'.repeat(281) }));
  bad(cast({ choice: 'agree', reason: 'fine' }));
  bad(cast({ choice: 'agree', fist: 3 }));
  bad(cast({ fist: 6 }));
  bad(cast({ fist: -1 }));
  bad(cast({ fist: 2.5 }));
  bad(cast({ dots: {} }));
  bad(cast({ dots: { i6: 0 } }));
  bad(cast({ dots: { i6: -1, i7: 2 } }));
  bad(cast({ dots: ['i6'] }));
  bad(cast({}));
  bad(cast('agree'));
  bad({ type: 'cast_ballot', cid: 'b', voteId: 'v9' });
  bad({ type: 'cast_ballot', cid: 'b', voteId: '', ballot: { fist: 1 } });
  bad({ type: 'cast_ballot', cid: 'b', voteId: 'v9', ballot: { fist: 1 }, voter: 'p3' });

  const record = (m) => ({ type: 'record_ballot', cid: 'r', voteId: 'v9', ballot: { fist: 1 }, ...m });
  ok(record({ participantId: 'p4' }));
  ok(record({ name: 'n'.repeat(60) }));
  bad(record({}));
  bad(record({ participantId: 'p4', name: 'Ben' }));
  bad(record({ name: '' }));
  bad(record({ name: 'n'.repeat(61) }));
  bad(record({ participantId: 'p4', ballot: { fist: 9 } }));

  ok({ type: 'close_vote', cid: 'c', voteId: 'v9' });
  bad({ type: 'close_vote', cid: 'c' });
  bad({ type: 'close_vote', cid: 'c', voteId: 'v9', reason: 'facilitator' });
  ok({ type: 'resolve_vote', cid: 'c', voteId: 'v9', status: 'agreed' });
  bad({ type: 'resolve_vote', cid: 'c', voteId: 'v9' });
  bad({ type: 'resolve_vote', cid: 'c', voteId: 'v9', status: 'finished' });
  bad({ type: 'resolve_vote', cid: 'c', voteId: 'v9', status: 'agreed', itemId: 'i6' });
});

test('vote events and snapshot votes: what each audience may see', () => {
  const ok = (m) => {
    const r = validateServerMessage(m);
    assert.ok(r.valid, `${JSON.stringify(m)} should be valid: ${r.errors.join('; ')}`);
  };
  const bad = (m) => assert.equal(validateServerMessage(m).valid, false, `${JSON.stringify(m).slice(0, 200)} should be invalid`);
  const event = (kind, data, who = { actor: 'p2', cid: 'f1' }) => ({ type: 'event', seq: 9, at: 5, ...who, kind, data });
  const nobody = {};

  const opened = { voteId: 'v9', method: 'consent', question: 'Adopt?', itemIds: ['i6'], visibility: 'open', results: 'live',
    allowBlock: true, closeWhenAllVoted: false, eligible: ['p2', 'p3'] };
  ok(event('vote_opened', opened));
  ok(event('vote_opened', { ...opened, quorum: 2, deadline: 1795000120000 }));
  ok(event('vote_opened', { ...opened, method: 'dots', allowBlock: false, itemIds: ['i6', 'i7'], dotBudget: 3,
    dotsPerItem: 3 }));
  bad(event('vote_opened', { ...opened, method: 'dots', allowBlock: false, itemIds: ['i6', 'i7'] }));
  bad(event('vote_opened', { ...opened, method: 'fist' })); // allowBlock true
  bad(event('vote_opened', { ...opened, voteId: 'x9' }));
  bad(event('vote_opened', { ...opened, eligible: undefined }));

  const tallies = { agree: 1, disagree: 0, abstain: 0, block: 0, reasons: [] };
  const counts = { voteId: 'v9', voted: 1, eligible: 3 };
  ok(event('ballot_cast', { ...counts, voter: 'p3', recorded: false, ballot: { choice: 'agree' }, tallies })); // open, live
  ok(event('ballot_cast', { ...counts, voter: 'guest:Dolores', recorded: true })); // open, hidden
  ok(event('ballot_cast', { ...counts, tallies: { counts: [0, 0, 1, 0, 0, 0] } }, nobody)); // anonymous, live
  ok(event('ballot_cast', counts, nobody)); // anonymous, hidden
  bad(event('ballot_cast', { ...counts, tallies }, { actor: 'p3', cid: 'a1' })); // an anonymous ballot with its actor
  bad(event('ballot_cast', { ...counts, tallies }, { cid: 'a1' }));
  bad(event('ballot_cast', { ...counts, voter: 'p3', recorded: false }, nobody)); // a voter without actor
  bad(event('ballot_cast', { ...counts, ballot: { choice: 'agree' }, tallies }, nobody));
  bad(event('ballot_cast', { ...counts, voter: 'p3' }));
  bad(event('ballot_cast', { ...counts, voter: 'p3', recorded: false, ballot: { choice: 'agree' } })); // ballot without tallies
  bad(event('ballot_cast', { ...counts, tallies: { agree: 1 } }, nobody));
  bad(event('ballot_cast', { voteId: 'v9', voted: 1 }, nobody));

  const closed = { voteId: 'v9', reason: 'facilitator', eligible: 3, voted: 2, quorumMet: true, tallies };
  ok(event('vote_closed', closed));
  ok(event('vote_closed', { ...closed, ballots: [{ voter: 'p3', ballot: { choice: 'agree' }, recorded: false }] }));
  ok(event('vote_closed', { ...closed, reason: 'deadline' }, nobody));
  ok(event('vote_closed', { ...closed, reason: 'meeting_ended' }));
  ok(event('vote_closed', { ...closed, reason: 'all_voted' }));
  bad(event('vote_closed', { ...closed, reason: 'deadline' }));
  bad(event('vote_closed', closed, nobody));
  bad(event('vote_closed', { ...closed, reason: 'timeout' }));
  bad(event('vote_closed', { ...closed, quorumMet: undefined }));
  bad(event('vote_closed', { ...closed, ballots: [{ voter: 'p3', ballot: { choice: 'agree' } }] }));
  bad(event('vote_closed', { ...closed, tallies: { dots: { i6: -1 } } }));

  ok(event('vote_resolved', { voteId: 'v9', itemId: 'i6', status: 'agreed' }));
  bad(event('vote_resolved', { voteId: 'v9', itemId: 'i6', status: 'accepted' }));
  bad(event('vote_resolved', { voteId: 'v9', status: 'agreed' }));

  for (const code of ['vote_closed', 'bad_ballot', 'not_resolvable']) ok({ type: 'reject', cid: 'c1', code, message: 'x' });

  const welcome = (votes) => ({ type: 'welcome', v: 1, cid: 'a1', serverTime: 1, version: 2,
    you: { participantId: 'p2', role: 'facilitator' }, token: 't', meeting: { ...SNAPSHOT, votes } });
  const vote = { id: 'v9', state: 'open', method: 'consent', question: 'Adopt?', itemIds: ['i5'], visibility: 'open',
    results: 'live', allowBlock: false, closeWhenAllVoted: false, openedAt: 1, eligible: ['p2', 'p3', 'guest:Dolores'],
    voted: 1, voters: ['p3'], ballots: [{ voter: 'p3', ballot: { choice: 'agree' }, recorded: false }], tallies };
  const hidden = { ...vote, results: 'hidden', ballots: undefined, tallies: undefined };
  const anonymous = { ...vote, visibility: 'anonymous', voters: undefined, ballots: undefined };
  const closedVote = { ...vote, state: 'closed', closed: { reason: 'facilitator', at: 2, quorumMet: true } };
  ok(welcome([]));
  ok(welcome([vote, hidden, anonymous, closedVote]));
  ok(welcome([{ ...vote, yourBallot: { choice: 'agree' }, yourBallotRecorded: false }]));
  ok(welcome([{ ...anonymous, yourBallot: { choice: 'agree' }, yourBallotRecorded: true }]));
  ok(welcome([{ ...closedVote, resolved: { itemId: 'i5', status: 'agreed' } }]));
  ok(welcome([{ ...hidden, state: 'closed', closed: closedVote.closed, ballots: vote.ballots, tallies }]));
  ok(welcome([{ ...vote, method: 'fist', tallies: { counts: [0, 0, 0, 1, 0, 0] },
    ballots: [{ voter: 'p3', ballot: { fist: 3 }, recorded: false }] }]));
  ok(welcome([{ ...vote, method: 'dots', itemIds: ['i5', 'i6'], dotBudget: 2, dotsPerItem: 1,
    tallies: { dots: { i5: 1, i6: 0 } },
    ballots: [{ voter: 'p3', ballot: { dots: { i5: 1 } }, recorded: false }] }]));
  bad(welcome([{ ...anonymous, voters: ['p3'] }])); // who voted, in an anonymous vote
  bad(welcome([{ ...anonymous, ballots: vote.ballots }]));
  bad(welcome([{ ...hidden, tallies }])); // hidden results before the close
  bad(welcome([{ ...hidden, ballots: vote.ballots }]));
  bad(welcome([{ ...vote, voters: undefined }]));
  bad(welcome([{ ...vote, ballots: undefined }]));
  bad(welcome([{ ...vote, tallies: undefined }]));
  bad(welcome([{ ...closedVote, closed: undefined }]));
  bad(welcome([{ ...vote, closed: closedVote.closed }]));
  bad(welcome([{ ...vote, resolved: { itemId: 'i5', status: 'agreed' } }]));
  bad(welcome([{ ...vote, tallies: { counts: [0, 0, 0, 1, 0, 0] } }])); // fist tallies of a consent vote
  bad(welcome([{ ...vote, method: 'fist', tallies: { counts: [0, 0, 0, 1, 0, 0] } }])); // consent ballots in a fist vote
  bad(welcome([{ ...vote, yourBallot: { fist: 3 } }]));
  bad(welcome([{ ...vote, yourBallotRecorded: true }]));
  bad(welcome([{ ...vote, method: 'dots', itemIds: ['i5', 'i6'], tallies: { dots: { i5: 1, i6: 0 } },
    ballots: [{ voter: 'p3', ballot: { dots: { i5: 1 } }, recorded: false }] }])); // no dotBudget
  bad(welcome([{ ...vote, state: 'counting' }]));
  bad(welcome([{ ...vote, eligible: ['Dolores'] }]));
});

test('partner updates, agenda order, speaking queue and clock: client messages', () => {
  const ok = (m) => {
    const r = validateClientMessage(m);
    assert.ok(r.valid, `${JSON.stringify(m)} should be valid: ${r.errors.join('; ')}`);
  };
  const bad = (m) => assert.equal(validateClientMessage(m).valid, false, `${JSON.stringify(m).slice(0, 160)} should be invalid`);
  const c = (type, m = {}) => ({ type, cid: 'c1', ...m });

  ok(c('add_slot', { organisation: 'Town Library', seconds: 120 }));
  ok(c('add_slot', { organisation: 'o'.repeat(100), speaker: '😀'.repeat(60), seconds: 1 }));
  ok(c('add_slot', { organisation: 'Parks', speaker: '', seconds: 3600 }));
  bad(c('add_slot', { organisation: '', seconds: 120 }));
  bad(c('add_slot', { organisation: 'o'.repeat(101), seconds: 120 }));
  bad(c('add_slot', { organisation: 'Parks', speaker: 's'.repeat(61), seconds: 120 }));
  bad(c('add_slot', { organisation: 'Parks', seconds: 0 }));
  bad(c('add_slot', { organisation: 'Parks', seconds: 3601 }));
  bad(c('add_slot', { organisation: 'Parks', seconds: 1.5 }));
  bad(c('add_slot', { organisation: 'Parks', seconds: '120' }));
  bad(c('add_slot', { organisation: 'Parks' }));
  bad(c('add_slot', { seconds: 120 }));
  bad(c('add_slot', { organisation: 'Parks', seconds: 120, index: 0 }));
  bad({ type: 'add_slot', organisation: 'Parks', seconds: 120 });

  ok(c('update_slot', { slotId: 'u7', organisation: 'Head Start' }));
  ok(c('update_slot', { slotId: 'u7', speaker: '' }));
  ok(c('update_slot', { slotId: 'u7', seconds: 90 }));
  ok(c('update_slot', { slotId: 'u7', organisation: 'Head Start', speaker: 'Lee', seconds: 90 }));
  bad(c('update_slot', { slotId: 'u7' }));
  bad(c('update_slot', { slotId: '', speaker: 'Lee' }));
  bad(c('update_slot', { slotId: 'u7', seconds: 0 }));
  bad(c('update_slot', { slotId: 'u7', organisation: '' }));
  bad(c('update_slot', { slotId: 'u7', state: 'done' }));

  ok(c('move_slot', { slotId: 'u7', index: 0 }));
  ok(c('move_slot', { slotId: 'u7', index: 99 }));
  bad(c('move_slot', { slotId: 'u7', index: -1 }));
  bad(c('move_slot', { slotId: 'u7' }));
  bad(c('move_slot', { index: 1 }));

  for (const type of ['remove_slot', 'start_slot', 'pause_slot', 'resume_slot', 'next_slot', 'skip_slot']) {
    ok(c(type, { slotId: 'u7' }));
    bad(c(type));
    bad(c(type, { slotId: '' }));
    bad(c(type, { slotId: 7 }));
    bad(c(type, { slotId: 'u'.repeat(65) }));
    bad(c(type, { slotId: 'u7', seconds: 10 }));
  }
  ok(c('extend_slot', { slotId: 'u7', seconds: 30 }));
  ok(c('extend_slot', { slotId: 'u7', seconds: 3600 }));
  bad(c('extend_slot', { slotId: 'u7', seconds: 0 }));
  bad(c('extend_slot', { slotId: 'u7', seconds: 3601 }));
  bad(c('extend_slot', { slotId: 'u7' }));
  ok(c('set_auto_advance', { on: true }));
  ok(c('set_auto_advance', { on: false }));
  bad(c('set_auto_advance'));
  bad(c('set_auto_advance', { on: 'yes' }));

  ok(c('move_section', { section: 'partner_updates', index: 1 }));
  ok(c('move_section', { section: 'wrap_up', index: 9 }));
  ok(c('move_section', { section: 'action_items', index: 3 }));
  bad(c('move_section', { section: 'goal', index: 2 })); // the goal stays on top
  bad(c('move_section', { section: 'wrap_up', index: 0 }));
  bad(c('move_section', { section: 'minutes', index: 1 }));
  bad(c('move_section', { section: 'wrap_up' }));
  ok(c('enter_section', { section: 'goal' }));
  ok(c('enter_section', { section: 'wrap_up' }));
  bad(c('enter_section', { section: 'lunch' }));
  bad(c('enter_section', {}));
  bad(c('move_section', { index: 1 }));

  ok(c('raise_hand'));
  bad(c('raise_hand', { participantId: 'p3' }));
  ok(c('lower_hand'));
  ok(c('lower_hand', { participantId: 'p3' }));
  bad(c('lower_hand', { participantId: '' }));
  ok(c('call_next'));
  ok(c('call_next', { participantId: 'p3' }));
  bad(c('call_next', { participantId: 3 }));
  ok(c('clear_queue'));
  bad(c('clear_queue', { order: 'raised' }));
  ok(c('set_queue_order', { order: 'raised' }));
  ok(c('set_queue_order', { order: 'fewest_turns' }));
  bad(c('set_queue_order', { order: 'random' }));
  bad(c('set_queue_order'));

  ok(c('clock', { t: 1795000000000 }));
  ok(c('clock', { t: 1795000000000.25 }));
  bad(c('clock'));
  bad(c('clock', { t: '1795000000000' }));
  bad(c('clock', { t: 1, serverTime: 2 }));
  bad({ type: 'clock', t: 1 });
});

test('partner updates, agenda order, speaking queue and clock: server messages and snapshots', () => {
  const ok = (m) => {
    const r = validateServerMessage(m);
    assert.ok(r.valid, `${JSON.stringify(m)} should be valid: ${r.errors.join('; ')}`);
  };
  const bad = (m) => assert.equal(validateServerMessage(m).valid, false, `${JSON.stringify(m).slice(0, 200)} should be invalid`);
  const fac = { actor: 'p2', cid: 'f1' };
  const nobody = {};
  const event = (kind, data, who = fac) => ({ type: 'event', seq: 9, at: 5, ...who, kind, data });

  ok({ type: 'clock', cid: 't1', t: 1795000000000.5, serverTime: 1795000000020 });
  bad({ type: 'clock', cid: 't1', t: 1 });
  bad({ type: 'clock', cid: 't1', serverTime: 1 });
  bad({ type: 'clock', cid: 't1', t: 1, serverTime: 1.5 });
  ok({ type: 'reject', cid: 'c1', code: 'bad_state', message: 'slot u7 is paused' });

  const added = { slotId: 'u7', organisation: 'Town Library', speaker: '', seconds: 120, index: 0 };
  ok(event('slot_added', added));
  bad(event('slot_added', { ...added, slotId: 'x7' }));
  bad(event('slot_added', { ...added, speaker: undefined }));
  bad(event('slot_added', { ...added, seconds: 0 }));
  ok(event('slot_added', added, nobody)); // a slot a meeting of a series inherited
  ok(event('slot_updated', { slotId: 'u7', speaker: 'Ana' }));
  bad(event('slot_updated', { slotId: 'u7', speaker: 'Ana' }, nobody));
  bad(event('slot_updated', { slotId: 'u7' }));
  ok(event('slot_moved', { slotId: 'u7', index: 2 }));
  bad(event('slot_moved', { slotId: 'u7' }));
  ok(event('slot_removed', { slotId: 'u7' }));
  ok(event('slot_started', { slotId: 'u7', deadline: 1795000120000 }));
  ok(event('slot_started', { slotId: 'u7', deadline: 1795000120000 }, nobody)); // auto-advance
  bad(event('slot_started', { slotId: 'u7', deadline: 1795000120000 }, { actor: 'p2' }));
  bad(event('slot_started', { slotId: 'u7', deadline: 1795000120000 }, { cid: 'f1' }));
  bad(event('slot_started', { slotId: 'u7' }));
  ok(event('slot_paused', { slotId: 'u7', remainingMs: -4200 }));
  bad(event('slot_paused', { slotId: 'u7' }));
  bad(event('slot_paused', { slotId: 'u7', remainingMs: 1 }, nobody));
  ok(event('slot_resumed', { slotId: 'u7', deadline: 1795000120000 }));
  ok(event('slot_extended', { slotId: 'u7', seconds: 30, deadline: 1795000150000 }));
  ok(event('slot_extended', { slotId: 'u7', seconds: 30, remainingMs: 25800 }));
  bad(event('slot_extended', { slotId: 'u7', seconds: 30 }));
  bad(event('slot_extended', { slotId: 'u7', seconds: 30, deadline: 1795000150000, remainingMs: 25800 }));
  ok(event('slot_expired', { slotId: 'u7', deadline: 1795000120000 }, nobody));
  bad(event('slot_expired', { slotId: 'u7', deadline: 1795000120000 }));
  bad(event('slot_expired', { slotId: 'u7', deadline: 1795000120000 }, { cid: 'clock' }));
  const ended = { slotId: 'u7', state: 'done', reason: 'next', usedMs: 95000, overrunMs: 5000 };
  ok(event('slot_ended', ended));
  ok(event('slot_ended', { ...ended, reason: 'meeting_ended' }));
  ok(event('slot_ended', { ...ended, state: 'skipped', reason: 'skip', usedMs: 0, overrunMs: 0 }));
  ok(event('slot_ended', { ...ended, reason: 'time', usedMs: 120000, overrunMs: 0 }, nobody));
  bad(event('slot_ended', { ...ended, reason: 'time', usedMs: 120000, overrunMs: 0 })); // the clock has no actor
  bad(event('slot_ended', ended, nobody));
  bad(event('slot_ended', { ...ended, reason: 'time', overrunMs: 5000 }, nobody)); // auto-advance cuts at the deadline
  bad(event('slot_ended', { ...ended, state: 'skipped' }));
  bad(event('slot_ended', { ...ended, reason: 'skip' }));
  bad(event('slot_ended', { ...ended, state: 'running' }));
  bad(event('slot_ended', { ...ended, overrunMs: -1 }));
  bad(event('slot_ended', { ...ended, usedMs: undefined }));
  ok(event('auto_advance_set', { on: true }));
  bad(event('auto_advance_set', { on: 1 }));
  ok(event('section_moved', { section: 'partner_updates', index: 1 }));
  bad(event('section_moved', { section: 'goal', index: 1 }));
  bad(event('section_moved', { section: 'wrap_up', index: 0 }));
  for (const kind of ['hand_raised', 'hand_lowered', 'speaker_called']) {
    ok(event(kind, { participantId: 'p3' }));
    bad(event(kind, {}));
    bad(event(kind, { participantId: 'p3' }, nobody));
  }
  ok(event('queue_cleared', {}));
  bad(event('queue_cleared', {}, nobody));
  ok(event('queue_order_set', { order: 'fewest_turns' }));
  bad(event('queue_order_set', { order: 'loudest' }));

  const welcome = (meeting) => ({ type: 'welcome', v: 1, cid: 'a1', serverTime: 1, version: 2,
    you: { participantId: 'p2', role: 'facilitator' }, token: 't', meeting: { ...SNAPSHOT, ...meeting } });
  const [goal, items, updates, wrap] = SECTIONS;
  ok(welcome({ sections: [goal, updates, items, wrap] }));
  ok(welcome({ sections: [goal, wrap, updates, items] }));
  bad(welcome({ sections: [items, goal, updates, wrap] }));
  bad(welcome({ sections: [goal, items, updates] }));
  bad(welcome({ sections: [goal, items, items, wrap] }));
  bad(welcome({ sections: [goal, items, updates, wrap, { id: 'minutes', title: 'Minutes' }] }));
  bad(welcome({ sections: [goal, items, updates, goal] }));

  const slot = { id: 'u7', organisation: 'Town Library', speaker: 'Ana', seconds: 120, extendedSeconds: 0 };
  const pending = { ...slot, state: 'pending' };
  const running = { ...slot, state: 'running', deadline: 1795000120000, expired: false };
  const paused = { ...slot, id: 'u8', state: 'paused', extendedSeconds: 30, remainingMs: -4200, expired: true };
  const done = { ...slot, id: 'u9', state: 'done', usedMs: 95000, overrunMs: 5000, endReason: 'next' };
  const skipped = { ...slot, id: 'u10', state: 'skipped', usedMs: 0, overrunMs: 0, endReason: 'skip' };
  const u = (slots, autoAdvance = false) => welcome({ updates: { autoAdvance, slots } });
  ok(u([]));
  ok(u([done, running, pending, skipped], true));
  ok(u([done, paused, pending, skipped]));
  ok(u([{ ...done, endReason: 'time', overrunMs: 0 }, { ...done, id: 'u11', endReason: 'meeting_ended' }]));
  bad(u([running, paused])); // at most one slot is active
  bad(u([running, { ...running, id: 'u8' }]));
  bad(welcome({ updates: { slots: [] } }));
  bad(welcome({ updates: { autoAdvance: false } }));
  bad(u([{ ...pending, deadline: 1 }]));
  bad(u([{ ...pending, expired: false }]));
  bad(u([{ ...pending, extendedSeconds: 30 }]));
  bad(u([{ ...running, expired: undefined }]));
  bad(u([{ ...running, deadline: undefined }]));
  bad(u([{ ...running, remainingMs: 1000 }]));
  bad(u([{ ...paused, remainingMs: undefined }]));
  bad(u([{ ...paused, deadline: 1 }]));
  bad(u([{ ...done, endReason: undefined }]));
  bad(u([{ ...done, endReason: 'skip' }]));
  bad(u([{ ...skipped, endReason: 'next' }]));
  bad(u([{ ...done, expired: true }]));
  bad(u([{ ...done, deadline: 1 }]));
  bad(u([{ ...pending, state: 'waiting' }]));
  bad(u([{ ...pending, id: 'v7' }]));
  bad(u([{ ...pending, speaker: undefined }]));
  bad(u(Array.from({ length: 51 }, (_, i) => ({ ...pending, id: `u${i + 7}` }))));

  const queue = { order: 'raised', hands: [{ participantId: 'p5', raisedAt: 1795000000000 }], turns: { p3: 1 }, speaker: 'p3' };
  ok(welcome({ queue }));
  ok(welcome({ queue: { order: 'fewest_turns', hands: [], turns: {}, speaker: null } }));
  bad(welcome({ queue: { ...queue, speaker: undefined } }));
  bad(welcome({ queue: { ...queue, speaker: 'Ana' } }));
  bad(welcome({ queue: { ...queue, order: 'loudest' } }));
  bad(welcome({ queue: { ...queue, hands: [{ participantId: 'p5' }] } }));
  bad(welcome({ queue: { ...queue, hands: ['p5'] } }));
  bad(welcome({ queue: { ...queue, turns: { p3: 0 } } }));
  bad(welcome({ queue: { ...queue, turns: { Ana: 1 } } }));
});
