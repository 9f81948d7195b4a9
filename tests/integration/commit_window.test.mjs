// The commit window (server/core/commit_window.hpp): a big meeting under a steady stream of
// commands commits them in groups, one fan-out per group, and still delivers every event in
// order to everyone.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { Worker } from 'node:worker_threads';

import {
  startRedis, startServer, cleanup, short, createMeeting, join, metricValue, sleep,
} from '../support/harness.mjs';

// 60 connections at 200 us each: 12 ms, so the window's 10 ms cap, what a town hall of 500
// gets by default, in a meeting small enough for a sanitized server and one test process.
const LISTENERS = 40;
const SENDERS = 20;
const WINDOW_MS = 10;
const COMMANDS = 100;
const SPACING_MS = 2; // ~250 ms of commands: 100 commits without a window, ~40 with it

const env = { server: null };
before(async () => {
  const redis = await startRedis();
  env.server = await startServer({ redisUrl: redis.url, args: ['--commit-window-per-connection-us', '200'] });
});
after(cleanup);

async function joinListeners(meeting) {
  const joins = Array.from({ length: LISTENERS }, (_, i) => join(env.server.wsUrl, {
    code: meeting.joinCode, name: `L${i}`, attendance: 'room', role: 'observer', timeoutMs: 30000 }));
  return (await Promise.all(joins)).map((j) => j.client);
}

test('a steady stream in a busy meeting shares commits, and everyone gets every event in order',
  { timeout: 180000 }, async (t) => {
    const meeting = await createMeeting(env.server.baseUrl, { title: 'Town hall', goal: 'Hear everyone' });
    const listeners = await joinListeners(meeting);
    const joined = Math.max(...listeners.map((c) => c.lastSeq)) + SENDERS; // and the senders' joins
    // The senders pace their commands on a thread of their own (tests/support/paced_sender.mjs).
    const sender = new Worker(new URL('../support/paced_sender.mjs', import.meta.url), { workerData: {
      wsUrl: env.server.wsUrl, origin: env.server.baseUrl, code: meeting.joinCode, senders: SENDERS,
      commands: COMMANDS, spacingMs: SPACING_MS,
    } });
    t.after(() => sender.terminate());
    const [ready] = await once(sender, 'message');
    assert.ok(ready.joined);
    await Promise.all(listeners.map((c) => c.waitForSeq(joined, 30000)));

    const commitsBefore = await metricValue(env.server.baseUrl, 'roundtable_commits_total');
    sender.postMessage('go');
    const [{ acks, spanMs }] = await once(sender, 'message');
    for (const a of acks) assert.equal(a.type, 'ack', short(a));
    const commits = (await metricValue(env.server.baseUrl, 'roundtable_commits_total')) - commitsBefore;
    // Commit starts are at least a window apart, from the first command to the window after
    // the last one; one more for the commands' own jitter on the way to the server; and the
    // first dozen commit as they come, before the meeting counts as busy (CommandArrivals).
    const bound = Math.ceil(spanMs / WINDOW_MS) + 3 + 12;
    t.diagnostic(`${COMMANDS} commands over ${spanMs.toFixed(0)} ms: ${commits} commits (bound ${bound})`);
    if (bound >= COMMANDS * 0.75) {
      // A machine too loaded to pace 2 ms apart: the count could not tell a window from none.
      t.skip(`the commands were sent too slowly to tell (${spanMs.toFixed(0)} ms)`);
      await Promise.all(listeners.map((c) => c.close()));
      return;
    }
    assert.ok(commits <= bound,
      `${COMMANDS} commands sent over ${spanMs.toFixed(0)} ms took ${commits} commits (at most ${bound} expected)`);

    const last = Math.max(...acks.map((a) => a.seq));
    assert.equal(last, joined + COMMANDS, 'one event per command, dense seqs');
    await Promise.all(listeners.map((c) => c.waitForSeq(last, 30000)));
    const expected = listeners[0].eventsBetween(joined, last);
    assert.deepEqual(expected.map((e) => e.seq), Array.from({ length: COMMANDS }, (_, k) => joined + 1 + k));
    assert.deepEqual(expected.map((e) => e.cid).sort(), acks.map((a) => a.cid).sort());
    for (const c of listeners) {
      assert.deepEqual(c.eventsBetween(joined, last), expected, `${c.name} saw other events or another order`);
    }

    // After a pause, a join and then a command: two commits, nothing left waiting. (The stream
    // above goes through the window's timer: without it, its last commands would never be
    // committed.)
    await sleep(50);
    const quietBefore = await metricValue(env.server.baseUrl, 'roundtable_commits_total');
    const late = await join(env.server.wsUrl, { code: meeting.joinCode, name: 'Late', attendance: 'remote' });
    const lone = await late.client.command({ type: 'add_item', title: 'after a pause' }, 30000);
    assert.equal(lone.type, 'ack', short(lone));
    assert.equal((await metricValue(env.server.baseUrl, 'roundtable_commits_total')) - quietBefore, 2, 'join, add');
    await Promise.all([...listeners, late.client].map((c) => c.close()));
  });
