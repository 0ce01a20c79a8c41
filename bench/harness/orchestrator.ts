/**
 * One run: a fresh server (or baseline) for one transport, load workers in separate
 * processes on the other core, a warm-up over which clients connect at random times, the
 * measured window, a drain, and the collection of everything into one RunResult.
 *
 * Timeline of a run (epoch ms on the shared clock):
 *   connectStart ── warm-up ──▶ windowStart ── window ──▶ windowEnd ── drain ──▶ collect
 *   senders start half-way through the warm-up (steady state before the window opens);
 *   only messages *scheduled* inside the window are counted; requests, bytes and CPU are
 *   the differences between the samples at the window's two edges.
 */
import type { Transport } from '../../protocol/types.ts';
import { clockMs, sleepMs } from '../measure/clock.ts';
import type { ProgressEvent } from './progress.ts';
import type { BenchOptions, RunResult } from '../../results/types.ts';
import { buildResult, failedStart, type RunIdentity } from './run-result.ts';
import { Sampler } from '../measure/sampler.ts';
import { LoadCoreSampler } from '../measure/load-cores.ts';
import { afterDrain } from './idle-phase.ts';
import { startTarget, type TargetHandle } from '../targets/targets.ts';
import { RestartableTarget, canRestart } from '../targets/restart.ts';
import { parseTopology } from '../config/topology.ts';
import { RunPath } from '../delay/run-path.ts';
import { clientHeaders } from './browser-headers.ts';
import { WorkerHandle, deliveries } from './worker-handle.ts';
import { runTimeline, subscriberWorkers, workerPlans } from './worker-plans.ts';
import type { WorkerResult } from './worker-protocol.ts';

export { SCHEDULE_LAG_LIMIT_MS, WORKER_CPU_LIMIT_PERCENT } from './run-result.ts';

/** Extra wait after the longest a delivery can take (a poll interval or a hold), ms. */
const DRAIN_SLACK_MS = 2000;
/** After the drain, when something is still missing: deliveries in this grace are counted late, not lost, ms. */
const LATE_GRACE_MS = 1000;

export interface RunSpec extends RunIdentity {
  cpus: { server?: string; load?: string };
  /** Phase, second and deliveries so far (bench/harness/run.ts adds the run index and the ETA). */
  onProgress: (event: Omit<ProgressEvent, 'stage'>) => void;
  /** Aborted on SIGINT/SIGTERM: the run stops at its next tick and throws RunInterrupted. */
  signal?: AbortSignal;
}

/** Thrown by runOne when its signal aborts: the run's numbers are incomplete and dropped. */
export class RunInterrupted extends Error {
  override name = 'RunInterrupted';
}

/** How often the window asks the workers for their deliveries so far (progress), ms. */
const PROGRESS_POLL_MS = 2000;

function drainBudgetMs(transport: Transport, options: BenchOptions): number {
  if (transport === 'short-polling') return options.pollIntervalMs + DRAIN_SLACK_MS;
  if (transport === 'long-polling') return options.holdMs + DRAIN_SLACK_MS;
  return DRAIN_SLACK_MS;
}

