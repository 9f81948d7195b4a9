// Batch frames: a client that joins or resumes with batch: true may get several messages in
// one frame; read one by one they are exactly what a client without batches gets.

import { test } from 'node:test';
import assert from 'node:assert/strict';

import { serverForFile, short, createMeeting, join, resume, waitFor } from '../support/harness.mjs';

const env = serverForFile();

async function meetingWith(title, names) {
  const meeting = await createMeeting(env.server.baseUrl, { title, goal: 'One frame, many messages' });
  const fac = await join(env.server.wsUrl, { facilitatorToken: meeting.facilitatorToken, name: 'Sam', attendance: 'room' });
  const members = [];
  for (const name of names) {
    members.push(await join(env.server.wsUrl, { code: meeting.joinCode, name, attendance: 'remote', batch: name.startsWith('Batch') }));
  }
  const top = members[members.length - 1].welcome.version;  // the last one's participant_joined
  for (const c of [fac, ...members]) await c.client.waitForSeq(top);
  return { meeting, fac, members };
}

test('a resumed batch client gets its missed events in one batch frame, in order', { timeout: 60000 }, async () => {
  const { fac, members: [batcher, plain] } = await meetingWith('Resume in one frame', ['Batch Bea', 'Plain Pat']);
  const lastSeq = batcher.client.lastSeq;
  const plainSeq = plain.client.lastSeq;
  batcher.client.terminate();
  plain.client.terminate();
  let last = 0;
  for (let i = 0; i < 6; i++) {
    const ack = await fac.client.command({ type: 'add_item', title: `missed ${i}` });
    assert.equal(ack.type, 'ack', short(ack));
    last = ack.seq;
  }
  await fac.client.waitForSeq(last);
  const reference = fac.client.eventsBetween(lastSeq, last);
  assert.deepEqual(reference.map((e) => e.kind), Array(6).fill('item_added'));

  const back = await resume(env.server.wsUrl, { token: batcher.welcome.token, lastSeq, batch: true });
  await back.client.waitForSeq(last);
  assert.deepEqual(back.client.events, reference, 'the missed events, in order, exactly once');
  assert.deepEqual(back.client.batches, [6], 'all six in one batch frame after the welcome');

  const other = await resume(env.server.wsUrl, { token: plain.welcome.token, lastSeq: plainSeq });
  await other.client.waitForSeq(last);
  assert.deepEqual(other.client.events, reference);
  assert.deepEqual(other.client.batches, [], 'no batch frame to a client that did not ask');
  for (const c of [fac.client, back.client, other.client]) {
    assert.deepEqual(c.invalid, [], `${c.name} got schema-invalid messages`);
    await c.close();
  }
});

test('under a burst, batch and plain clients see the same events; acks keep their place', { timeout: 60000 }, async () => {
  const names = ['Batch A', 'Batch B', 'Plain C', 'Plain D'];
  const { fac, members } = await meetingWith('Burst', names);
  const start = fac.client.lastSeq;
  // Every member sends its whole burst at once: the commits group, the frames queue up.
  const perMember = 30;
  const sent = members.map((m) => {
    const cids = [];
    for (let i = 0; i < perMember; i++) {
      const cid = m.client.nextCid();
      cids.push(cid);
      m.client.send({ type: 'add_item', cid, title: `${m.client.name} ${i}` });
    }
    return cids;
  });
  const last = start + perMember * members.length;
  for (const c of [fac, ...members]) await c.client.waitForSeq(last, 20000);
  const reference = fac.client.eventsBetween(start, last);
  assert.deepEqual(reference.map((e) => e.seq), Array.from({ length: last - start }, (_, i) => start + 1 + i));
  for (const [k, m] of members.entries()) {
    assert.deepEqual(m.client.eventsBetween(start, last), reference, `${names[k]}: same events, same order`);
    // Each ack comes after the event it acknowledges, whatever frame either came in.
    const acks = () => m.client.messages.filter((x) => x.type === 'ack' && sent[k].includes(x.cid));
    await waitFor(() => acks().length === perMember, { what: `${names[k]}'s acks` });
    for (const ack of acks()) {
      const ackAt = m.client.messages.indexOf(ack);
      const eventAt = m.client.messages.findIndex((x) => x.type === 'event' && x.seq === ack.seq);
      assert.ok(eventAt >= 0 && eventAt < ackAt, `${names[k]}: event ${ack.seq} before its ack`);
    }
    assert.deepEqual(m.client.invalid, [], `${names[k]} got schema-invalid messages`);
  }
  const batched = members.filter((m) => m.client.name.startsWith('Batch'));
  const plain = members.filter((m) => !m.client.name.startsWith('Batch'));
  for (const m of plain) assert.deepEqual(m.client.batches, [], 'plain clients get single frames');
  const frames = batched.map((m) => m.client.batches.length);
  const inBatches = batched.map((m) => m.client.batches.reduce((a, b) => a + b, 0));
  assert.ok(inBatches.some((n) => n > 0), `a burst of ${last - start} events queued somewhere: ${short({ frames, inBatches })}`);
  for (const c of [fac, ...members]) await c.client.close();
});
