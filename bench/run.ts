/**
 * The bench as an API: `runBench(options, { onProgress })` → BenchResults. The CLI is a thin
 * shell over it. Order: floors, capacity, then every run — for each sweep value, for each
 * repetition, every target in turn (interleaved, so a drift of the machine hits all alike).
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import type { Transport } from '../protocol/types.ts';
import { measureCapacity } from './capacity.ts';
import { measureFloors } from './floor.ts';
import { sseVersusWebSocket } from './model.ts';
import { SCHEDULE_LAG_LIMIT_MS, runOne } from './orchestrator.ts';
import { applySweep } from './options.ts';
import { peerTargets } from './peers/peers.ts';
import { SCHEMA_VERSION, type BenchOptions, type BenchResults, type CapacityResult, type Environment, type FloorResult, type RunResult, type RunTarget } from './results.ts';
import { hasTaskset } from './spawn-server.ts';
import { summarizeRuns } from './summary.ts';
import { topologiesOf } from './topology.ts';

export interface RunBenchHooks {
  onProgress?: (text: string) => void;
}

/** Server on CPU 0, load (workers, floors' clients, autocannon, this process) on the rest. */
export function cpuPlan(): { server?: string; load?: string } {
  const cores = os.availableParallelism();
  if (!hasTaskset() || cores < 2) return {};
  return { server: '0', load: cores === 2 ? '1' : `1-${cores - 1}` };
}

function git(args: string[]): string {
  const r = spawnSync('git', args, { encoding: 'utf8', cwd: new URL('..', import.meta.url).pathname });
  return r.status === 0 ? r.stdout.trim() : 'unknown';
}

function environment(startedAt: Date): Environment {
  const cpus = os.cpus();
  const dirty = git(['status', '--porcelain']) !== '' ? '+dirty' : '';
  return {
    node: process.version,
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    cpuModel: cpus[0]?.model ?? 'unknown',
    // Not availableParallelism(): by now this process is pinned to the load cores (cpuPlan).
    cores: os.cpus().length,
    memoryBytes: os.totalmem(),
    commit: `${git(['rev-parse', 'HEAD'])}${dirty}`,
    hostname: os.hostname(),
    startedAt: startedAt.toISOString(),
    finishedAt: '',
    taskset: hasTaskset(),
  };
}

