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
import type { Transport } from '../protocol/types.ts';
import { subscribersPerRoom, tally } from './accounting.ts';
import { clockMs, sleepMs } from './clock.ts';
import { encodeHistogram, mergeEncoded, summarize } from './histogram.ts';
import { heapPerConnection } from './connection-memory.ts';
import { modelChecks } from './model.ts';
import { senderHoldsConnection } from './peers/clients.ts';
import { peerModelChecks } from './peers/model.ts';
import { isPeerTarget, peerOf } from './peers/peers.ts';
import type { BenchOptions, ProcessPartCost, RunResult, RunTarget, TimelinePoint, WorkerHealth } from './results.ts';
import { Sampler, type Sample } from './sampler.ts';
import { connectTimes } from './schedule.ts';
import { startTarget, type TargetHandle } from './targets.ts';
import { summarizeFaults } from './faults.ts';
import { RestartableTarget, canRestart, stitchCounterResets } from './restart.ts';
import { parseTopology } from './topology.ts';
import type { FromWorker, ToWorker, WorkerPlan, WorkerResult } from './worker-protocol.ts';

const WORKER = fileURLToPath(new URL('./worker.ts', import.meta.url));
const TSX_LOADER = import.meta.resolve('tsx');

/** A load worker above this share of one core is the bottleneck (the brief's ~80%). */
export const WORKER_CPU_LIMIT_PERCENT = 80;
/** Senders whose lag behind schedule has a p99 above this are behind: the run failed. */
export const SCHEDULE_LAG_LIMIT_MS = 50;
/** Extra wait after the longest a delivery can take (a poll interval or a hold), ms. */
const DRAIN_SLACK_MS = 2000;
/** Worker sizing: idle WebSockets are cheap; anything that polls or receives costs more. */
const IDLE_WS_PER_WORKER = 2500;
const CLIENTS_PER_WORKER = 500;
const DELIVERIES_PER_WORKER = 5000;
const MAX_SUBSCRIBER_WORKERS = 4;

