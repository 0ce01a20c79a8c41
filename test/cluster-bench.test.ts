/**
 * The cluster bench end to end in a small scenario: `pushlab bench --instances 2` with no
 * backplane URL runs every transport on the topology ladder — the plain single process, one
 * instance on its own redis-server (direct, then behind nginx), two instances behind nginx —
 * and every rung delivers everything, with the right instances/backplane/proxied, the CPU
 * split per part, and multiples of the single process in the summary.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, expect, it } from 'vitest';
import { requireBinary } from '../bench/targets/processes.ts';
import { NGINX_INSTALL_HINT } from '../bench/targets/nginx.ts';
import { REDIS_INSTALL_HINT } from '../bench/targets/redis-server.ts';

const BIN = fileURLToPath(new URL('../bin/pushlab.js', import.meta.url));
let out: string | undefined;

afterAll(async () => {
  if (out !== undefined) await rm(out, { recursive: true, force: true });
});

interface Run {
  target: string;
  transport: string;
  topology?: string;
  instances: number;
  backplane: string;
  proxied: boolean;
  messages: { expected: number; delivered: number; lost: number; duplicates: number; outOfOrder: number };
  server: { cpuSeconds: number };
  parts?: { part: string; processes: number; cpuSeconds: number }[];
}

interface Summary {
  target: string;
  topology?: string;
  topologyMultiple?: { p50: number; p99: number; cpuPer1k: number; reference: string };
}

/** The ladder of `--instances 2` and what each rung must be. */
const LADDER = [
  { topology: 'memory · 1 · direct', instances: 1, backplane: 'memory', proxied: false, parts: ['servers'] },
  { topology: 'redis · 1 · direct', instances: 1, backplane: 'redis', proxied: false, parts: ['servers', 'redis'] },
  { topology: 'redis · 1 · nginx', instances: 1, backplane: 'redis', proxied: true, parts: ['servers', 'redis', 'nginx'] },
  { topology: 'redis · 2 · nginx', instances: 2, backplane: 'redis', proxied: true, parts: ['servers', 'redis', 'nginx'] },
];

it('pushlab bench --instances 2 runs the topology ladder up to a cluster behind nginx and loses nothing', async () => {
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
  const [dir] = await readdir(out);
  if (dir === undefined) throw new Error(`no results directory\n${output}`);
  const results = JSON.parse(await readFile(join(out, dir, 'results.json'), 'utf8')) as { runs: Run[]; summary: Summary[]; options: { topologies?: string[] }; thresholds?: { ok: boolean; metric: string }[] };
  // 0, or 99 when only the load-bound gate failed (a busy machine: the harness, not the cluster).
  expect([0, 99], output).toContain(code);
  if (code === 99) expect(results.thresholds?.filter((t) => !t.ok).every((t) => t.metric === 'workers.loadBound'), output).toBe(true);
  expect(results.options.topologies).toEqual(LADDER.map((r) => r.topology));
  for (const transport of ['websocket', 'long-polling']) {
    for (const rung of LADDER) {
      const name = `${transport} [${rung.topology}]`;
      const matching = results.runs.filter((r) => r.target === transport && r.topology === rung.topology);
      expect(matching.length, name).toBe(1);
      const run = matching[0] as Run;
      expect(run.instances, name).toBe(rung.instances);
      expect(run.backplane, name).toBe(rung.backplane);
      expect(run.proxied, name).toBe(rung.proxied);
      expect(run.messages.expected, name).toBeGreaterThan(0);
      expect(run.messages.lost, name).toBe(0);
      expect(run.messages.delivered, name).toBe(run.messages.expected);
      expect(run.messages.outOfOrder, name).toBe(0);
      // CPU of the setup = the sum of its parts: the instances, redis-server, nginx (with its workers).
      expect(run.parts?.map((p) => p.part), name).toEqual(rung.parts);
      const instances = run.parts?.find((p) => p.part === 'servers');
      expect(instances?.processes, name).toBe(rung.instances);
      const nginx = run.parts?.find((p) => p.part === 'nginx');
      if (nginx !== undefined) expect(nginx.processes, `${name}: nginx master + worker`).toBeGreaterThanOrEqual(2);
      const sum = (run.parts ?? []).reduce((n, p) => n + p.cpuSeconds, 0);
      expect(Math.abs(sum - run.server.cpuSeconds), name).toBeLessThan(0.01);
      const summary = results.summary.find((s) => s.target === transport && s.topology === rung.topology);
      expect(summary, name).toBeDefined();
      if (rung.backplane === 'memory') expect(summary?.topologyMultiple, name).toBeUndefined();
      else expect(summary?.topologyMultiple?.reference, name).toBe('memory · 1 · direct');
    }
  }
  const html = await readFile(join(out, dir, 'index.html'), 'utf8');
  expect(html).toContain('>Scale-out</h2>');
}, 300_000);
