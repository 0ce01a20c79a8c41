/**
 * The cluster bench end to end in a small scenario: `pushlab bench --instances 2` with no
 * backplane URL starts its own redis-server, two `pushlab serve` processes and nginx, spreads
 * the clients over them through nginx, and reports a run that lost nothing.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, expect, it } from 'vitest';
import { requireBinary } from '../bench/processes.ts';
import { NGINX_INSTALL_HINT } from '../bench/nginx.ts';
import { REDIS_INSTALL_HINT } from '../bench/redis-server.ts';

const BIN = fileURLToPath(new URL('../bin/pushlab.js', import.meta.url));
let out: string | undefined;

afterAll(async () => {
  if (out !== undefined) await rm(out, { recursive: true, force: true });
});

interface Run {
  transport: string;
  instances: number;
  backplane: string;
  proxied: boolean;
  messages: { expected: number; delivered: number; lost: number; duplicates: number; outOfOrder: number };
}

it('pushlab bench --instances 2 runs a cluster behind nginx and loses nothing', async () => {
  // A missing binary is an error naming the package, never a skip.
  requireBinary('redis-server', REDIS_INSTALL_HINT);
  requireBinary('nginx', NGINX_INSTALL_HINT);
  out = await mkdtemp(join(tmpdir(), 'pushlab-cluster-bench-'));
  const args = [BIN, 'bench', '--scenario', 'smoke', '--instances', '2', '--transports', 'websocket,long-polling', '--duration', '2s', '--warmup', '1s', '--no-capacity', '--out', out];
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr.on('data', (c: Buffer) => (output += c.toString()));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  expect(code, output).toBe(0);
  const [dir] = await readdir(out);
  if (dir === undefined) throw new Error(`no results directory\n${output}`);
  const results = JSON.parse(await readFile(join(out, dir, 'results.json'), 'utf8')) as { runs: Run[] };
  const runs = results.runs.filter((r) => r.transport === 'websocket' || r.transport === 'long-polling');
  expect(runs.length).toBeGreaterThanOrEqual(2);
  for (const run of runs) {
    expect(run.instances).toBe(2);
    expect(run.backplane).toBe('redis');
    expect(run.proxied).toBe(true);
    expect(run.messages.expected).toBeGreaterThan(0);
    expect(run.messages.lost, run.transport).toBe(0);
    expect(run.messages.delivered, run.transport).toBe(run.messages.expected);
    expect(run.messages.outOfOrder, run.transport).toBe(0);
  }
}, 240_000);
