// Who is online, across instances: two instances on one Redis each say on the meeting's
// presence channel who is connected to them (core::InstancePresence). A member on instance 2
// shows online to the members on instance 1, in their welcome and live; moving from one
// instance to the other is not leaving (the minutes record nothing); and when an instance is
// killed, its members go offline on the other one within the expiry, and are logged as having
// left once they stay away.

import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';

import {
  startRedis, startServer, createMeeting, join, resume, cleanup, sleep, httpRequest, waitFor, redisCli,
} from '../support/harness.mjs';

after(cleanup);

const AWAY_AFTER_S = 2;
const EXPIRY_MS = 15000; // core::kPresenceExpiryMs
const HEARTBEAT_MS = 5000; // core::kPresenceHeartbeatMs

const presenceOf = (client, pid) => client.presence.filter((m) => m.participantId === pid).at(-1)?.online;
const waitPresence = (client, pid, online, timeoutMs = 5000) =>
  client.waitUntil(() => presenceOf(client, pid) === online, timeoutMs, `presence ${pid} ${online}`);
const onlineInWelcome = (client, pid) => client.welcome.meeting.participants.find((p) => p.id === pid)?.online;
const leftEvents = (client, pid) => client.events.filter((e) => e.kind === 'participant_left' && e.data.participantId === pid);

test('presence crosses instances: welcome, live, a move is not leaving, a killed instance\'s members go', {
  timeout: 90000,
}, async () => {
  const redis = await startRedis();
  const args = ['--away-after', String(AWAY_AFTER_S)];
  const s1 = await startServer({ redisUrl: redis.url, args });
  const s2 = await startServer({ redisUrl: redis.url, args });
  const meeting = await createMeeting(s1.baseUrl, { title: 'Presence', goal: 'Everyone seen online' });
  const ana = await join(s1.wsUrl, { code: meeting.joinCode, name: 'Ana', attendance: 'room' });
  const ben = await join(s2.wsUrl, { code: meeting.joinCode, name: 'Ben', attendance: 'remote' });
  const benId = ben.welcome.you.participantId;
  const anaId = ana.welcome.you.participantId;

  // Live: Ana, on instance 1, hears that Ben, on instance 2, is online; Ben hears of Ana.
  await waitPresence(ana.client, benId, true);
  // Ben's instance had only just loaded the meeting and asked the others who is connected to
  // them: Ana shows online in his welcome, or a moment later.
  await ben.client.waitUntil(() => (presenceOf(ben.client, anaId) ?? onlineInWelcome(ben.client, anaId)) === true,
    5000, 'Ana online for Ben');
  // A newcomer on instance 1 sees Ben online in its welcome.
  const cat = await join(s1.wsUrl, { code: meeting.joinCode, name: 'Cat', attendance: 'room' });
  assert.equal(onlineInWelcome(cat.client, benId), true, 'Ben online in the welcome of instance 1');

  // Ben closes his laptop: offline on instance 1 too.
  ben.client.terminate();
  await waitPresence(ana.client, benId, false);

  // Ana moves to instance 2 (a reconnect through the load balancer): nobody sees her go, and
  // past --away-after the log records no leaving.
  const anaToken = ana.welcome.token;
  const lastSeq = ana.client.lastSeq;
  ana.client.terminate();
  const anaBack = await resume(s2.wsUrl, { token: anaToken, lastSeq });
  assert.equal(anaBack.welcome.resumeFrom, lastSeq);
  await sleep(AWAY_AFTER_S * 1000 + 1500);
  const probe = await cat.client.command({ type: 'add_item', title: 'after Ana moved' });
  assert.equal(probe.type, 'ack');
  await cat.client.waitForSeq(probe.seq);
  assert.deepEqual(leftEvents(cat.client, anaId), [], 'moving between instances is not leaving');
  assert.notEqual(presenceOf(cat.client, anaId), false, 'never shown offline on instance 1');

  // Instance 2 is killed with Ana on it: within the expiry, instance 1 shows her offline, and
  // logs her as having left once she stays away --away-after.
  const killedAt = Date.now();
  await s2.kill9();
  await waitPresence(cat.client, anaId, false, EXPIRY_MS + HEARTBEAT_MS + 5000);
  const offlineAfter = Date.now() - killedAt;
  await cat.client.waitUntil(() => leftEvents(cat.client, anaId).length === 1, AWAY_AFTER_S * 1000 + HEARTBEAT_MS + 5000, 'Ana logged as having left');
  // Gone since her instance was last heard (a heartbeat at most before the kill), not since
  // its silence was noticed.
  const { since } = leftEvents(cat.client, anaId)[0].data;
  assert.ok(since <= killedAt && since > killedAt - HEARTBEAT_MS - 1000, `since ${since - killedAt} ms from the kill`);
  console.log(JSON.stringify({ test: 'presence-instances', offlineAfterKillMs: offlineAfter, leftSinceMsBeforeKill: killedAt - since }));
  await cat.client.close();
  await s1.stop();
  await redis.stop();
});

