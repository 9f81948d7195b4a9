// Benchmark (not a test) of what idle meetings cost a long-running server: --waves waves of
// --meetings meetings each (new meetings every wave, as on the days of a term), --members
// members per meeting who join, add --items action items each, and leave. After each wave
// the server's RSS and the meetings it holds, once --unload-after has passed (or at once
// when it is 0, the old behaviour: rooms never left memory). Prints one JSON line.
//
// Usage: node tests/load/unload_memory.mjs [--unload-after 2] [--waves 4] [--meetings 300]
//   [--members 5] [--items 4]
// Uses build/roundtable (or ROUNDTABLE_BIN); the server, Redis and this script share the
// machine.
import fs from 'node:fs';

import { cleanup, createMeeting, join, sleep, startRedis, startServer, waitFor } from '../support/harness.mjs';
import { metric } from './load_support.mjs';

const args = Object.fromEntries(
  process.argv.slice(2).reduce((pairs, a, i, all) => (a.startsWith('--') ? [...pairs, [a.slice(2), all[i + 1]]] : pairs), []),
);
const unloadAfter = Number(args['unload-after'] ?? 2);
const waves = Number(args.waves ?? 4);
const meetings = Number(args.meetings ?? 300);
const members = Number(args.members ?? 5);
const items = Number(args.items ?? 4);

const rssKiB = (pid) => Number(/VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))[1]);

const redis = await startRedis();
const server = await startServer({
  redisUrl: redis.url, args: ['--unload-after', String(unloadAfter), '--away-after', '1', '--meetings-per-ip-hour', '0'],
});
const pid = server.proc.pid;
try {
  const result = { benchmark: 'idle meetings in memory', unload_after_s: unloadAfter, meetings_per_wave: meetings, members, items,
    rss_start_mib: round1(rssKiB(pid) / 1024), waves: [] };
  for (let wave = 0; wave < waves; wave += 1) {
    for (let m = 0; m < meetings; m += 1) {
      const meeting = await createMeeting(server.baseUrl, { title: `Wave ${wave} meeting ${m}`, goal: 'Memory that stays flat' });
      const people = await Promise.all(Array.from({ length: members }, (_, i) =>
        join(server.wsUrl, { code: meeting.joinCode, name: `Member ${i}` })));
      for (const { client } of people) {
        for (let i = 0; i < items; i += 1) await client.command({ type: 'add_item', title: `Item ${i}`, notes: 'x'.repeat(200) });
      }
      for (const { client } of people) client.terminate();
    }
    const loaded = await metric(server.baseUrl, 'roundtable_meetings_live');
    if (unloadAfter > 0) {
      await waitFor(async () => (await metric(server.baseUrl, 'roundtable_meetings_live')) === 0,
        { timeoutMs: 60000 + unloadAfter * 3000, intervalMs: 500, what: 'every meeting unloaded' });
    } else {
      await sleep(3000); // the leavings recorded, as with unloading
    }
    result.waves.push({ wave, loaded_after_wave: loaded, held_when_idle: await metric(server.baseUrl, 'roundtable_meetings_live'),
      rss_mib: round1(rssKiB(pid) / 1024) });
  }
  console.log(JSON.stringify(result));
} finally {
  await cleanup();
}

function round1(x) {
  return Math.round(x * 10) / 10;
}
