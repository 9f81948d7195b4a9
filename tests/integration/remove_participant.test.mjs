// The facilitator removes a participant: everyone sees participant_removed, the removed
// person's connections get `error` removed and close, and their token no longer resumes,
// also after a kill -9 restart of the server.

import { test, after } from 'node:test';
import assert from 'node:assert/strict';

import {
  startRedis, startServer, createMeeting, join, resume, cleanup, short,
} from '../support/harness.mjs';

after(cleanup);

test('a removed member is cut off, refused on resume, and stays removed after a restart', { timeout: 60000 }, async () => {
  const redis = await startRedis();
  let server = await startServer({ redisUrl: redis.url });
  const meeting = await createMeeting(server.baseUrl, { title: 'Partnership', goal: 'Keep the right people in' });
  const fac = await join(server.wsUrl, { facilitatorToken: meeting.facilitatorToken, name: 'Sam', attendance: 'room' });
  const ana = await join(server.wsUrl, { code: meeting.joinCode, name: 'Ana' });
  const eve = await join(server.wsUrl, { code: meeting.joinCode, name: 'Eve' });
  // Eve on a second device too: both connections go.
  const eveTablet = await resume(server.wsUrl, { token: eve.welcome.token });
  const eveId = eve.welcome.you.participantId;

  const raised = await eve.client.command({ type: 'raise_hand' });
  assert.equal(raised.type, 'ack', short(raised));
  const notAllowed = await ana.client.command({ type: 'remove_participant', participantId: eveId });
  assert.equal(notAllowed.code, 'forbidden');
  const notFac = await fac.client.command({ type: 'remove_participant', participantId: fac.welcome.you.participantId });
  assert.equal(notFac.code, 'forbidden');

  const removed = await fac.client.command({ type: 'remove_participant', participantId: eveId });
  assert.equal(removed.type, 'ack', short(removed));
  await ana.client.waitForSeq(removed.seq);
  const kinds = ana.client.events.slice(-2).map((e) => [e.kind, e.data.participantId]);
  assert.deepEqual(kinds, [['participant_removed', eveId], ['hand_lowered', eveId]]);

  for (const c of [eve.client, eveTablet.client]) {
    const info = await c.closed;
    assert.equal(info.code, 1008, `${c.name} closed with policy violation: ${short(info)}`);
    const err = c.messages.find((m) => m.type === 'error');
    assert.equal(err?.code, 'removed', `${c.name} was told why`);
    assert.ok(c.events.some((e) => e.kind === 'participant_removed'), `${c.name} saw the removal first`);
  }
  await assert.rejects(resume(server.wsUrl, { token: eve.welcome.token }),
    (e) => e.reply?.code === 'removed', 'the token no longer resumes');

  // The snapshot marks the removed participant; the meeting goes on for the others.
  const late = await join(server.wsUrl, { code: meeting.joinCode, name: 'Lee' });
  const record = late.welcome.meeting.participants.find((p) => p.id === eveId);
  assert.equal(record.removed, true);
  assert.equal(record.online, false);
  const item = await ana.client.command({ type: 'add_item', title: 'Still working' });
  assert.equal(item.type, 'ack', short(item));

  // After a crash, the removal is read back from the log.
  await server.kill9();
  server = await startServer({ redisUrl: redis.url });
  await assert.rejects(resume(server.wsUrl, { token: eve.welcome.token }),
    (e) => e.reply?.code === 'removed', 'still refused after a restart');
  for (const c of [fac.client, ana.client, late.client]) {
    assert.deepEqual(c.invalid, [], `${c.name} got schema-invalid messages`);
    c.terminate();
  }
  await server.stop();
});