export interface RunSpec {
  target: RunTarget;
  transport: Transport;
  repetition: number;
  sweepValue?: number | string;
  /** Scale-out benches: the topology rung, e.g. `redis · 2 · nginx` (bench/topology.ts). */
  topology?: string;
  options: BenchOptions;
  cpus: { server?: string; load?: string };
  onProgress: (text: string) => void;
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

function drainBudgetMs(transport: Transport, options: BenchOptions): number {
  if (transport === 'short-polling') return options.pollIntervalMs + DRAIN_SLACK_MS;
  if (transport === 'long-polling') return options.holdMs + DRAIN_SLACK_MS;
  return DRAIN_SLACK_MS;
}

/** The sample nearest to second t (a scrape can be missed under load). */
function nearest(samples: readonly Sample[], t: number): Sample | undefined {
  let best: Sample | undefined;
  for (const s of samples) if (best === undefined || Math.abs(s.t - t) < Math.abs(best.t - t)) best = s;
  return best;
}

export async function runOne(spec: RunSpec): Promise<RunResult> {
  const { options, transport, target } = spec;
  const label = `${target}${spec.topology === undefined ? '' : ` (${spec.topology})`}${spec.sweepValue === undefined ? '' : ` [${options.sweep?.option}=${spec.sweepValue}]`} #${spec.repetition}`;
  spec.onProgress(`${label}: starting server`);
  const server: TargetHandle = await startTarget(target, transport, options, spec.cpus.server, spec.topology === undefined ? undefined : parseTopology(spec.topology));
  // --restart-server: the server is stopped and started again half-way through the window.
  const restartable = options.restartServer === true && canRestart(server, target) ? new RestartableTarget(server, transport, options, spec.cpus.server) : undefined;
  const workers: Worker[] = [];
  const errors: string[] = [];
  let sampler: Sampler | undefined;
  try {
    const nSub = subscriberWorkers(transport, options);
    const hasSenders = options.rate > 0 && options.senders > 0;
    for (let i = 0; i < nSub + (hasSenders ? 1 : 0); i++) workers.push(new Worker(i, spec.cpus.load));
    spec.onProgress(`${label}: starting ${workers.length} load workers`);
    await Promise.all(workers.map((w) => w.ready));

    const runId = randomBytes(3).toString('hex');
    const rooms = Array.from({ length: options.rooms }, (_, r) => `bench-${runId}-${r}`);
    const connectStart = clockMs() + 300;
    const windowStart = connectStart + options.warmupMs;
    const windowEnd = windowStart + options.durationMs;
    const schedule = { startMs: options.warmupMs > 0 ? connectStart + options.warmupMs / 2 : windowStart, endMs: windowEnd, rate: options.rate, senders: options.senders, rooms: options.rooms };
    const times = connectTimes(options.clients, connectStart, options.warmupMs, options.seed);
    const faultEveryMs = options.faults === true ? Math.max(1000, options.durationMs / 5) : 0;
    workers.forEach((w, id) => {
      const isSender = hasSenders && id === nSub;
      const plan: WorkerPlan = {
        id,
        runId,
        transport,
        ...(isPeerTarget(target) ? { peer: peerOf(target) } : {}),
        // Several instances without a proxy: the clients are spread over them by index.
        baseUrls: server.proxied || server.instanceUrls.length <= 1 ? [server.url] : server.instanceUrls,
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
      };
      w.send({ type: 'plan', plan });
    });

    sampler = new Sampler(server.instanceUrls, server.pids, windowStart, server.parts);
    sampler.start();

    const failure = (): string | undefined => (restartable ?? server).crashed() ?? workers.find((w) => w.died !== undefined)?.died;
    while (clockMs() < windowEnd) {
      const now = clockMs();
      const phase = now < windowStart ? `warm-up ${((now - connectStart) / 1000).toFixed(0)}/${(options.warmupMs / 1000).toFixed(0)} s` : `window ${((now - windowStart) / 1000).toFixed(0)}/${(options.durationMs / 1000).toFixed(0)} s`;
      spec.onProgress(`${label}: ${phase}`);
      const why = failure();
      if (why !== undefined) throw new Error(why);
      if (restartable !== undefined && restartable.restarts === 0 && now >= windowStart + options.durationMs / 2) {
        spec.onProgress(`${label}: restarting the server`);
        // The workers time each subscriber's outage from the SIGTERM.
        for (const w of workers) w.send({ type: 'restart', atMs: clockMs() });
        await restartable.restart();
      }
      await sleepMs(Math.max(0, Math.min(500, windowEnd - clockMs())));
    }

    // Drain: wait for the window's messages to arrive, up to the longest a delivery may take.
    const perRoom = subscribersPerRoom(options.clients, options.rooms);
    const deadline = windowEnd + drainBudgetMs(transport, options);
    while (clockMs() < deadline) {
      const why = failure();
      if (why !== undefined) throw new Error(why);
      const progress = await Promise.all(workers.map((w) => w.ask({ type: 'progress' }, 'progress', 2000)));
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
      const expected = perRoom.reduce((sum, subs) => sum + (sent / options.rooms) * subs, 0);
      spec.onProgress(`${label}: drain ${delivered}/${Math.round(expected)} delivered`);
      if (done && inFlight === 0 && delivered >= Math.round(expected)) break;
      await sleepMs(250);
    }

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
    return buildResult(spec, server, results, sampler.samples, windowStart, errors, restartable);
  } catch (error) {
    errors.push((error as Error).message);
    sampler?.stop();
    return buildResult(spec, server, [], sampler?.samples ?? [], 0, errors, restartable);
  } finally {
    sampler?.stop();
    for (const w of workers) w.kill();
    await (restartable ?? server).stop().catch(() => {});
  }
}

function buildResult(spec: RunSpec, server: TargetHandle, results: WorkerResult[], rawSamples: Sample[], windowStart: number, errors: string[], restart?: RestartableTarget): RunResult {
  const { options, transport } = spec;
  // After a restart the fresh server counts from 0 again (bench/restart.ts).
  const samples = restart !== undefined && restart.restarts > 0 ? stitchCounterResets(rawSamples) : rawSamples;
  const faults = summarizeFaults(results.map((r) => r.faults), results.reduce((s, r) => s + r.reconnects, 0), restart);
  const durationSeconds = options.durationMs / 1000;
  const latency = mergeEncoded(results.map((r) => r.latency));
  const latencySummary = summarize(latency);
  const uncorrected = summarize(mergeEncoded(results.map((r) => r.latencyUncorrected)));
  const lag = summarize(mergeEncoded(results.map((r) => r.scheduleLag)));
  const sentPerRoom = Array.from({ length: options.rooms }, (_, room) => results.reduce((sum, r) => sum + (r.sentPerRoom[room] ?? 0), 0));
  const t = tally(sentPerRoom, subscribersPerRoom(options.clients, options.rooms), results);
  const requests = results.reduce((sum, r) => sum + r.requestsInWindow, 0);

  // A sample whose scrape failed has no counters: take the nearest good one instead.
  const good = samples.filter((s) => !s.scrapeFailed);
  const first = nearest(good, 0);
  const last = nearest(good, Math.round(durationSeconds));
  if (first !== undefined && last !== undefined && (first.t !== 0 || last.t !== Math.round(durationSeconds))) {
    errors.push(`the server's /metrics was not sampled at the window's edges (got t=${first.t} and t=${last.t} s): requests, bytes and CPU are approximate`);
  }
  const inWindow = samples.filter((s) => s.t >= 0 && s.t <= durationSeconds);
  const cpuSeconds = first !== undefined && last !== undefined ? last.cpuSeconds - first.cpuSeconds : 0;
  const bytesIn = first !== undefined && last !== undefined ? last.bytesIn - first.bytesIn : 0;
  const bytesOut = first !== undefined && last !== undefined ? last.bytesOut - first.bytesOut : 0;
  const serverCounted = first !== undefined && last !== undefined ? last.requests - first.requests : 0;
  const perDelivered = (n: number): number => (t.delivered > 0 ? Math.round((n / t.delivered) * 1000) / 1000 : 0);

  // Per-second timeline: clients' deliveries and requests (summed over workers), server samples.
  const byT = new Map<number, TimelinePoint>();
  const point = (sec: number): TimelinePoint => {
    let p = byT.get(sec);
    if (p === undefined) {
      p = { t: sec, delivered: 0, requests: 0, cpuPercent: 0, rssBytes: 0, heapUsedBytes: 0, eventLoopDelayP99Ms: 0 };
      byT.set(sec, p);
    }
    return p;
  };
  for (const r of results) {
    for (const w of r.timeline) {
      const p = point(w.t);
      p.delivered += w.delivered;
      p.requests += w.requests;
    }
  }
  const sorted = [...samples].sort((a, b) => a.t - b.t);
  sorted.forEach((s, i) => {
    const prev = sorted[i - 1];
    // Sample at t covers the second (t − 1, t]: file it under t − 1 like the clients' buckets.
    const p = point(s.t - 1);
    if (prev !== undefined) p.cpuPercent = Math.round(((s.cpuSeconds - prev.cpuSeconds) / Math.max(0.001, (s.atMs - prev.atMs) / 1000)) * 1000) / 10;
    p.rssBytes = s.rssBytes;
    p.heapUsedBytes = s.heapUsedBytes;
    p.eventLoopDelayP99Ms = Math.round(s.eventLoopDelayP99Ms * 1000) / 1000;
  });
  const timeline = [...byT.values()].sort((a, b) => a.t - b.t);

  const cpuPercentMax = Math.max(0, ...results.map((r) => r.cpuPercentPeak));
  const cpuWindowMax = Math.max(0, ...results.map((r) => r.cpuPercentWindow));
  const lagMax = Math.max(0, ...results.map((r) => r.scheduleLagMaxMs));
  const reasons: string[] = [];
  if (cpuWindowMax > WORKER_CPU_LIMIT_PERCENT) reasons.push(`a load worker used ${cpuWindowMax.toFixed(0)}% of a core over the window (limit ${WORKER_CPU_LIMIT_PERCENT}%)`);
  if (lag.p99 > SCHEDULE_LAG_LIMIT_MS) reasons.push(`senders fell behind their schedule: lag p99 ${lag.p99.toFixed(1)} ms (limit ${SCHEDULE_LAG_LIMIT_MS} ms), max ${lagMax.toFixed(0)} ms`);
  const workers: WorkerHealth = {
    cpuPercentMax,
    scheduleLagMaxMs: lagMax,
    scheduleLagP99Ms: lag.p99,
    workers: results.length,
    loadBound: reasons.length > 0,
    reasons,
  };
  const requestsPerSecond = Math.round((requests / durationSeconds) * 1000) / 1000;
  const problems = results.flatMap((r) => r.problems).slice(0, 5);
  const subscribers = results.reduce((s, r) => s + r.subscribers, 0);
  const connected = results.reduce((s, r) => s + r.connected, 0);
  const peer = isPeerTarget(spec.target) ? peerOf(spec.target) : undefined;
  const connections = connected + (options.rate > 0 && senderHoldsConnection(transport, peer) ? options.senders : 0);
  const heapPerConnectionBytes = heapPerConnection(samples, connections, -options.warmupMs / 1000, durationSeconds);
  if (results.length > 0 && connected < subscribers) errors.push(`${subscribers - connected} of ${subscribers} subscribers could not join: ${problems.join('; ')}`);

  // Per part (clusters): the same window edges as the totals.
  const parts = first?.parts?.map((a): ProcessPartCost => {
    const b = last?.parts?.find((p) => p.part === a.part);
    const cpu = b === undefined ? 0 : b.cpuSeconds - a.cpuSeconds;
    return {
      part: a.part,
      processes: Math.max(a.processes, b?.processes ?? 0),
      cpuSeconds: Math.round(cpu * 1000) / 1000,
      cpuSecondsPer1kDelivered: t.delivered > 0 ? Math.round((cpu / t.delivered) * 1000 * 10000) / 10000 : 0,
      rssPeakBytes: Math.max(0, ...inWindow.map((s) => s.parts?.find((p) => p.part === a.part)?.rssBytes ?? 0)),
    };
  });

  const measured = { latencyMeanMs: latencySummary.mean, latencyCount: latencySummary.count, requestsPerSecond, bytesPerDelivered: perDelivered(bytesIn + bytesOut) };
  const run: RunResult = {
    target: spec.target,
    transport,
    repetition: spec.repetition,
    ...(spec.sweepValue === undefined ? {} : { sweepValue: spec.sweepValue }),
    instances: server.instances,
    backplane: server.backplane,
    proxied: server.proxied,
    ...(spec.topology === undefined ? {} : { topology: spec.topology }),
    durationSeconds,
    latencyMs: latencySummary,
    latencyUncorrectedMs: uncorrected,
    histogram: results.length > 0 ? mergeEncodedToString(results.map((r) => r.latency)) : '',
    messages: {
      ...t,
      sendErrors: results.reduce((s, r) => s + r.sendErrors, 0),
      wireDuplicates: results.reduce((s, r) => s + r.wireDuplicates, 0),
    },
    requests: { total: requests, perSecond: requestsPerSecond, perDelivered: perDelivered(requests), serverCounted },
    bytes: { in: bytesIn, out: bytesOut, perDelivered: perDelivered(bytesIn + bytesOut) },
    server: {
      cpuSeconds: Math.round(cpuSeconds * 1000) / 1000,
      cpuSecondsPer1kDelivered: t.delivered > 0 ? Math.round((cpuSeconds / t.delivered) * 1000 * 10000) / 10000 : 0,
      rssPeakBytes: Math.max(0, ...inWindow.map((s) => s.rssBytes)),
      heapPeakBytes: Math.max(0, ...inWindow.map((s) => s.heapUsedBytes)),
      eventLoopDelayP99Ms: Math.round(Math.max(0, ...inWindow.filter((s) => s.t > 0).map((s) => s.eventLoopDelayP99Ms)) * 1000) / 1000,
      ...(heapPerConnectionBytes === undefined ? {} : { heapPerConnectionBytes }),
    },
    ...(parts === undefined ? {} : { parts }),
    clients: { connected, reconnects: results.reduce((s, r) => s + r.reconnects, 0) },
    ...(faults === undefined ? {} : { faults }),
    workers,
    // A peer is held to its own model (bench/peers/model.ts), not to pushlab's.
    model: isPeerTarget(spec.target) ? peerModelChecks(spec.target, options, measured) : modelChecks(transport, options, measured),
    timeline,
  };
  if (errors.length > 0) run.error = errors.join('; ');
  return run;
}

function mergeEncodedToString(encoded: string[]): string {
  return encodeHistogram(mergeEncoded(encoded));
}
