/**
 * Where a server's heap goes per idle connection, measured as the bench does (heap after a
 * forced GC with the clients − the same before any, ÷ connections; bench/targets/gc-heap.ts)
 * but for one target and transport at several client counts, with an optional breakdown by
 * constructor from heap snapshots taken at each count (scripts/heap-snapshot-summary.ts).
 * The server runs in a child with `--expose-gc` (as the bench starts it); the clients (the
 * bench's lean ones by default, or the product's) all run idle in this process.
 *
 *   node --import tsx scripts/heap-per-connection.ts --transport websocket --clients 200,2000 [--target pushlab|baseline] [--clients-kind lean|product] [--snapshot] [--rows 30] [--settle-ms 1500] [--scrape-ms 0]
 *
 * Prints one line per count — `clients N: heap +X B per connection` — and, with --snapshot,
 * the growth per added connection between the first and the last count, by what holds it.
 * Heap after GC counts live objects only, so a busy machine barely moves it (unlike CPU).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { ChildProcess } from 'node:child_process';
import { createClient } from '../clients/index.ts';
import type { Transport } from '../protocol/types.ts';
import { leanSubscriber } from '../bench/harness/worker/lean-clients.ts';
import { LeanPool } from '../bench/harness/worker/lean-http.ts';
import { clockMs } from '../bench/measure/clock.ts';
import { heapAfterGc } from '../bench/targets/gc-heap.ts';
import { benchEnv, spawnServer } from '../bench/targets/spawn-server.ts';
import { perConnection, summarizeSnapshot, type Tally } from './heap-snapshot-summary.ts';

const TRANSPORTS: readonly Transport[] = ['websocket', 'long-polling', 'sse', 'short-polling'];
const HOOK = fileURLToPath(new URL('./heap-snapshot-hook.js', import.meta.url));
const BASELINES: Partial<Record<Transport, string>> = {
  websocket: fileURLToPath(new URL('../bench/targets/baselines/ws-broadcast.ts', import.meta.url)),
  'long-polling': fileURLToPath(new URL('../bench/targets/baselines/long-poll.ts', import.meta.url)),
};
/** The bench's idle defaults: a 20 s hold, a 2 s poll (bench/config/options.ts). */
const HOLD_MS = 20_000;
const POLL_INTERVAL_MS = 2000;
/** Clients connecting at once. */
const CONCURRENCY = 100;

const { values } = parseArgs({
  options: {
    transport: { type: 'string', default: 'websocket' },
    target: { type: 'string', default: 'pushlab' },
    clients: { type: 'string', default: '200,2000' },
    'clients-kind': { type: 'string', default: 'lean' },
    snapshot: { type: 'boolean', default: false },
    rows: { type: 'string', default: '30' },
    'settle-ms': { type: 'string', default: '1500' },
    'scrape-ms': { type: 'string', default: '0' },
    help: { type: 'boolean', default: false },
  },
});
if (values.help === true) {
  console.log('usage: node --import tsx scripts/heap-per-connection.ts --transport websocket|long-polling|sse|short-polling --clients 200,2000 [--target pushlab|baseline] [--clients-kind lean|product] [--snapshot] [--rows 30] [--settle-ms 1500] [--scrape-ms 0]');
  process.exit(0);
}
const transport = values.transport as Transport;
if (!TRANSPORTS.includes(transport)) throw new Error(`--transport: one of ${TRANSPORTS.join(', ')}`);
const baseline = values.target === 'baseline';
if (!baseline && values.target !== 'pushlab') throw new Error('--target: pushlab or baseline');
const script = baseline ? BASELINES[transport] : undefined;
if (baseline && script === undefined) throw new Error(`no bare baseline speaks ${transport} (websocket and long-polling have one)`);
const counts = values.clients.split(',').map(Number);
if (counts.some((n, i) => !Number.isInteger(n) || n < 1 || (i > 0 && n <= (counts[i - 1] as number)))) throw new Error('--clients: rising positive integers, e.g. 200,2000');
const kind = values['clients-kind'];
if (kind !== 'lean' && kind !== 'product') throw new Error('--clients-kind: lean or product');

