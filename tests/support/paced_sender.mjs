// A worker thread that joins `senders` members to a meeting and sends `commands` add_item
// commands round robin, one every `spacingMs`, on its own event loop: the pace holds while
// the test's main thread is busy reading hundreds of connections. Posts back
// {acks: [{type, seq, cid}], spanMs} (first send to last send).
import { parentPort, workerData } from 'node:worker_threads';
import WebSocket from 'ws';

const { wsUrl, origin, code, senders, commands, spacingMs } = workerData;

function connectAndJoin(i) {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(wsUrl, { origin });
    const answers = new Map(); // cid -> resolve
    ws.on('error', reject);
    ws.on('message', (data) => {
      const msgs = [JSON.parse(data.toString())].flatMap((m) => (m.type === 'batch' ? m.messages : [m]));
      for (const m of msgs) {
        if (m.type === 'welcome') resolve({ ws, answers });
        else if ((m.type === 'ack' || m.type === 'reject') && answers.has(m.cid)) answers.get(m.cid)(m);
        else if (m.type === 'reject') reject(new Error(`sender ${i}: ${JSON.stringify(m)}`));
      }
    });
    ws.on('open', () => ws.send(JSON.stringify({
      type: 'join', v: 1, cid: `join-${i}`, code, name: `Sender ${i}`, attendance: 'remote', role: 'member',
    })));
  });
}

const joined = await Promise.all(Array.from({ length: senders }, (_, i) => connectAndJoin(i)));
parentPort.postMessage({ joined: true });
await new Promise((resolve) => parentPort.once('message', resolve)); // go

const answers = [];
const started = performance.now();
let lastSent = started;
for (let n = 0; n < commands; n++) {
  const { ws, answers: waiting } = joined[n % senders];
  const cid = `paced-${n}`;
  answers.push(new Promise((resolve) => waiting.set(cid, resolve)));
  ws.send(JSON.stringify({ type: 'add_item', cid, title: `item ${n}` }));
  lastSent = performance.now();
  await new Promise((resolve) => setTimeout(resolve, spacingMs));
}
const acks = (await Promise.all(answers)).map(({ type, seq, cid }) => ({ type, seq, cid }));
for (const { ws } of joined) ws.close();
parentPort.postMessage({ acks, spanMs: lastSent - started });
