// What the benchmarks in tests/load share: raw WebSocket members, percentiles, /metrics.
import WebSocket from 'ws';

// The p-th percentile of an ascending array (nearest rank), null when empty.
export function percentile(sorted, p) {
  if (!sorted.length) return null;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

export const round = (x) => (x === null || x === undefined ? null : Math.round(x * 1000) / 1000);

// The messages of one frame: a batch's, in order, or the frame's one message.
export function messagesOf(data) {
  const m = JSON.parse(data);
  return m.type === 'batch' ? m.messages : [m];
}

// Whether a benchmark's clients ask for batch frames: `--batch on|off`, on by default (as the
// web client does).
export function batchFlag(args) {
  if (args.batch !== undefined && args.batch !== 'on' && args.batch !== 'off') {
    throw new Error('--batch takes on or off');
  }
  return args.batch !== 'off';
}

// A raw `ws` connection (no test-harness buffering, so the client costs little) that has
// sent `joinMsg` and received its welcome (the first message the server sends it).
export function open(wsUrl, joinMsg) {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(wsUrl);
    ws.once('error', reject);
    ws.once('open', () => ws.send(JSON.stringify(joinMsg)));
    ws.once('message', (data) => {
      const [m] = messagesOf(data);
      if (m.type !== 'welcome') reject(new Error(`join failed: ${data}`));
      resolve({ ws, welcome: m });
    });
  });
}

export { metricValue as metric } from '../support/harness.mjs';