function version(): string {
  try {
    return (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;
  } catch {
    return '0.0.0';
  }
}

export function targetsOf(options: BenchOptions): { target: RunTarget; transport: Transport }[] {
  const list: { target: RunTarget; transport: Transport }[] = options.transports.map((t) => ({ target: t, transport: t }));
  if (options.baselines) {
    if (options.transports.includes('websocket')) list.push({ target: 'baseline-ws', transport: 'websocket' });
    if (options.transports.includes('long-polling')) list.push({ target: 'baseline-long-polling', transport: 'long-polling' });
  }
  list.push(...peerTargets(options.peers, options.transports));
  return list;
}

export function warningsFor(runs: readonly RunResult[], capacity: readonly CapacityResult[]): string[] {
  const warnings: string[] = [];
  for (const r of runs) {
    const name = `${r.target}${r.topology === undefined ? '' : ` [${r.topology}]`}${r.sweepValue === undefined ? '' : ` (${String(r.sweepValue)})`} #${r.repetition}`;
    if (r.error !== undefined) warnings.push(`${name}: FAILED — ${r.error}`);
    if (r.messages.lost > 0) warnings.push(`${name}: ${r.messages.lost} of ${r.messages.expected} expected deliveries lost`);
    if (r.messages.duplicates > 0) warnings.push(`${name}: ${r.messages.duplicates} duplicate deliveries`);
    if (r.messages.outOfOrder > 0) warnings.push(`${name}: ${r.messages.outOfOrder} deliveries out of order`);
    if ((r.messages.sendErrors ?? 0) > 0) warnings.push(`${name}: ${r.messages.sendErrors} publishes failed`);
    if (r.workers.loadBound) warnings.push(`${name}: LOAD-BOUND (the numbers measure the harness, not the server): ${r.workers.reasons.join('; ')}`);
    for (const m of r.model) {
      if (m.flagged) warnings.push(`${name}: ${m.metric} ${m.measured} ${m.unit} vs model ${m.predicted} ${m.unit} (×${m.ratio}, tolerance ${m.tolerance * 100}%) — ${m.note}`);
    }
    const scrapeGap = r.requests.serverCounted > 0 && Math.abs(r.requests.serverCounted - r.requests.total) / r.requests.serverCounted > 0.05;
    if (scrapeGap) warnings.push(`${name}: clients counted ${r.requests.total} requests, the server ${r.requests.serverCounted} (window edges are sampled a few ms apart)`);
  }
  for (const c of capacity) if (c.errors > 0 || c.non2xx > 0) warnings.push(`capacity ${c.endpoint}: ${c.errors} errors, ${c.non2xx} non-2xx answers`);
  warnings.push(...sseVersusWebSocket(runs));
  return warnings;
}

/** A run failed: a crash, a dead worker, or senders behind schedule (the harness, not the server). */
export function runFailed(run: RunResult): boolean {
  return run.error !== undefined || (run.workers.scheduleLagP99Ms ?? 0) > SCHEDULE_LAG_LIMIT_MS;
}

export async function runBench(options: BenchOptions, hooks: RunBenchHooks = {}): Promise<BenchResults> {
  const onProgress = hooks.onProgress ?? (() => {});
  const startedAt = new Date();
  const cpus = cpuPlan();
  // This process runs floor clients and autocannon: keep it off the server's core.
  if (cpus.load !== undefined) spawnSync('taskset', ['-pc', cpus.load, String(process.pid)], { stdio: 'ignore' });

  onProgress('floor: loopback round trips');
  let floors: FloorResult[] = [];
  const warnings: string[] = [];
  try {
    floors = await measureFloors(cpus.server);
  } catch (error) {
    warnings.push(`floor measurement failed: ${(error as Error).message}`);
  }

  let capacity: CapacityResult[] = [];
  // Capacity probes one plain server (its own), whatever the topologies: it runs once.
  if (options.capacity) {
    try {
      capacity = await measureCapacity(options, cpus.server, onProgress);
    } catch (error) {
      warnings.push(`capacity measurement failed: ${(error as Error).message}`);
    }
  }

  const steps: (number | string | undefined)[] = options.sweep === undefined ? [undefined] : options.sweep.values;
  const plan: { options: BenchOptions; sweepValue?: number | string; repetition: number; target: RunTarget; transport: Transport; topology?: string }[] = [];
  // Scale-out: each transport runs every topology rung in turn; baselines run once.
  const topologies = topologiesOf(options);
  for (const value of steps) {
    const stepOptions = value === undefined ? options : applySweep(options, value);
    for (let repetition = 1; repetition <= options.repeat; repetition++) {
      for (const t of targetsOf(stepOptions)) {
        const step = { options: stepOptions, repetition, ...t, ...(value === undefined ? {} : { sweepValue: value }) };
        if (topologies === undefined || t.target !== t.transport) plan.push(step);
        else for (const topology of topologies) plan.push({ ...step, topology });
      }
    }
  }
  const runs: RunResult[] = [];
  for (const [i, step] of plan.entries()) {
    runs.push(await runOne({ ...step, cpus, onProgress: (text) => onProgress(`run ${i + 1}/${plan.length} ${text}`) }));
  }

  const env = environment(startedAt);
  env.finishedAt = new Date().toISOString();
  return {
    schemaVersion: SCHEMA_VERSION,
    tool: { name: 'pushlab', version: version() },
    environment: env,
    options,
    floors,
    runs,
    summary: summarizeRuns(runs, floors),
    capacity,
    warnings: [...warnings, ...warningsFor(runs, capacity)],
    ok: !runs.some(runFailed),
  };
}
