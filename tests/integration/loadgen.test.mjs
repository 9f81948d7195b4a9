// The C++ load generator (tests/load/loadgen) against the real server and Redis, at a size
// that runs in seconds: each scenario completes and accounts for every delivery, co-editors
// converge with the server, and a bad command line is refused. The benchmarks' figures come from this binary, so it is tested.

import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

import { startRedis, startServer, cleanup, ROUNDTABLE_BIN } from '../support/harness.mjs';

after(cleanup);

const LOADGEN = process.env.ROUNDTABLE_LOADGEN || path.join(path.dirname(ROUNDTABLE_BIN), 'roundtable_loadgen');
// The TSan configuration builds only the server and the unit tests.
const notBuilt = !fs.existsSync(LOADGEN) && `${LOADGEN} is not built in this configuration`;

function loadgen(args) {
  return new Promise((resolve) => {
    execFile(LOADGEN, args, { timeout: 120000 }, (error, stdout, stderr) => {
      resolve({ code: error ? error.code : 0, stdout, stderr });
    });
  });
}

async function serverAndRedis() {
  const redis = await startRedis();
  return startServer({ redisUrl: redis.url, args: ['--meetings-per-ip-hour', '0'] });
}

test('commands: every command answered, every delivery seen once', { skip: notBuilt, timeout: 180000 }, async () => {
  const server = await serverAndRedis();
  const run = await loadgen(['--url', server.baseUrl, '--server-pid', String(server.proc.pid), '--clients', '20',
    '--meetings', '2', '--rate', '40', '--seconds', '2', '--workload-name', 'smoke']);
  assert.equal(run.code, 0, run.stderr + run.stdout);
  const r = JSON.parse(run.stdout);
  assert.equal(r.error, undefined);
  assert.equal(r.workload, 'smoke');
  assert.equal(r.commands.sent, 80);
  assert.equal(r.commands.acked, 80, JSON.stringify(r.commands));
  // Each command's event reaches the 9 other clients of its meeting.
  assert.equal(r.deliveries, 80 * 9);
  assert.equal(r.lost_deliveries, 0);
  assert.equal(r.duplicated_deliveries, 0);
  assert.ok(r.delivery_ms.p50 > 0 && r.delivery_ms.p50 <= r.delivery_ms.p99, JSON.stringify(r.delivery_ms));
  // Split per command: to its first receipt, then on to its last of the 9 (read one after
  // another, so never all in the same microsecond).
  const { first_delivery_ms: first, delivery_spread_ms: spread } = r;
  assert.ok(first && first.p50 > 0, JSON.stringify(first));
  assert.ok(spread && spread.p50 > 0, JSON.stringify(spread));
  assert.ok(r.server_cpu_s > 0, 'the server\'s CPU time is read from /proc');
  assert.equal(r.slow_clients, 0);

  // A tenth of the clients stop reading during the load, then wake up and catch up.
  const slow = await loadgen(['--url', server.baseUrl, '--clients', '20', '--meetings', '1', '--rate', '40',
    '--seconds', '2', '--slow-share', '0.1']);
  assert.equal(slow.code, 0, slow.stderr + slow.stdout);
  const s = JSON.parse(slow.stdout);
  assert.equal(s.error, undefined);
  assert.equal(s.slow_clients, 2);
  assert.equal(s.commands.acked, 80, 'the 18 others sent the whole load');
  // Latencies are the 17 other readers' only; the slow ones still saw every event once.
  assert.equal(s.deliveries, 80 * 17);
  assert.equal(s.lost_deliveries, 0);
  assert.equal(s.duplicated_deliveries, 0);
  await server.stop();
});

