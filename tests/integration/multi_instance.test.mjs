// Two server processes on one Redis serve the same meeting (DESIGN.md §8: "Any number of
// server processes can serve one meeting; each subscribes to the channels of the meetings it
// serves and fills gaps from the stream. No sticky sessions are needed.").
//
// Each instance follows the channel of every meeting it serves and applies what the others
// commit, filling any gap from the log. The same on one redis-server and on a Redis Cluster of
// three masters (keys by slot, sharded channels).

import { test, after } from 'node:test';
import assert from 'node:assert/strict';

import { startRedis, startRedisCluster, startServer, createMeeting, join, resume, cleanup } from '../support/harness.mjs';

after(cleanup);

const short = (v) => {
  const s = JSON.stringify(v);
  return s.length > 300 ? `${s.slice(0, 300)}…` : s;
};

for (const [where, startStore] of [['one Redis', startRedis], ['a 3-master Redis Cluster', startRedisCluster]]) {
  test(`two instances on ${where}: live events cross instances, resume works on either, also after kill -9`, {
    timeout: 90000,
  }, async () => {
    const redis = await startStore();
    const s1 = await startServer({ redisUrl: redis.url });
    const s2 = await startServer({ redisUrl: redis.url });
    const meeting = await createMeeting(s1.baseUrl, { title: 'Two instances', goal: 'One meeting, two servers' });
    const fac = await join(s1.wsUrl, { facilitatorToken: meeting.facilitatorToken, name: 'Sam', attendance: 'room' });
    const ana = await join(s2.wsUrl, { code: meeting.joinCode, name: 'Ana', attendance: 'remote' });
    const ben = await join(s1.wsUrl, { code: meeting.joinCode, name: 'Ben', attendance: 'room' });
    fac.client.name = 'fac@1'; ana.client.name = 'ana@2'; ben.client.name = 'ben@1';
    assert.equal(ana.welcome.version, 3);
    assert.equal(ben.welcome.version, 4, 'an instance sees joins made on the other one');
    await fac.client.waitForSeq(4, 10000);
    await ana.client.waitForSeq(4, 10000);

    // An edit on instance 2 reaches the clients of instance 1 without them doing anything.
    const a1 = await ana.client.command({ type: 'add_item', title: 'from instance 2' });
    assert.equal(a1.type, 'ack', short(a1));
    await fac.client.waitForSeq(a1.seq, 10000);
    await ben.client.waitForSeq(a1.seq, 10000);
    // And the other way round.
    const f1 = await fac.client.command({ type: 'set_goal', goal: 'set on instance 1' });
    assert.equal(f1.type, 'ack', short(f1));
    await ana.client.waitForSeq(f1.seq, 10000);

    // Concurrent edits on both instances: one order, no gaps, everywhere.
    const answers = await Promise.all([
      ...Array.from({ length: 5 }, (_, i) => ana.client.command({ type: 'add_item', title: `ana ${i}` })),
      ...Array.from({ length: 5 }, (_, i) => ben.client.command({ type: 'add_item', title: `ben ${i}` })),
      ...Array.from({ length: 3 }, (_, i) => fac.client.command({ type: 'set_title', title: `title ${i}` })),
    ]);
    for (const a of answers) assert.equal(a.type, 'ack', short(a));
    const last = Math.max(...answers.map((a) => a.seq));
    assert.equal(last, f1.seq + answers.length, 'seqs stay dense across instances');
    const clients = [fac.client, ana.client, ben.client];
    for (const c of clients) await c.waitForSeq(last, 10000);
    const streams = clients.map((c) => c.eventsBetween(4, last));
    for (const [i, st] of streams.entries()) {
      assert.deepEqual(st.map((e) => e.seq), Array.from({ length: last - 4 }, (_, j) => 5 + j), `${clients[i].name} seqs`);
    }
    assert.deepEqual(streams[1], streams[0]);
    assert.deepEqual(streams[2], streams[0]);

    // Resume on the other instance, behind: the missed events, including ones committed elsewhere.
    const token = ben.welcome.token;
    ben.client.terminate();
    const f2 = await fac.client.command({ type: 'add_item', title: 'while ben is away' });
    const back = await resume(s2.wsUrl, { token, lastSeq: last });
    assert.equal(back.welcome.resumeFrom, last, short(back.welcome));
    await back.client.waitForSeq(f2.seq, 10000);
    assert.deepEqual(back.client.events.map((e) => e.seq), [f2.seq]);

    // Instance 1 dies; its clients come back on instance 2 and nothing is lost.
    await s1.kill9();
    const facBack = await resume(s2.wsUrl, { token: fac.welcome.token, lastSeq: fac.client.lastSeq });
    const f3 = await facBack.client.command({ type: 'add_item', title: 'after instance 1 died' });
    assert.equal(f3.type, 'ack', short(f3));
    await ana.client.waitForSeq(f3.seq, 10000);
    const check = await join(s2.wsUrl, { code: meeting.joinCode, role: 'observer', name: 'Check', attendance: 'room' });
    assert.equal(check.welcome.meeting.items.length, 13);
    assert.equal(check.welcome.meeting.title, fac.client.events.filter((e) => e.kind === 'title_set').at(-1).data.title);

    for (const c of [ana.client, back.client, facBack.client, check.client]) await c.close();
    await s2.stop();
    await redis.stop();
  });
}