test('a malformed presence message on the channel is logged and dropped, not a crash', { timeout: 30000 }, async () => {
  const redis = await startRedis();
  const server = await startServer({ redisUrl: redis.url });
  const meeting = await createMeeting(server.baseUrl, { title: 'Presence', goal: 'Robust' });
  const ana = await join(server.wsUrl, { code: meeting.joinCode, name: 'Ana', attendance: 'room' });
  for (const bad of ['not json', '[]', '{"online":[]}', '{"instance":7,"online":[]}', '{"instance":"x","online":"p1"}',
    '{"instance":"x","online":[1,null,{}],"ask":"yes"}', '{"instance":"y","online":[],"ask":1}']) {
    redisCli(redis, 'publish', `{m:${meeting.meetingId}}:presence`, bad);
  }
  const ack = await ana.client.command({ type: 'add_item', title: 'still here' });
  assert.equal(ack.type, 'ack');
  assert.equal((await httpRequest(`${server.baseUrl}/healthz`)).status, 200);
  assert.equal(server.running, true);
  assert.match(server.stderr(), /unreadable presence message/);
  await ana.client.close();
  await server.stop();
  await redis.stop();
});

test('a wave of joins says the instance\'s list a few times, not once per join', { timeout: 60000 }, async (t) => {
  const redis = await startRedis();
  const server = await startServer({ redisUrl: redis.url });
  const meeting = await createMeeting(server.baseUrl, { title: 'Town hall', goal: 'Everyone in at once' });
  const channel = `{m:${meeting.meetingId}}:presence`;
  const first = await join(server.wsUrl, { code: meeting.joinCode, name: 'First', attendance: 'room' });
  await sleep(200); // the first list is said
  const listener = spawn('redis-cli', ['-p', String(redis.port), 'subscribe', channel], { stdio: ['ignore', 'pipe', 'ignore'] });
  let heard = '';
  listener.stdout.on('data', (d) => { heard += d.toString(); });
  await waitFor(() => heard.includes(channel), { what: 'redis-cli subscribed' });

  const WAVE = 60;
  const wave = await Promise.all(Array.from({ length: WAVE }, (_, i) => join(server.wsUrl, {
    code: meeting.joinCode, name: `M${i}`, attendance: 'remote', role: 'observer' })));
  const everyone = [first, ...wave].map((j) => j.welcome.you.participantId).sort();
  // Whole lines only: the last one may still be arriving.
  const lists = () => heard.split('\n').slice(0, -1).filter((l) => l.startsWith('{"')).map((l) => JSON.parse(l));
  await waitFor(() => lists().some((m) => m.online.length === everyone.length), { what: 'the whole list said' });
  listener.kill();
  const said = lists();
  // One list per 50 ms (core::kPresenceCoalesceMs) while the wave lasts, plus any heartbeat.
  t.diagnostic(`${WAVE} joins: ${said.length} lists said`);
  assert.ok(said.length <= 12, `${WAVE} joins said the list ${said.length} times`);
  assert.deepEqual(said.at(-1).online.slice().sort(), everyone, 'the last list has everyone');
  for (const j of [first, ...wave]) await j.client.close();
  await server.stop();
  await redis.stop();
});