test('vote-close: every screen gets each close; a blind close carries the ballots', { skip: notBuilt, timeout: 180000 }, async () => {
  const server = await serverAndRedis();
  const voters = 12;
  const run = async (results) => {
    const out = await loadgen(['--url', server.baseUrl, '--scenario', 'vote-close', '--clients', String(voters),
      '--rounds', '2', '--vote-results', results]);
    assert.equal(out.code, 0, out.stderr + out.stdout);
    const r = JSON.parse(out.stdout);
    assert.equal(r.error, undefined);
    assert.deepEqual([r.scenario, r.voters, r.rounds, r.results], ['vote-close', voters, 2, results]);
    assert.equal(r.lost_deliveries, 0);
    assert.equal(r.duplicated_deliveries, 0);
    assert.equal(r.reject_codes, undefined);
    for (const key of ['close_to_every_screen_ms', 'close_to_one_screen_ms', 'ballot_ack_ms']) {
      assert.ok(r[key].p50 > 0 && r[key].p50 <= r[key].max, `${key}: ${JSON.stringify(r[key])}`);
    }
    assert.ok(r.close_to_one_screen_ms.max <= r.close_to_every_screen_ms.max);
    return r;
  };
  const blind = await run('hidden');
  const live = await run('live');
  // The blind close reveals each voter's ballot with their id; the live one only tallies.
  assert.ok(blind.close_message_bytes > voters * 40, `blind close ${blind.close_message_bytes} bytes`);
  assert.ok(live.close_message_bytes < blind.close_message_bytes / 2, `live close ${live.close_message_bytes} bytes`);
  await server.stop();
});

test('coedit: editors on one field converge with the server\'s text, at a rate and flat out', { skip: notBuilt, timeout: 180000 }, async () => {
  const redis = await startRedis();
  const server = await startServer({ redisUrl: redis.url, args: ['--meetings-per-ip-hour', '0', '--commands-per-second', '10000'] });
  for (const rate of ['100', '0']) {
    const out = await loadgen(['--url', server.baseUrl, '--scenario', 'coedit', '--clients', '4', '--rate', rate,
      '--seconds', '2', '--text-length', '40']);
    assert.equal(out.code, 0, out.stderr + out.stdout);
    const r = JSON.parse(out.stdout);
    assert.equal(r.error, undefined);
    assert.equal(r.converged, true, 'every editor and the server end with one text');
    assert.ok(r.final_length > 0);
    assert.equal(r.lost_deliveries, 0);
    assert.equal(r.duplicated_deliveries, 0);
    assert.equal(r.ops_committed, r.ops_sent, 'every op sent was committed');
    assert.ok(r.keystrokes >= r.ops_sent, 'an op carries one keystroke or more');
    // Each op is seen by the 3 other editors.
    assert.ok(r.seen_by_all_others_ms.p50 > 0 && r.seen_by_all_others_ms.p50 <= r.seen_by_all_others_ms.max);
    if (rate === '100') assert.equal(r.keystrokes, 200);
    else assert.ok(r.committed_ops_per_s > 100, `flat out: ${r.committed_ops_per_s} ops/s`);
  }
  // At the default limit of 20 commands/s a flat-out editor is refused, and the run says so.
  const limited = await startServer({ redisUrl: redis.url, args: ['--meetings-per-ip-hour', '0'] });
  const out = await loadgen(['--url', limited.baseUrl, '--scenario', 'coedit', '--clients', '2', '--rate', '0',
    '--seconds', '3']);
  assert.equal(out.code, 1, out.stdout);
  const r = JSON.parse(out.stdout);
  assert.match(r.error, /rate_limited/);
  await limited.stop();
  await server.stop();
});

test('a bad command line is refused with the reason and exit code 2; --help is not an error', { skip: notBuilt }, async () => {
  const help = await loadgen(['--help']);
  assert.equal(help.code, 0, help.stderr);
  assert.match(help.stdout, /--scenario commands\|vote-close\|coedit/);
  for (const [args, why] of [
    [['--scenario', 'vote-close', '--meetings', '2', '--clients', '10'], /one meeting/],
    [['--scenario', 'poll'], /--scenario is commands, vote-close or coedit/],
    [['--scenario', 'coedit', '--clients', '5', '--text-length', '0'], /--text-length/],
    [['--vote-results', 'sometimes'], /bad value for --vote-results/],
    [['--rounds'], /needs a value/],
  ]) {
    const out = await loadgen(args);
    assert.equal(out.code, 2, `${args}: ${out.stderr}`);
    assert.match(out.stderr, why);
    assert.equal(out.stdout, '');
  }
});
