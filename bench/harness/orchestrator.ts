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
import { fork, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import type { Transport } from '../../protocol/types.ts';
import { subscribersPerRoom } from '../measure/accounting.ts';
import { clockMs, sleepMs } from '../measure/clock.ts';
import { isPeerTarget, peerOf } from '../peers/peers.ts';
import type { ProgressEvent } from './progress.ts';
import type { BenchOptions, RunResult, RunTarget } from '../../results/types.ts';
import { buildResult, failedStart } from './run-result.ts';
import { Sampler } from '../measure/sampler.ts';
import { LoadCoreSampler } from '../measure/load-cores.ts';
import { afterDrain } from './idle-phase.ts';
import { connectTimes } from '../measure/schedule.ts';
import { startTarget, type TargetHandle } from '../targets/targets.ts';
import { RestartableTarget, canRestart } from '../targets/restart.ts';
import { parseTopology } from '../config/topology.ts';
import { RunPath } from '../delay/run-path.ts';
import { clientHeaders } from './browser-headers.ts';
import type { FromWorker, ToWorker, WorkerPlan, WorkerResult } from './worker-protocol.ts';

export { SCHEDULE_LAG_LIMIT_MS, WORKER_CPU_LIMIT_PERCENT } from './run-result.ts';

const WORKER = fileURLToPath(new URL('./worker/worker.ts', import.meta.url));
const TSX_LOADER = import.meta.resolve('tsx');

/** Extra wait after the longest a delivery can take (a poll interval or a hold), ms. */
const DRAIN_SLACK_MS = 2000;
/** After the drain, when something is still missing: deliveries in this grace are counted late, not lost, ms. */
const LATE_GRACE_MS = 1000;
/** Worker sizing: idle WebSockets are cheap; anything that polls or receives costs more. */
const IDLE_WS_PER_WORKER = 2500;
/** PUSHLAB_SUBSCRIBERS_PER_WORKER (e.g. 250) checks that sharing a worker's loop does not move the figures. */
const CLIENTS_PER_WORKER = Number.parseInt(process.env.PUSHLAB_SUBSCRIBERS_PER_WORKER ?? '', 10) > 0 ? Number.parseInt(process.env.PUSHLAB_SUBSCRIBERS_PER_WORKER ?? '', 10) : 500;
const DELIVERIES_PER_WORKER = 5000;
const MAX_SUBSCRIBER_WORKERS = 4;

export interface RunSpec {
  target: RunTarget;
  transport: Transport;
  repetition: number;
  sweepValue?: number | string;
  /** Scale-out benches: the topology rung, e.g. `redis · 2 · nginx` (bench/config/topology.ts). */
  topology?: string;
  options: BenchOptions;
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
/** Deliveries so far over all workers; `expected` from what was sent (rooms share the schedule equally). */
async function deliveries(workers: readonly Worker[], options: BenchOptions, timeoutMs: number): Promise<{ delivered: number; expected: number; inFlight: number; done: boolean }> {
  const progress = await Promise.all(workers.map((w) => w.ask({ type: 'progress' }, 'progress', timeoutMs)));
  let delivered = 0;
  let sent = 0;
  let inFlight = 0;
  let done = true;
  for (const p of progress) {
    if (p === undefined) continue;
    delivered += p.delivered;
    sent += p.sent;
    inFlight += p.inFlight;
    done &&= p.done;
  }
  // sent × subscribers per room: rooms get equal shares of the schedule (k mod rooms).
  const expected = Math.round(subscribersPerRoom(options.clients, options.rooms).reduce((sum, subs) => sum + (sent / options.rooms) * subs, 0));
  return { delivered, expected, inFlight, done };
}

class Worker {
  readonly child: ChildProcess;
  readonly ready: Promise<void>;
  died: string | undefined;
  stderr = '';
  #waiters = new Map<string, (m: FromWorker) => void>();

  constructor(id: number, cpus: string | undefined) {
    this.child = fork(WORKER, [], { execArgv: ['--import', TSX_LOADER], stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
    this.child.stderr?.on('data', (c: Buffer) => {
      this.stderr = (this.stderr + c.toString()).slice(-4000);
    });
    if (cpus !== undefined && this.child.pid !== undefined) spawnSync('taskset', ['-pc', cpus, String(this.child.pid)], { stdio: 'ignore' });
    this.ready = new Promise((resolve, reject) => {
      this.#waiters.set('ready', () => resolve());
      this.child.once('exit', (code, signal) => {
        this.died ??= `load worker ${id} exited (${String(code ?? signal)}) ${this.stderr.trim().split('\n').slice(-3).join(' | ')}`;
        reject(new Error(this.died));
        for (const w of this.#waiters.values()) w({ type: 'fatal', error: this.died });
        this.#waiters.clear();
      });
    });
    this.ready.catch(() => {});
    this.child.on('message', (m: FromWorker) => {
      if (m.type === 'fatal') {
        // Every pending question gets the failure as its answer.
        this.died ??= `load worker ${id} failed: ${m.error}`;
        const waiters = [...this.#waiters.values()];
        this.#waiters.clear();
        for (const w of waiters) w(m);
        return;
      }
      const waiter = this.#waiters.get(m.type);
      if (waiter !== undefined) {
        this.#waiters.delete(m.type);
        waiter(m);
      }
    });
  }

  send(message: ToWorker): void {
    if (this.child.connected) this.child.send(message);
  }

  ask<T extends FromWorker['type']>(message: ToWorker, answer: T, timeoutMs: number): Promise<Extract<FromWorker, { type: T }> | undefined> {
    if (this.died !== undefined || !this.child.connected) return Promise.resolve(undefined);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.#waiters.delete(answer);
        resolve(undefined);
      }, timeoutMs);
      this.#waiters.set(answer, (m) => {
        clearTimeout(timer);
        resolve(m.type === answer ? (m as Extract<FromWorker, { type: T }>) : undefined);
      });
      this.send(message);
    });
  }

  kill(): void {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGKILL');
  }
}

