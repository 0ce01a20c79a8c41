/**
 * Late joins end to end: with no warm-up every subscriber joins after the window opened, so
 * the messages sent before each join cannot reach it. The bench must set them apart
 * (`messages.beforeJoin`), lose nothing, and flag the run load-bound with the reason — the
 * check made to fire on purpose (bench/measure/late-joins.ts).
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, expect, it } from 'vitest';

const BIN = fileURLToPath(new URL('../bin/pushlab.js', import.meta.url));
let dir: string | undefined;
afterAll(async () => {
  if (dir !== undefined) await rm(dir, { recursive: true, force: true });
});

interface Run {
  target: string;
  messages: { expected: number; beforeJoin?: number; delivered: number; lost: number };
  workers: { loadBound: boolean; reasons: string[]; lateJoins?: number; lateJoinMaxMs?: number };
}

it('subscribers that join after the window opened: their earlier messages are not counted lost, and the run is load-bound', async () => {
  dir = await mkdtemp(join(tmpdir(), 'pushlab-late-join-'));
  const args = [BIN, 'bench', '--scenario', 'smoke', '--no-capacity', '--warmup', '0', '--duration', '2s', '--transports', 'long-polling,websocket', '--clients', '6', '--rooms', '1', '--senders', '1', '--rate', '50', '--quiet', '--out', dir];
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr.on('data', (c: Buffer) => (output += c.toString()));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  const [folder] = await readdir(dir);
  if (folder === undefined) throw new Error(`no results\n${output}`);
  const results = JSON.parse(await readFile(join(dir, folder, 'results.json'), 'utf8')) as { runs: Run[]; thresholds: { ok: boolean; metric: string }[] };
  // Only the load-bound gate fails: nothing was lost.
  expect(code, output).toBe(99);
  expect(results.thresholds.filter((t) => !t.ok).map((t) => t.metric), output).toEqual(['workers.loadBound', 'workers.loadBound']);
  for (const run of results.runs) {
    expect(run.workers.lateJoins, run.target).toBe(6);
    expect(run.workers.lateJoinMaxMs, run.target).toBeGreaterThan(0);
    expect(run.workers.reasons.join(' '), run.target).toMatch(/6 of 6 subscribers joined only after the window opened/);
    expect(run.messages.lost, run.target).toBe(0);
    expect(run.messages.delivered, run.target).toBe(run.messages.expected);
    expect(run.messages.expected + (run.messages.beforeJoin ?? 0), run.target).toBe(6 * 100);
  }
  // Messages due before a subscriber joined and never received are set apart, not lost. How many
  // depends on whether the sender's first publishes reach the server before the joins do (a
  // raw-socket WebSocket subscriber joins within a millisecond or two), so per run only the sum
  // above is exact; across the runs some were set apart — the long-poll joins take longer.
  expect(results.runs.reduce((n, r) => n + (r.messages.beforeJoin ?? 0), 0), output).toBeGreaterThan(0);
  expect(output).toContain('joined only after the window opened');
}, 120_000);