let nextId = 0;
function snapshot(child: ChildProcess, path: string): Promise<string> {
  const id = ++nextId;
  return new Promise((resolve) => {
    const onMessage = (m: { type?: string; id?: number; path?: string }): void => {
      if (m?.type !== 'pushlab-heap-snapshot' || m.id !== id) return;
      child.off('message', onMessage);
      resolve(m.path ?? path);
    };
    child.on('message', onMessage);
    child.send({ type: 'pushlab-heap-snapshot', id, path });
  });
}

async function main(): Promise<void> {
  const env = { ...benchEnv(), NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --import ${HOOK}`.trim() };
  const args = baseline ? ['--hold-ms', String(HOLD_MS)] : ['--transports', transport, '--hold-ms', String(HOLD_MS), '--poll-interval-ms', String(POLL_INTERVAL_MS), '--history', '1000', '--no-demo', '--rate-limit', '0'];
  const server = await spawnServer({ args, gcHook: true, env, ...(script === undefined ? {} : { script }) });
  const dir = mkdtempSync(join(tmpdir(), 'pushlab-heap-'));
  const pool = new LeanPool();
  const closers: (() => void)[] = [];
  // --scrape-ms: read /metrics as the bench's sampler does (once a second), in case a scrape keeps something.
  const scrapeMs = Number(values['scrape-ms']);
  const scraper = scrapeMs > 0 ? setInterval(() => void fetch(`${server.url}/metrics`).then((r) => r.text(), () => ''), scrapeMs) : undefined;
  try {
    const before = await heapAfterGc(server.child);
    if (before === undefined) throw new Error('the server did not answer the GC request');
    const label = `${baseline ? `baseline ${transport}` : `pushlab ${transport}`} (${kind} clients)`;
    console.log(`${label}: heap after GC with no client ${before} B`);
    const tallies: { n: number; tally: Map<string, Tally> }[] = [];
    let connected = 0;
    for (const n of counts) {
      while (connected < n) {
        const batch: Promise<void>[] = [];
        for (; connected < n && batch.length < CONCURRENCY; connected++) batch.push(connect(server.url, connected, pool, closers));
        await Promise.all(batch);
      }
      // Let every long poll be held and every join settle before collecting.
      await new Promise((r) => setTimeout(r, Number(values['settle-ms'])));
      const after = await heapAfterGc(server.child, 30_000);
      if (after === undefined) throw new Error('the server did not answer the GC request');
      console.log(`clients ${n}: heap +${after - before} B, ${Math.round((after - before) / n)} B per connection`);
      if (values.snapshot === true) tallies.push({ n, tally: summarizeSnapshot(await snapshot(server.child, join(dir, `${n}.heapsnapshot`))) });
    }
    const first = tallies[0];
    const last = tallies.at(-1);
    if (first !== undefined && last !== undefined && last !== first) {
      const rows = perConnection(first.tally, last.tally, last.n - first.n);
      const total = rows.reduce((sum, r) => sum + r.bytes, 0);
      console.log(`\nshallow bytes per added connection, ${first.n} → ${last.n} clients (rows ≥ 4 B; sum of rows ${Math.round(total)} B):`);
      for (const r of rows.slice(0, Number(values.rows))) console.log(`${r.bytes.toFixed(0).padStart(6)} B  ${r.count.toFixed(2).padStart(5)}×  ${r.what}`);
    }
  } finally {
    clearInterval(scraper);
    for (const close of closers) close();
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** One idle client of the transport, joined to one room, as the bench's subscribers are. */
async function connect(baseUrl: string, i: number, pool: LeanPool, closers: (() => void)[]): Promise<void> {
  const nick = `sub${i}`;
  if (kind === 'lean') {
    const client = leanSubscriber(transport, { baseUrl, nick, room: 'room-0', run: 'heap', slot: i, pollIntervalMs: POLL_INTERVAL_MS, sink: { deliver: () => {} }, clock: clockMs }, pool);
    closers.push(() => client.close());
    await client.start();
    return;
  }
  const client = createClient(transport, { baseUrl, nick, pollIntervalMs: POLL_INTERVAL_MS });
  closers.push(() => void client.close());
  await client.connect();
  await client.join('room-0');
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
