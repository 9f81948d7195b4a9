// Benchmark (not a test): how long the minutes of a long meeting take to download. The minutes
// are projected from the whole log on every request (server/minutes), so their cost grows with
// the log: this fills one meeting with about --events events (members editing their items'
// titles and notes, as a meeting of typing does), ends it, and times each format. Prints JSON.
// Usage:
//   node tests/load/minutes_download.mjs [--members 50] [--events 10000] [--downloads 15]
// Uses build/roundtable (or ROUNDTABLE_BIN) and a redis-server it starts on a free port.
import { startRedis, startServer, createMeeting, httpRequest, cleanup, sleep } from '../support/harness.mjs';
import { percentile, round, open } from './load_support.mjs';

const args = Object.fromEntries(
  process.argv.slice(2).reduce((pairs, a, i, all) => (a.startsWith('--') ? [...pairs, [a.slice(2), all[i + 1]]] : pairs), []),
);
const members = Number(args.members ?? 50);
const events = Number(args.events ?? 10000);
const downloads = Number(args.downloads ?? 15);
// Under the per-connection limit of 20 commands/s.
const perMemberRate = 15;

// Sends a command and waits for its answer.
function command(ws, msg) {
  return new Promise((resolve) => {
    const on = (d) => {
      const x = JSON.parse(d);
      if (x.cid === msg.cid && (x.type === 'ack' || x.type === 'reject')) {
        ws.off('message', on);
        resolve(x);
      }
    };
    ws.on('message', on);
    ws.send(JSON.stringify(msg));
  });
}

const redis = await startRedis();
const server = await startServer({ redisUrl: redis.url });
try {
  const meeting = await createMeeting(server.baseUrl, { title: 'Bench', goal: 'Measure the minutes' });
  const fac = await open(server.wsUrl, {
    type: 'join', v: 1, cid: 'j', facilitatorToken: meeting.facilitatorToken, name: 'Fac', attendance: 'room',
  });
  await command(fac.ws, { type: 'set_phase', cid: 'live', phase: 'live' });
  const people = [];
  for (let i = 0; i < members; i++) {
    const m = await open(server.wsUrl, {
      type: 'join', v: 1, cid: `j${i}`, code: meeting.joinCode, name: `M${i}`, attendance: 'remote', organisation: `Org ${i}`,
    });
    const ack = await command(m.ws, { type: 'add_item', cid: `item${i}`, title: `Item ${i}`, owner: `M${i}`, due: '2027-01-31' });
    people.push({ ...m, item: `i${ack.seq}` });
  }
  const perMember = Math.ceil(events / members);
  const started = Date.now();
  await Promise.all(people.map(async (m, i) => {
    for (let k = 0; k < perMember; k++) {
      const field = k % 2 ? 'notes' : 'title';
      await command(m.ws, { type: 'update_item', cid: `u${i}-${k}`, itemId: m.item, [field]: `${field} ${i} version ${k}` });
      await sleep(1000 / perMemberRate);
    }
  }));
  const fillSeconds = (Date.now() - started) / 1000;
  await command(fac.ws, { type: 'set_phase', cid: 'end', phase: 'ended' });

  const results = {};
  for (const format of ['json', 'md', 'html', 'csv', 'ics']) {
    const times = [];
    let bytes = 0;
    for (let n = 0; n < downloads; n++) {
      const t0 = performance.now();
      const res = await httpRequest(`${server.baseUrl}/api/meetings/${meeting.meetingId}/minutes?format=${format}`, {
        headers: { Authorization: `Bearer ${meeting.facilitatorToken}` },
      });
      times.push(performance.now() - t0);
      if (res.status !== 200) throw new Error(`${format}: ${res.status} ${res.text}`);
      bytes = Buffer.byteLength(res.text);
    }
    times.sort((a, b) => a - b);
    results[format] = { p50_ms: round(percentile(times, 50)), max_ms: round(times[times.length - 1]), bytes };
  }
  const json = JSON.parse((await httpRequest(`${server.baseUrl}/api/meetings/${meeting.meetingId}/minutes?format=json`, {
    headers: { Authorization: `Bearer ${meeting.facilitatorToken}` },
  })).text);
  console.log(JSON.stringify({
    benchmark: 'minutes_download',
    members,
    log_events: people.length * perMember + members * 2 + 4,
    fill_seconds: round(fillSeconds),
    attendees: json.attendees.length,
    items: json.items.length,
    formats: results,
  }, null, 2));
  for (const m of [fac, ...people]) m.ws.close();
} finally {
  await server.stop?.();
  await cleanup();
}
