/**
 * The bench as an API: `runBench(options, { onProgress })` → BenchResults. The CLI is a thin
 * shell over it. Order: floors, capacity, then every run — for each sweep value, for each
 * repetition, every target in turn (interleaved, so a drift of the machine hits all alike).
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import type { Transport } from '../../protocol/types.ts';
import { measureCapacity } from './capacity.ts';
import { measureFloors } from '../targets/floor.ts';
import { idleSeconds } from './idle-phase.ts';
import { sseVersusWebSocket } from '../measure/model.ts';
import { RunInterrupted, SCHEDULE_LAG_LIMIT_MS, runOne } from './orchestrator.ts';
import { applySweep } from '../config/options.ts';
import { peerTargets } from '../peers/peers.ts';
import { applyPhase, phaseLabel } from '../config/phases.ts';
import type { ProgressEvent } from './progress.ts';
import { SCHEMA_VERSION, type BenchOptions, type BenchResults, type CapacityResult, type Environment, type FloorResult, type Interruption, type RunResult, type RunTarget } from '../../results/types.ts';
import { evaluateThresholds, thresholdsFor } from '../config/thresholds.ts';
import { hasTaskset } from '../targets/spawn-server.ts';
import { cpuPlan } from './cpu-plan.ts';
import { headroomWarning } from '../measure/headroom.ts';
import { nullTarget } from '../targets/null-targets.ts';
import { summarizeRuns } from '../measure/summary.ts';
import { seededRandom } from '../measure/schedule.ts';
import { topologiesOf } from '../config/topology.ts';
import { calibratePaths } from '../delay/calibrate-bench.ts';
import { calibrationWarnings, pathOf } from '../delay/path.ts';
import { isMap, mapRunOptions, mapSteps } from '../config/map-grid.ts';
import { fitModels } from '../../model/fit.ts';
import { estimateSloMs, searchSlo } from '../slo/run-slo.ts';

/** Where the server and the load run (bench/harness/cpu-plan.ts); re-exported for the CLI. */
export { cpuPlan };

export interface RunBenchHooks {
  onProgress?: (event: ProgressEvent) => void;
  /** Each run as it completes (the CLI prints a line per run). */
  onRun?: (run: RunResult, index: number, of: number) => void;
  /** Aborted on SIGINT/SIGTERM: the current run stops, the results hold the runs completed. */
  signal?: AbortSignal;
  /** Which signal aborted it, for the results (default SIGINT). */
  signalName?: () => Interruption['signal'];
}

/** Rough wall time of one run, ms: start, warm-up, window, a typical drain, idle phase, teardown (for the ETA). */
export function estimateRunMs(options: BenchOptions, transport: Transport): number {
  const drain = transport === 'short-polling' ? options.pollIntervalMs : 1000;
  // + the idle phase after the drain (fixed cost, bench/harness/idle-phase.ts).
  return 2500 + options.warmupMs + options.durationMs + drain + 1000 + idleSeconds(options) * 1000;
}

function git(args: string[]): string {
  const r = spawnSync('git', args, { encoding: 'utf8', cwd: new URL('../..', import.meta.url).pathname });
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
    return (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
  } catch {
    return '0.0.0';
  }
}

export function targetsOf(options: BenchOptions): { target: RunTarget; transport: Transport }[] {
  const list: { target: RunTarget; transport: Transport }[] = options.transports.map((t) => ({ target: t, transport: t }));
  // An external --target is the user's server alone: no baselines or peers started beside it.
  // Under --tls neither: they have no TLS of their own (a warning says so: tlsLeftOut).
  if (options.target !== undefined || options.tls === true) return list;
  if (options.baselines) {
    if (options.transports.includes('websocket')) list.push({ target: 'baseline-ws', transport: 'websocket' });
    if (options.transports.includes('long-polling')) list.push({ target: 'baseline-long-polling', transport: 'long-polling' });
  }
  list.push(...peerTargets(options.peers, options.transports));
  // --null-run: the same workload against a server that only writes pre-built frames.
  if (options.nullRun === true) list.push(...options.transports.map((t) => ({ target: nullTarget(t), transport: t })));
  return list;
}

