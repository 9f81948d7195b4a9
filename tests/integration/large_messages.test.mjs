// Messages much larger than the server's read piece (512 bytes: an idle connection holds no
// more), whole and in fragments split inside multi-byte characters: read exactly, answered,
// and followed by small messages on the same connection.

import { test } from 'node:test';
import assert from 'node:assert/strict';

import { serverForFile, createMeeting, join, resume, short } from '../support/harness.mjs';

const env = serverForFile();

// 5,000 code points (the notes limit), 1 to 4 UTF-8 bytes each: ~12 KB.
const CHARS = ['a', 'é', '学', '😀', ' ', '👋'];
const notes = Array.from({ length: 5000 }, (_, i) => CHARS[(i * 7) % CHARS.length]).join('');

test('a 12 KB command, whole and in fragments cut mid-character, arrives exactly', { timeout: 60000 }, async () => {
  const { server } = env;
  const meeting = await createMeeting(server.baseUrl, { title: 'Long notes' });
  const fac = await join(server.wsUrl, { facilitatorToken: meeting.facilitatorToken, name: 'Sam' });
  const ana = await join(server.wsUrl, { code: meeting.joinCode, name: 'Ana' });
  assert.ok(Buffer.byteLength(notes) > 10000, `${Buffer.byteLength(notes)} bytes`);

  const whole = await ana.client.command({ type: 'add_item', title: 'Whole', notes });
  assert.equal(whole.type, 'ack', short(whole));

  // The same command in four fragments, cut at byte offsets inside multi-byte characters.
  const bytes = Buffer.from(JSON.stringify({ type: 'add_item', cid: 'frag', title: 'Fragmented', notes }));
  const cuts = [0, 1001, 5003, 9007, bytes.length];
  assert.ok(cuts.slice(1, -1).some((c) => (bytes[c] & 0xc0) === 0x80), 'a cut falls inside a character');
  const answer = ana.client.next((m) => m.cid === 'frag' && m.type !== 'event', 10000);
  for (let i = 0; i + 1 < cuts.length; i++) {
    ana.client.sendRaw(bytes.subarray(cuts[i], cuts[i + 1]), { fin: i + 2 === cuts.length, binary: false });
  }
  assert.equal((await answer).type, 'ack', short(await answer));

  // Small commands still work on the same connection after the large ones.
  const small = await ana.client.command({ type: 'add_item', title: 'Small' });
  assert.equal(small.type, 'ack', short(small));

  // Everyone else, and a newcomer's snapshot, has the notes byte for byte.
  await fac.client.waitForSeq(small.seq);
  const added = fac.client.events.filter((e) => e.kind === 'item_added');
  assert.deepEqual(added.map((e) => e.data.title), ['Whole', 'Fragmented', 'Small']);
  assert.equal(added[0].data.notes, notes);
  assert.equal(added[1].data.notes, notes);
  const fresh = await resume(server.wsUrl, { token: fac.welcome.token });
  assert.deepEqual(fresh.welcome.meeting.items.map((i) => i.notes), [notes, notes, '']);
});
