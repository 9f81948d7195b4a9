// Benchmark (not a test): many meetings each running a partner-update timer, many screens
// each. Every screen runs the web client's own clock estimate (server_clock.js) and countdown
// scheduler (countdown.js) on a local clock skewed by up to ±5 minutes; measured, per
// meeting, the spread between its screens of the moment they show "time" (true time), and
// each screen's error against the deadline. Prints one JSON line.
// Usage:
//   node tests/load/timer_spread.mjs [--meetings 200] [--clients 10] [--seconds 10]
//                                    [--stagger 20] [--skew 300]
// Slots start at random moments over --stagger seconds (meetings do not all start at once).
// The load generator shares the 2 cores with the server and Redis: figures are upper bounds.
import { startRedis, startServer, createMeeting, cleanup, sleep } from '../support/harness.mjs';
import { percentile, round, open } from './load_support.mjs';
import { ServerClock } from '../../web-client/server_clock.js';
import { Countdown } from '../../web-client/countdown.js';

const args = Object.fromEntries(
  process.argv.slice(2).reduce((pairs, a, i, all) => (a.startsWith('--') ? [...pairs, [a.slice(2), all[i + 1]]] : pairs), []),
);
const meetingCount = Number(args.meetings ?? 200);
const clientsPerMeeting = Number(args.clients ?? 10);
const slotSeconds = Number(args.seconds ?? 10);
const staggerMs = Number(args.stagger ?? 20) * 1000;
const skewMs = Number(args.skew ?? 300) * 1000;
// What the web client does after each welcome (connection.js): a few clock samples.
const CLOCK_SAMPLES = 5;
const CLOCK_SPACING_MS = 200;

// One screen: a joined connection, its skewed local clock, its estimate of the server's.
async function screen(wsUrl, joinMsg) {
  const skew = Math.round((Math.random() * 2 - 1) * skewMs);
  const localNow = () => Date.now() + skew;
  const s = { ...(await open(wsUrl, joinMsg)), clock: new ServerClock(localNow), timeUpAt: null };
  s.clock.seed(s.welcome.serverTime);
  s.countdown = new Countdown(() => s.clock.now(), (remaining) => {
    // Date.now() is the true time here (the server runs on this machine's clock).
    if (remaining <= 0 && s.timeUpAt === null) s.timeUpAt = Date.now();
  });
  s.ws.on('message', (data) => {
    const m = JSON.parse(data);
    if (m.type === 'clock') s.clock.sample(m.t, m.serverTime);
    if (m.type === 'event' && m.kind === 'slot_started') {
      s.deadline = m.data.deadline;
      s.countdown.follow(m.data.deadline);
    }
    if (m.type === 'event' && m.kind === 'slot_ended') s.countdown.follow(null);
  });
  for (let i = 0; i < CLOCK_SAMPLES; i++) {
    s.ws.send(JSON.stringify({ type: 'clock', cid: `t${i}`, t: localNow() }));
    await sleep(CLOCK_SPACING_MS);
  }
  return s;
}

// Sends a command and resolves with its answer (ack or reject).
function request(ws, obj) {
  return new Promise((resolve) => {
    ws.on('message', function onAnswer(data) {
      const m = JSON.parse(data);
      if (m.cid === obj.cid && (m.type === 'ack' || m.type === 'reject')) {
        ws.off('message', onAnswer);
        resolve(m);
      }
    });
    ws.send(JSON.stringify(obj));
  });
}

async function setUp(wsUrl, baseUrl, i) {
  const meeting = await createMeeting(baseUrl, { title: `Council ${i}`, goal: 'Every child ready' });
  const fac = await screen(wsUrl, {
    type: 'join', v: 1, cid: 'j', facilitatorToken: meeting.facilitatorToken, name: 'Fac', attendance: 'room',
  });
  const screens = [fac];
  const members = [];
  for (let k = 1; k < clientsPerMeeting; k++) {
    members.push(screen(wsUrl, { type: 'join', v: 1, cid: `j${k}`, code: meeting.joinCode, name: `m${k}`, attendance: 'remote' }));
  }
  screens.push(...await Promise.all(members));
  return { fac, screens };
}

const redis = await startRedis();
const server = await startServer({ redisUrl: redis.url });
try {
  const meetings = [];
  for (let i = 0; i < meetingCount; i += 10) {
    const batch = [];
    for (let k = i; k < Math.min(meetingCount, i + 10); k++) batch.push(setUp(server.wsUrl, server.baseUrl, k));
    meetings.push(...await Promise.all(batch));
  }
  // Each facilitator adds a slot and starts it at a random moment within the stagger window.
  await Promise.all(meetings.map(async ({ fac }, i) => {
    const added = await request(fac.ws, { type: 'add_slot', cid: `a${i}`, organisation: 'Town Library', seconds: slotSeconds });
    await sleep(Math.random() * staggerMs);
    const started = await request(fac.ws, { type: 'start_slot', cid: `s${i}`, slotId: `u${added.seq}` });
    if (started.type !== 'ack') throw new Error(`start_slot: ${JSON.stringify(started)}`);
  }));
  await sleep(slotSeconds * 1000 + 3000);

  const spreads = [];
  const errors = [];
  let missing = 0;
  for (const { screens } of meetings) {
    const times = screens.map((s) => s.timeUpAt);
    if (times.some((t) => t === null)) { missing++; continue; }
    spreads.push(Math.max(...times) - Math.min(...times));
    for (const s of screens) errors.push(Math.abs(s.timeUpAt - s.deadline));
  }
  for (const { screens } of meetings) {
    for (const s of screens) {
      s.countdown.follow(null);
      s.ws.close();
    }
  }
  spreads.sort((a, b) => a - b);
  errors.sort((a, b) => a - b);
  console.log(JSON.stringify({
    benchmark: 'timer_spread',
    meetings: meetingCount,
    screensPerMeeting: clientsPerMeeting,
    slotSeconds,
    clockSkewMs: `±${skewMs}`,
    meetingsWithoutTimeUp: missing,
    spreadMs: { p50: round(percentile(spreads, 50)), p99: round(percentile(spreads, 99)), max: round(spreads.at(-1) ?? null) },
    errorVsDeadlineMs: { p50: round(percentile(errors, 50)), p99: round(percentile(errors, 99)), max: round(errors.at(-1) ?? null) },
  }));
} finally {
  await server.stop();
  await redis.stop();
  await cleanup();
}
