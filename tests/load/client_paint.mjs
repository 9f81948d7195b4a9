// Benchmark (not a test) of issue 9's "first paint under 1 s on loopback, no layout jank while
// 20 people type", in Debian's Chromium against the real server and Redis. Prints JSON.
//
// 1. First contentful paint of the start page and of a join link, each in --loads fresh
//    browser contexts (nothing cached), from the Paint Timing API.
// 2. A member's meeting page (--width x --height) while --typists members (raw WebSocket
//    clients) type into the notes of 5 action items, --cps characters a second each, for
//    --seconds: the layout shift the page saw (CLS, the Layout Instability API's sum; the
//    shifts a user's own input causes are not counted there anyway), its long tasks (> 50 ms,
//    Long Tasks API), and the intervals between animation frames (p50 / p99 / max, and how
//    many exceeded 50 ms).
//
// Usage: node tests/load/client_paint.mjs [--loads 5] [--typists 20] [--cps 6] [--seconds 10]
//   [--width 1280] [--height 900] [--locale es-MX]
// Uses build/roundtable (or ROUNDTABLE_BIN), web-client/ and $CHROMIUM (default
// /usr/bin/chromium); generator, server, Redis and browser share the machine.
import { startRedis, startServer, createMeeting, join, cleanup } from '../support/harness.mjs';
import { joinForm, launchBrowser, openPage } from '../e2e/browser.mjs';
import { percentile, round } from './load_support.mjs';

const args = Object.fromEntries(
  process.argv.slice(2).reduce((pairs, a, i, all) => (a.startsWith('--') ? [...pairs, [a.slice(2), all[i + 1]]] : pairs), []),
);
const loads = Number(args.loads ?? 5);
const typists = Number(args.typists ?? 20);
const cps = Number(args.cps ?? 6);
const seconds = Number(args.seconds ?? 10);
const viewport = { width: Number(args.width ?? 1280), height: Number(args.height ?? 900) };
// The browser's language: a language other than English loads its catalog first.
const contextOptions = args.locale ? { locale: args.locale } : {};
const ITEMS = 5;
const GOAL = 'Every child in town ready for kindergarten';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const summary = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return { n: s.length, p50: round(percentile(s, 50)), p99: round(percentile(s, 99)), max: round(s.at(-1)) };
};

async function firstPaint(browser, url) {
  const times = [];
  for (let i = 0; i < loads; i += 1) {
    const { context, page } = await openPage(browser, `paint-${i}`, viewport, contextOptions);
    await page.goto(url, { waitUntil: 'load' });
    times.push(await page.evaluate(() => new Promise((resolve, reject) => {
      const found = () => performance.getEntriesByName('first-contentful-paint')[0]?.startTime;
      new PerformanceObserver(() => found() !== undefined && resolve(found())).observe({ type: 'paint', buffered: true });
      setTimeout(() => reject(new Error(`no first-contentful-paint: ${JSON.stringify(performance.getEntriesByType('paint'))}`)), 5000);
    })));
    await context.close();
  }
  return summary(times);
}

const redis = await startRedis();
const server = await startServer({ redisUrl: redis.url });
const browser = await launchBrowser();
try {
  const meeting = await createMeeting(server.baseUrl, { title: 'Paint and jank', goal: GOAL });
  const paint = { start_page_fcp_ms: await firstPaint(browser, `${server.baseUrl}/`),
    join_link_fcp_ms: await firstPaint(browser, meeting.joinUrl) };

  const fac = await join(server.wsUrl, { facilitatorToken: meeting.facilitatorToken, name: 'Sam', attendance: 'room' });
  const itemIds = [];
  for (let i = 0; i < ITEMS; i += 1) {
    const ack = await fac.client.command({ type: 'add_item', title: `Item ${i + 1}`, notes: '' });
    itemIds.push(`i${ack.seq}`);
  }
  const { page } = await openPage(browser, 'member', viewport, contextOptions);
  await page.goto(meeting.joinUrl);
  await joinForm(page, { name: 'Watcher', attendance: 'remote', organisation: 'Library' }, GOAL);
  const people = [];
  for (let i = 0; i < typists; i += 1) {
    people.push(await join(server.wsUrl, { code: meeting.joinCode, name: `Typist ${i + 1}`, attendance: 'room' }));
  }
  await page.waitForFunction((n) => document.querySelectorAll('[data-testid="participant"]').length >= n, typists + 2);

  await page.evaluate(() => {
    window.jank = { cls: 0, longTasks: [], frames: [] };
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) if (!e.hadRecentInput) window.jank.cls += e.value;
    }).observe({ type: 'layout-shift' });
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) window.jank.longTasks.push(e.duration);
    }).observe({ type: 'longtask' });
    let last = performance.now();
    const frame = (t) => {
      window.jank.frames.push(t - last);
      last = t;
      if (window.jank.frames.length < 1e6) requestAnimationFrame(frame);
    };
    requestAnimationFrame(frame);
  });

  // Each typist types at the start of one item's notes, based on the last seq it saw.
  let sent = 0;
  const end = Date.now() + seconds * 1000;
  await Promise.all(people.map(async ({ client }, i) => {
    await sleep((i * 1000) / cps / typists);
    while (Date.now() < end) {
      client.send({ type: 'edit_text', cid: client.nextCid(), field: 'notes', itemId: itemIds[i % ITEMS], version: client.lastSeq, op: ['x'] });
      sent += 1;
      await sleep(1000 / cps);
    }
  }));
  await sleep(500);
  const seen = await page.evaluate((ids) => ids.map((id) => document.querySelector(`[data-item-id="${id}"] [data-testid="item-notes"]`).value.length), itemIds);
  const jank = await page.evaluate(() => window.jank);
  console.log(JSON.stringify({
    benchmark: 'client paint and jank',
    viewport,
    ...paint,
    typing: {
      typists, chars_per_s_each: cps, seconds, ops_sent: sent, chars_on_page: seen.reduce((a, b) => a + b, 0),
      cumulative_layout_shift: round(jank.cls),
      long_tasks: jank.longTasks.length, longest_task_ms: round(Math.max(0, ...jank.longTasks)),
      frame_interval_ms: summary(jank.frames), frames_over_50_ms: jank.frames.filter((f) => f > 50).length,
    },
  }));
} finally {
  await browser.close();
  await cleanup();
}