export function warningsFor(runs: readonly RunResult[], capacity: readonly CapacityResult[]): string[] {
  const warnings: string[] = [];
  for (const r of runs) {
    const name = `${r.target}${r.topology === undefined ? '' : ` [${r.topology}]`}${r.sweepValue === undefined ? '' : ` (${String(r.sweepValue)})`} #${r.repetition}`;
    if (r.error !== undefined) warnings.push(`${name}: FAILED — ${r.error}`);
    if (r.messages.lost > 0) warnings.push(`${name}: ${r.messages.lost} of ${r.messages.expected} expected deliveries lost`);
    if ((r.messages.unanswered ?? 0) > 0) warnings.push(`${name}: ${r.messages.unanswered} of ${r.messages.scheduled ?? '?'} scheduled publishes unanswered when the drain ended`);
    if ((r.messages.late ?? 0) > 0) warnings.push(`${name}: ${r.messages.late} deliveries late (after the drain ended)`);
    if ((r.messages.negativeLatency ?? 0) > 0) warnings.push(`${name}: ${r.messages.negativeLatency} deliveries stamped before they were sent (clock error)`);
    if (r.messages.duplicates > 0) warnings.push(`${name}: ${r.messages.duplicates} duplicate deliveries`);
    if (r.messages.outOfOrder > 0) warnings.push(`${name}: ${r.messages.outOfOrder} deliveries out of order`);
    if ((r.messages.sendErrors ?? 0) > 0) warnings.push(`${name}: ${r.messages.sendErrors} publishes failed`);
    const headroom = headroomWarning(name, r);
    if (headroom !== undefined) warnings.push(headroom);
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

/** An external target's long-poll hold, from its /config (undefined when it does not say). */
async function targetHoldMs(url: string): Promise<number | undefined> {
  try {
    const config = (await (await fetch(`${url}/config`, { signal: AbortSignal.timeout(5000) })).json()) as { holdMs?: unknown };
    return typeof config.holdMs === 'number' ? config.holdMs : undefined;
  } catch {
    return undefined;
  }
}

/** Fisher–Yates with the bench's seeded PRNG: `--seed` reproduces the order. */
export function shuffled<T>(items: readonly T[], seed: number): T[] {
  const out = [...items];
  const rnd = seededRandom(seed);
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

type PlanStep = { options: BenchOptions; sweepValue?: number | string; repetition: number; target: RunTarget; transport: Transport; topology?: string };

/** Every run of the bench in order: per sweep value (or phase), per repetition, every target (and topology rung). */
export function planRuns(options: BenchOptions): PlanStep[] {
  const map = isMap(options);
  const steps: { options: BenchOptions; value?: number | string }[] = map
    ? mapSteps(options).map((step) => ({ options: step.options, value: step.cell.id }))
    : options.phases !== undefined
      ? options.phases.map((phase, i) => ({ options: applyPhase(options, phase), value: phaseLabel(phase, i) }))
      : options.sweep === undefined
        ? [{ options }]
        : options.sweep.values.map((value) => ({ options: applySweep(options, value), value }));
  const plan: PlanStep[] = [];
  // Scale-out: each transport runs every topology rung in turn; baselines run once.
  const topologies = topologiesOf(options);
  for (const { options: stepOptions, value } of steps) {
    for (let repetition = 1; repetition <= options.repeat; repetition++) {
      // With repetitions, each one runs the targets in its own seeded random order, so a drift
      // of the machine (or a target's after-effects on the next) does not always hit the same one.
      // The map's grid measures the transports (and peers or null runs when asked); the bare
      // baselines are measured by its SLO capacity search, where "pushlab sustains X% of bare ws"
      // is made: on all 12 cells they would cost a third of the 15-minute budget.
      const targets = targetsOf(map ? { ...stepOptions, baselines: false } : stepOptions);
      for (const t of options.repeat > 1 ? shuffled(targets, options.seed * 1000 + repetition) : targets) {
        // The map rounds a polling transport's window up to whole cycles (bench/config/map-grid.ts).
        const step = { options: map ? mapRunOptions(stepOptions, t.transport) : stepOptions, repetition, ...t, ...(value === undefined ? {} : { sweepValue: value }) };
        if (topologies === undefined || t.target !== t.transport) plan.push(step);
        else for (const topology of topologies) plan.push({ ...step, topology });
      }
    }
  }
  return plan;
}

export async function runBench(options: BenchOptions, hooks: RunBenchHooks = {}): Promise<BenchResults> {
  const emit = hooks.onProgress ?? (() => {});
  const startedAt = new Date();
  const cpus = cpuPlan();
  const plan = planRuns(options);
  const estimates = plan.map((step) => estimateRunMs(step.options, step.transport));
  // autocannon probes plain HTTP: under --tls the capacity probe is skipped (docs/network.md).
  const capacityMs = options.capacity && options.target === undefined && options.tls !== true ? 3 * (options.capacityDurationMs ?? 3000) + 3000 : 0;
  // --slo-search runs after the runs: every ETA includes it.
  const sloMs = estimateSloMs(options, targetsOf(options), estimateRunMs);
  const restAfter = (i: number): number => estimates.slice(i).reduce((a, b) => a + b, 0) + sloMs;
  const aborted = (): boolean => hooks.signal?.aborted === true;
  // This process runs floor clients and autocannon: keep it off the server's core.
  if (cpus.load !== undefined) spawnSync('taskset', ['-pc', cpus.load, String(process.pid)], { stdio: 'ignore' });

  emit({ stage: 'floor', text: 'loopback round trips', etaMs: restAfter(0) + capacityMs + 3000 });
  let floors: FloorResult[] = [];
  const warnings: string[] = [];
  try {
    floors = await measureFloors(cpus.server, pathOf(options), cpus.load);
  } catch (error) {
    warnings.push(`floor measurement failed: ${(error as Error).message}`);
  }

  let capacity: CapacityResult[] = [];
  // Capacity probes one plain server (its own), whatever the topologies: it runs once. Never
  // against an external --target: hammering someone's deployment is not asked for.
  if (capacityMs > 0 && !aborted()) {
    const capacityStart = Date.now();
    try {
      capacity = await measureCapacity(options, cpus.server, (text) => emit({ stage: 'capacity', text, etaMs: restAfter(0) + Math.max(0, capacityMs - (Date.now() - capacityStart)) }), cpus.load);
    } catch (error) {
      warnings.push(`capacity measurement failed: ${(error as Error).message}`);
    }
  }

  if (options.target !== undefined) {
    const hold = await targetHoldMs(options.target);
    // The model checks and the long-poll drain assume --hold-ms; an external server has its own.
    if (hold !== undefined && hold !== options.holdMs) warnings.push(`the target holds long polls ${hold} ms, the bench assumed --hold-ms ${options.holdMs}: long-polling's drain and model use the latter (pass --hold-ms ${hold})`);
  }

  // The emulated path of each step, calibrated by the floors before any run relies on it.
  // Each is checked less the same floor straight on loopback (the endpoints' time is not the path's).
  const anyPath = plan.some((step) => pathOf(step.options) !== undefined);
  const loopback = !anyPath || aborted() ? [] : pathOf(options) === undefined ? floors : await measureFloors(cpus.server, undefined, cpus.load).catch(() => []);
  const calibrations = aborted() || !anyPath ? [] : await calibratePaths(plan, { spec: pathOf(options), floors, loopback }, (spec) => measureFloors(cpus.server, spec, cpus.load));
  warnings.push(...calibrationWarnings(calibrations));

  if (options.tls === true && (options.baselines || (options.peers ?? []).length > 0)) warnings.push('--tls: the bare baselines and the Socket.IO peers have no TLS of their own and were left out');

  const runs: RunResult[] = [];
  let interruption: Interruption | undefined;
  for (const [i, step] of plan.entries()) {
    if (aborted()) {
      interruption = { signal: hooks.signalName?.() ?? 'SIGINT', runsCompleted: runs.length, runsPlanned: plan.length };
      break;
    }
    const runStart = Date.now();
    const onProgress = (e: Omit<ProgressEvent, 'stage'>): void =>
      emit({ ...e, stage: 'run', run: i + 1, runs: plan.length, etaMs: Math.max(0, (estimates[i] ?? 0) - (Date.now() - runStart)) + restAfter(i + 1) });
    try {
      const run = await runOne({ ...step, cpus, onProgress, ...(hooks.signal === undefined ? {} : { signal: hooks.signal }) });
      runs.push(run);
      hooks.onRun?.(run, i + 1, plan.length);
    } catch (error) {
      if (!(error instanceof RunInterrupted)) throw error;
      interruption = { signal: hooks.signalName?.() ?? 'SIGINT', runsCompleted: runs.length, runsPlanned: plan.length, during: error.message };
      break;
    }
  }
  if (interruption === undefined && aborted()) interruption = { signal: hooks.signalName?.() ?? 'SIGINT', runsCompleted: runs.length, runsPlanned: plan.length };

  // --slo-search: after every run, short runs of their own (bench/slo/), kept out of runs[].
  let slo: BenchResults['slo'];
  if (options.sloSearch === true && interruption === undefined) {
    const found = await searchSlo(options, targetsOf(options), { cpus, emit, estimateMs: estimateRunMs, ...(hooks.signal === undefined ? {} : { signal: hooks.signal }) });
    slo = found.slo;
    if (found.interruptedDuring !== undefined || aborted()) {
      interruption = { signal: hooks.signalName?.() ?? 'SIGINT', runsCompleted: runs.length, runsPlanned: plan.length, ...(found.interruptedDuring === undefined ? {} : { during: found.interruptedDuring }) };
    }
  }

  const env = environment(startedAt);
  env.finishedAt = new Date().toISOString();
  const results: BenchResults = {
    schemaVersion: SCHEMA_VERSION,
    tool: { name: 'pushlab', version: version() },
    environment: env,
    options,
    floors,
    runs,
    summary: summarizeRuns(runs, floors),
    capacity,
    warnings: [...warnings, ...warningsFor(runs, capacity)],
    ok: !runs.some(runFailed) && calibrations.every((c) => c.ok),
    ...(calibrations.length === 0 ? {} : { path: calibrations }),
    ...(slo === undefined ? {} : { slo }),
  };
  // The decision map: its grid and the cost model fitted per target from its cells (model/).
  if (isMap(options)) results.map = { cells: mapSteps(options).map((step) => step.cell), models: fitModels(runs, options) };
  if (interruption !== undefined) {
    results.partial = true;
    results.interruption = interruption;
    results.warnings.unshift(`PARTIAL: interrupted by ${interruption.signal} after ${interruption.runsCompleted} of ${interruption.runsPlanned} runs${interruption.during === undefined ? '' : ` (during ${interruption.during}, whose numbers are dropped)`}`);
  }
  results.thresholds = evaluateThresholds(results, thresholdsFor(options.thresholds, options.defaultThresholds ?? true, { loss: options.allowLoss === true, loadBound: options.allowLoadBound === true }));
  return results;
}