/** How many subscriber workers: enough to keep each under its CPU budget (see the constants). */
export function subscriberWorkers(transport: Transport, options: BenchOptions): number {
  const perWorker = transport === 'websocket' && options.rate === 0 ? IDLE_WS_PER_WORKER : CLIENTS_PER_WORKER;
  const deliveriesPerSecond = options.clients * (options.rate / options.rooms);
  const n = Math.max(Math.ceil(options.clients / perWorker), Math.ceil(deliveriesPerSecond / DELIVERIES_PER_WORKER));
  return Math.max(1, Math.min(MAX_SUBSCRIBER_WORKERS, n, options.clients));
}

/**
 * Round trips a subscriber's setup may take on an emulated path: the emulated TCP handshake,
 * TLS (up to two), then the session or upgrade, and the join — a long-poll client's is the
 * longest (measured: ~3–4 RTT joined p50 at 150 ms). Loopback needs none of this.
 */
const SETUP_ROUND_TRIPS = 6;

function setupAllowanceMs(options: BenchOptions): number {
  return SETUP_ROUND_TRIPS * ((options.rttMs ?? 0) + 2 * (options.jitterMs ?? 0));
}

function drainBudgetMs(transport: Transport, options: BenchOptions): number {
  if (transport === 'short-polling') return options.pollIntervalMs + DRAIN_SLACK_MS;
  if (transport === 'long-polling') return options.holdMs + DRAIN_SLACK_MS;
  return DRAIN_SLACK_MS;
}

