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
import { isValid as isValidOp } from '../../web-client/text_ot.js';

const CLIENT_TYPES = ['join', 'resume', 'set_title', 'set_goal', 'set_phase', 'add_item', 'update_item',
  'edit_text', 'focus', 'move_item', 'delete_item', 'update_profile'];
const SERVER_TYPES = ['welcome', 'event', 'ack', 'reject', 'presence', 'editing', 'error'];

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
      // The expected events (subsets) must be valid server events once completed with seq/at.
      for (const e of step.events ?? []) {
        const full = { type: 'event', seq: 1, at: 0, ...e };
        const r2 = validateServerMessage(full);
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
  const checked = [];
  for (const obj of found) {
    if (typeof obj.type !== 'string') {
      if (obj.sections) {
        const r = validateSnapshot(obj);
        assert.ok(r.valid, `snapshot example fails: ${r.errors.join('; ')}`);
        checked.push('snapshot');
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
    'snapshot']) {
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
    sections: [{ id: 'goal', title: 'Goal' }, { id: 'action_items', title: 'Action items' }],
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