export async function runOne(spec: RunSpec): Promise<RunResult> {
  const { options, transport, target } = spec;
  const label = `${target}${spec.topology === undefined ? '' : ` (${spec.topology})`}${spec.sweepValue === undefined ? '' : ` [${options.sweep?.option ?? (options.mapClients === undefined ? 'phase' : 'cell')}=${spec.sweepValue}]`} #${spec.repetition}`;
  const interrupted = (): boolean => spec.signal?.aborted === true;
  spec.onProgress({ target: label, phase: 'starting', text: 'starting the server and the load workers' });
  // The load workers boot (tsx, ~1 s each) on the load cores while the server boots on its own
  // core: nothing in a worker needs the server until its plan, and the wait was ~1 s per run
  // (90 of them in the decision map).
  const nSub = subscriberWorkers(transport, options, target);
  const hasSenders = options.rate > 0 && options.senders > 0;
  const workers: WorkerHandle[] = [];
  for (let i = 0; i < nSub + (hasSenders ? 1 : 0); i++) workers.push(new WorkerHandle(i, spec.cpus.load));
  let server: TargetHandle;
  try {
    server = await startTarget(target, transport, options, spec.cpus.server, spec.topology === undefined ? undefined : parseTopology(spec.topology));
  } catch (error) {
    for (const w of workers) w.kill();
    // A missing binary, a port clash, a server that exits at once: this run failed, the bench goes on.
    if (interrupted()) throw new RunInterrupted(label);
    return failedStart(spec, (error as Error).message);
  }
  // --restart-server: the server is stopped and started again half-way through the window.
  const restartable = options.restartServer === true && canRestart(server, target) ? new RestartableTarget(server, transport, options, spec.cpus.server) : undefined;
  const errors: string[] = [];
  let sampler: Sampler | undefined;
  let loadCores: LoadCoreSampler | undefined;
  let path: RunPath | undefined;
  try {
    // --rtt/--jitter/--bandwidth: the load clients reach the server across the delay proxy (bench/delay/).
    const directUrls = server.proxied || server.instanceUrls.length <= 1 ? [server.url] : server.instanceUrls;
    path = await RunPath.start(options, directUrls, spec.cpus.load);
    // The server's heap after a forced GC with no client yet (bench/targets/gc-heap.ts): before the window, off its CPU.
    const heapAfterGc: { before?: number; after?: number } = {};
    const gcBefore = await server.heapAfterGc?.();
    if (gcBefore !== undefined) heapAfterGc.before = gcBefore;
    spec.onProgress({ target: label, phase: 'starting', text: `starting ${workers.length} load workers` });
    await Promise.all(workers.map((w) => w.ready));
    if (interrupted()) throw new RunInterrupted(label);

    const timeline = runTimeline(options);
    const { connectStart, windowStart, windowEnd } = timeline;
    const plans = workerPlans(target, transport, options, timeline, workers.length, nSub, path?.urls ?? directUrls, clientHeaders(options, path?.urls[0] ?? server.url));
    workers.forEach((w, i) => w.send({ type: 'plan', plan: plans[i] as (typeof plans)[number] }));

    sampler = new Sampler(server.instanceUrls, server.pids, windowStart, server.parts);
    sampler.start();
    loadCores = new LoadCoreSampler(spec.cpus.load);
    // The harness's own processes too: the load cores' busy time includes whatever else runs on them.
    loadCores.schedule(windowStart - clockMs(), windowEnd - clockMs(), () => [process.pid, ...workers.flatMap((w) => (w.child.pid === undefined ? [] : [w.child.pid]))]);
    path?.measureWindow(windowStart, windowEnd);

    const failure = (): string | undefined => (restartable ?? server).crashed() ?? workers.find((w) => w.died !== undefined)?.died;
    let so = { delivered: 0 };
    let askedAt = 0;
    while (clockMs() < windowEnd) {
      const now = clockMs();
      if (interrupted()) throw new RunInterrupted(label);
      const inWarmup = now < windowStart;
      if (now - askedAt >= PROGRESS_POLL_MS) {
        askedAt = now;
        so = await deliveries(workers, options, 1000);
      }
      spec.onProgress({
        target: label,
        phase: inWarmup ? 'warm-up' : 'window',
        second: Math.max(0, Math.floor((now - (inWarmup ? connectStart : windowStart)) / 1000)),
        seconds: Math.round((inWarmup ? options.warmupMs : options.durationMs) / 1000),
        delivered: so.delivered,
      });
      const why = failure();
      if (why !== undefined) throw new Error(why);
      if (restartable !== undefined && restartable.restarts === 0 && now >= windowStart + options.durationMs / 2) {
        spec.onProgress({ target: label, phase: 'window', text: 'restarting the server' });
        // The workers time each subscriber's outage from the SIGTERM.
        for (const w of workers) w.send({ type: 'restart', atMs: clockMs() });
        await restartable.restart();
      }
      await sleepMs(Math.max(0, Math.min(500, windowEnd - clockMs())));
    }

    // Drain: wait for the window's messages to arrive, up to the longest a delivery may take.
    const drainStart = clockMs();
    const deadline = windowEnd + drainBudgetMs(transport, options);
    let complete = false;
    while (clockMs() < deadline) {
      if (interrupted()) throw new RunInterrupted(label);
      const why = failure();
      if (why !== undefined) throw new Error(why);
      const d = await deliveries(workers, options, 2000);
      spec.onProgress({ target: label, phase: 'drain', second: Math.floor((clockMs() - drainStart) / 1000), seconds: Math.round((deadline - drainStart) / 1000), delivered: d.delivered, expected: d.expected });
      complete = d.done && d.inFlight === 0 && d.delivered >= d.expected;
      if (complete) break;
      await sleepMs(250);
    }
    // The drain is over: what is still out is unanswered; what arrives in the grace is late.
    for (const w of workers) w.send({ type: 'drained' });
    const idle = await afterDrain(complete, options, windowStart, sampler, LATE_GRACE_MS, interrupted, (second, seconds) => spec.onProgress({ target: label, phase: 'idle', second, seconds }));

    // …and again with every client still connected, after the idle phase: the GC never falls in a measured span.
    const gcAfter = heapAfterGc.before === undefined ? undefined : await server.heapAfterGc?.();
    if (gcAfter !== undefined) heapAfterGc.after = gcAfter;
    const answers = await Promise.all(workers.map((w) => w.ask({ type: 'finish' }, 'result', 10_000)));
    const results: WorkerResult[] = [];
    answers.forEach((a, i) => {
      if (a === undefined) errors.push(workers[i]?.died ?? `load worker ${i} sent no results`);
      else results.push(a.result);
    });
    const crashed = (restartable ?? server).crashed();
    if (crashed !== undefined) errors.push(crashed);
    // The window's closing sample is taken at windowEnd, but its scrape is still in flight when
    // the drain ends at once (WebSocket): wait for it before reading the samples.
    await sampler.settled(Math.round(options.durationMs / 1000), 3000);
    sampler.stop();
    const run = buildResult({ spec, server, workers: results, samples: sampler.samples, errors, ...(restartable === undefined ? {} : { restart: restartable }), loadCores: loadCores.result(), ...(idle === undefined ? {} : { idle }), heapAfterGc });
    if (path !== undefined) run.path = await path.cost();
    return run;
  } catch (error) {
    // Ctrl-C in a terminal signals the whole process group: a worker or server that died of it is the interruption, not a failure.
    if (error instanceof RunInterrupted || interrupted()) throw new RunInterrupted(label);
    errors.push((error as Error).message);
    sampler?.stop();
    return buildResult({ spec, server, workers: [], samples: sampler?.samples ?? [], errors, ...(restartable === undefined ? {} : { restart: restartable }) });
  } finally {
    sampler?.stop();
    loadCores?.stop();
    for (const w of workers) w.kill();
    await path?.stop().catch(() => {});
    await (restartable ?? server).stop().catch(() => {});
  }
}