export async function runOne(spec: RunSpec): Promise<RunResult> {
  const { options, transport, target } = spec;
  const label = `${target}${spec.topology === undefined ? '' : ` (${spec.topology})`}${spec.sweepValue === undefined ? '' : ` [${options.sweep?.option ?? 'phase'}=${spec.sweepValue}]`} #${spec.repetition}`;
  const interrupted = (): boolean => spec.signal?.aborted === true;
  spec.onProgress({ target: label, phase: 'starting', text: 'starting the server' });
  let server: TargetHandle;
  try {
    server = await startTarget(target, transport, options, spec.cpus.server, spec.topology === undefined ? undefined : parseTopology(spec.topology));
  } catch (error) {
    // A missing binary, a port clash, a server that exits at once: this run failed, the bench goes on.
    if (interrupted()) throw new RunInterrupted(label);
    return failedStart(spec, (error as Error).message);
  }
  // --restart-server: the server is stopped and started again half-way through the window.
  const restartable = options.restartServer === true && canRestart(server, target) ? new RestartableTarget(server, transport, options, spec.cpus.server) : undefined;
  const workers: Worker[] = [];
  const errors: string[] = [];
  let sampler: Sampler | undefined;
  let loadCores: LoadCoreSampler | undefined;
  let path: RunPath | undefined;
  try {
    // --rtt/--jitter/--bandwidth: the load clients reach the server across the delay proxy (bench/delay/).
    const directUrls = server.proxied || server.instanceUrls.length <= 1 ? [server.url] : server.instanceUrls;
    path = await RunPath.start(options, directUrls, spec.cpus.load);
    const nSub = subscriberWorkers(transport, options);
    const hasSenders = options.rate > 0 && options.senders > 0;
    for (let i = 0; i < nSub + (hasSenders ? 1 : 0); i++) workers.push(new Worker(i, spec.cpus.load));
    spec.onProgress({ target: label, phase: 'starting', text: `starting ${workers.length} load workers` });
    await Promise.all(workers.map((w) => w.ready));
    if (interrupted()) throw new RunInterrupted(label);

    const runId = randomBytes(3).toString('hex');
    const rooms = Array.from({ length: options.rooms }, (_, r) => `bench-${runId}-${r}`);
    const connectStart = clockMs() + 300;
    const windowStart = connectStart + options.warmupMs;
    const windowEnd = windowStart + options.durationMs;
    const schedule = { startMs: options.warmupMs > 0 ? connectStart + options.warmupMs / 2 : windowStart, endMs: windowEnd, rate: options.rate, senders: options.senders, rooms: options.rooms };
    const times = connectTimes(options.clients, connectStart, options.warmupMs, options.seed, setupAllowanceMs(options));
    const faultEveryMs = options.faults === true ? Math.max(1000, options.durationMs / 5) : 0;
    workers.forEach((w, id) => {
      const isSender = hasSenders && id === nSub;
      const plan: WorkerPlan = {
        id,
        runId,
        transport,
        ...(isPeerTarget(target) ? { peer: peerOf(target) } : {}),
        // Several instances without a proxy: the clients are spread over them by index.
        baseUrls: path?.urls ?? directUrls,
        pollIntervalMs: options.pollIntervalMs,
        rooms,
        subscribers: isSender ? [] : times.flatMap((at, index) => (index % nSub === id ? [{ index, connectAtMs: at }] : [])),
        senders: isSender ? Array.from({ length: options.senders }, (_, s) => s) : [],
        sendersConnectAtMs: connectStart,
        schedule,
        size: options.size,
        windowStartMs: windowStart,
        windowEndMs: windowEnd,
        faultEveryMs: isSender ? 0 : faultEveryMs,
        seed: options.seed,
        ...clientHeaders(options, path?.urls[0] ?? server.url),
      };
      w.send({ type: 'plan', plan });
    });

    sampler = new Sampler(server.instanceUrls, server.pids, windowStart, server.parts);
    sampler.start();
    loadCores = new LoadCoreSampler(spec.cpus.load);
    loadCores.schedule(windowStart - clockMs(), windowEnd - clockMs());
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
    const run = buildResult(spec, server, results, sampler.samples, windowStart, errors, restartable, loadCores.result(), idle);
    if (path !== undefined) run.path = await path.cost();
    return run;
  } catch (error) {
    // Ctrl-C in a terminal signals the whole process group: a worker or server that died of it is the interruption, not a failure.
    if (error instanceof RunInterrupted || interrupted()) throw new RunInterrupted(label);
    errors.push((error as Error).message);
    sampler?.stop();
    return buildResult(spec, server, [], sampler?.samples ?? [], 0, errors, restartable);
  } finally {
    sampler?.stop();
    loadCores?.stop();
    for (const w of workers) w.kill();
    await path?.stop().catch(() => {});
    await (restartable ?? server).stop().catch(() => {});
  }
}
