/**
 * A run's numbers, built from what the load workers sent back and the server samples: the
 * tally, latency (merged HDR histograms), requests, bytes and CPU between the window's edge
 * samples, the per-second timeline, worker health (load-bound) and the model checks.
 * A pure aggregation (as autocannon's aggregateResult): data in, a RunResult out, no process
 * or clock touched, so it is tested on hand-made worker results (test/run-result.test.ts).
 */
import { tally, type Counts } from '../measure/accounting.ts';
import { loadBoundReasons } from '../measure/load-bound.ts';
import { mergeBatches, type BatchSizes } from '../measure/batches.ts';
import type { LoadCoreFigures } from '../measure/load-cores.ts';
import { encodeHistogram, mergeEncoded, summarize } from '../../results/histogram.ts';
import { heapPerConnection } from '../measure/connection-memory.ts';
import { costOf } from '../measure/cost-of-run.ts';
import { tcpOf } from '../measure/tcp-segments.ts';
import { headroomOf } from '../measure/headroom.ts';
import { heapPerConnectionAfterGc } from '../targets/gc-heap.ts';
import type { IdleSpan } from './idle-phase.ts';
import { modelChecks } from '../measure/model.ts';
import { senderHoldsConnection } from '../peers/clients.ts';
import { peerModelChecks } from '../peers/model.ts';
import { isPeerTarget, peerOf } from '../peers/peers.ts';
import type { BenchOptions, ProcessPartCost, RunResult, RunTarget, TimelinePoint, WorkerHealth } from '../../results/types.ts';
import type { Transport } from '../../protocol/types.ts';
import type { Sample } from '../measure/sampler.ts';
import { summarizeFaults } from './worker/faults.ts';
import { summarizeSetup } from '../measure/setup.ts';
import { stitchCounterResets } from '../targets/restart.ts';
import type { TargetHandle } from '../targets/targets.ts';
import type { WorkerResult } from './worker-protocol.ts';
import { workloadOf } from '../../model/workload.ts';

export { SCHEDULE_LAG_LIMIT_MS, WORKER_CPU_LIMIT_PERCENT } from '../measure/load-bound.ts';

/** What buildResult needs of the target: how it was laid out. */
export type TargetShape = Pick<TargetHandle, 'instances' | 'backplane' | 'proxied'> & { external?: boolean };

/** Which run this is: its row's identity in results.json, and the options it ran with. */
export interface RunIdentity {
  target: RunTarget;
  transport: Transport;
  repetition: number;
  sweepValue?: number | string;
  /** Scale-out benches: the topology rung, e.g. `redis · 2 · nginx` (bench/config/topology.ts). */
  topology?: string;
  options: BenchOptions;
}

/** Everything a run's numbers are built from. */
export interface RunInputs {
  spec: RunIdentity;
  server: TargetShape;
  /** What each load worker sent back (none when the run failed before collecting). */
  workers: readonly WorkerResult[];
  /** The server samples, once a second from the window's start (bench/measure/sampler.ts). */
  samples: readonly Sample[];
  /** Errors met while running; the result's error adds buildResult's own findings to them. */
  errors?: readonly string[];
  /** --restart-server: restarts done and the time the server was down, ms. */
  restart?: { restarts: number; downMs: number };
  loadCores?: LoadCoreFigures;
  idle?: IdleSpan;
  /** The server's heap right after a forced GC, bytes: before any client connected, and after the drain with every client connected. */
  heapAfterGc?: { before?: number; after?: number };
}

/** The sample nearest to second t (a scrape can be missed under load). */
function nearest(samples: readonly Sample[], t: number): Sample | undefined {
  let best: Sample | undefined;
  for (const s of samples) if (best === undefined || Math.abs(s.t - t) < Math.abs(best.t - t)) best = s;
  return best;
}

export function buildResult(inputs: RunInputs): RunResult {
  const { spec, server, workers: results, samples: rawSamples, restart, loadCores, idle } = inputs;
  const { options, transport } = spec;
  const errors = [...(inputs.errors ?? [])];
  // After a restart the fresh server counts from 0 again (bench/targets/restart.ts).
  const samples = restart !== undefined && restart.restarts > 0 ? stitchCounterResets(rawSamples) : rawSamples;
  const faults = summarizeFaults(results.map((r) => r.faults), results.reduce((s, r) => s + r.reconnects, 0), restart);
  const durationSeconds = options.durationMs / 1000;
  const latency = mergeEncoded(results.map((r) => r.latency));
  const latencySummary = summarize(latency);
  const uncorrected = summarize(mergeEncoded(results.map((r) => r.latencyUncorrected)));
  const lag = summarize(mergeEncoded(results.map((r) => r.scheduleLag)));
  const counts = {} as Counts;
  for (const key of ['scheduled', 'expected', 'beforeJoin', 'acked', 'failed', 'unanswered', 'delivered', 'late', 'lost', 'duplicates', 'wireDuplicates', 'outOfOrder'] as const) counts[key] = results.reduce((sum, r) => sum + (r.messages[key] ?? 0), 0);
  const t = tally(counts);
  const negativeLatency = results.reduce((s, r) => s + r.negativeLatency, 0);
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
  const eld = { p50Ms: Math.max(0, ...results.map((r) => r.eventLoopDelay.p50Ms)), p99Ms: Math.max(0, ...results.map((r) => r.eventLoopDelay.p99Ms)) };
  const lateJoins = { count: results.reduce((s, r) => s + (r.lateJoins?.count ?? 0), 0), maxMs: Math.max(0, ...results.map((r) => r.lateJoins?.maxMs ?? 0)) };
  const subscriberCount = results.reduce((s, r) => s + r.subscribers, 0);
  const reasons = loadBoundReasons({ cpuWindowMax, lag, lagMax, eventLoopDelay: eld, latency: latencySummary, lateJoins: { ...lateJoins, subscribers: subscriberCount }, ...(loadCores === undefined ? {} : { loadCores }) });
  const workers: WorkerHealth = {
    cpuPercentMax,
    scheduleLagMaxMs: lagMax,
    scheduleLagP50Ms: lag.p50,
    scheduleLagP99Ms: lag.p99,
    eventLoopDelayP50Ms: eld.p50Ms,
    eventLoopDelayP99Ms: eld.p99Ms,
    ...(loadCores === undefined ? {} : { loadCores: loadCores.cores, loadCoresBusyPercent: loadCores.busyPercent, loadCoresStealPercent: loadCores.stealPercent }),
    ...(lateJoins.count > 0 ? { lateJoins: lateJoins.count, lateJoinMaxMs: lateJoins.maxMs } : {}),
    workers: results.length,
    ...optional('headroom', headroomOf(loadCores, cpuSeconds, t.delivered)),
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

  const batches = batchesOf(results).batches;
  // The senders' worker holds no subscriber: its client bytes are the publishes' (request + answer).
  const publishBytes = results.filter((r) => r.subscribers === 0).reduce((s, r) => s + r.bytesInWindow.sent + r.bytesInWindow.received, 0);
  const setup = summarizeSetup(results.map((r) => r.setup));
  const measured = { latencyMeanMs: latencySummary.mean, latencyCount: latencySummary.count, latencyP50Ms: latencySummary.p50, latencyP99Ms: latencySummary.p99, requestsPerSecond, requestsPerDelivered: perDelivered(requests), bytesPerDelivered: perDelivered(bytesIn + bytesOut), publishBytesPerDelivered: perDelivered(publishBytes), ...(batches === undefined ? {} : { batchMean: batches.mean }) };
  const run: RunResult = {
    target: spec.target,
    transport,
    repetition: spec.repetition,
    ...(spec.sweepValue === undefined ? {} : { sweepValue: spec.sweepValue }),
    // The workload as an object, so the run reads on its own; a map run names its cell.
    workload: workloadOf(options, options.mapClients !== undefined && typeof spec.sweepValue === 'string' ? spec.sweepValue : undefined),
    instances: server.instances,
    backplane: server.backplane,
    proxied: server.proxied,
    ...(spec.topology === undefined ? {} : { topology: spec.topology }),
    durationSeconds,
    latencyMs: latencySummary,
    latencyUncorrectedMs: uncorrected,
    histogram: results.length > 0 ? mergeEncodedToString(results.map((r) => r.latency)) : '',
    messages: { ...t, sendErrors: t.failed ?? 0, negativeLatency },
    requests: { total: requests, perSecond: requestsPerSecond, perDelivered: perDelivered(requests), serverCounted },
    ...(batches === undefined ? {} : { batches }),
    ...costOf(options, transport, samples, idle, t.delivered, connections, heapPerConnectionBytes),
    bytes: { in: bytesIn, out: bytesOut, perDelivered: perDelivered(bytesIn + bytesOut) },
    ...tcpOf(loadCores, t.delivered),
    server: {
      cpuSeconds: Math.round(cpuSeconds * 1000) / 1000,
      cpuSecondsPer1kDelivered: t.delivered > 0 ? Math.round((cpuSeconds / t.delivered) * 1000 * 10000) / 10000 : 0,
      rssPeakBytes: Math.max(0, ...inWindow.map((s) => s.rssBytes)),
      heapPeakBytes: Math.max(0, ...inWindow.map((s) => s.heapUsedBytes)),
      eventLoopDelayP99Ms: Math.round(Math.max(0, ...inWindow.filter((s) => s.t > 0).map((s) => s.eventLoopDelayP99Ms)) * 1000) / 1000,
      ...(heapPerConnectionBytes === undefined ? {} : { heapPerConnectionBytes }),
      ...optional('heapPerConnectionAfterGcBytes', heapPerConnectionAfterGc(inputs.heapAfterGc?.before, inputs.heapAfterGc?.after, connections)),
      // An external target's cost comes from its /metrics alone: no answer, no figures.
      ...(server.external === true && good.length === 0 ? { notMeasured: "the target's /metrics did not answer: server CPU and memory not measured" } : {}),
    },
    ...(parts === undefined ? {} : { parts }),
    clients: { connected, reconnects: results.reduce((s, r) => s + r.reconnects, 0) },
    ...(faults === undefined ? {} : { faults }),
    workers,
    ...(setup === undefined ? {} : { connectionSetup: setup }),
    // A peer is held to its own model (bench/peers/model.ts), not to pushlab's.
    model: isPeerTarget(spec.target) ? peerModelChecks(spec.target, options, measured) : modelChecks(transport, options, measured),
    timeline,
  };
  if (errors.length > 0) run.error = errors.join('; ');
  return run;
}

/** `{ [key]: value }`, or nothing when the value is undefined (exactOptionalPropertyTypes). */
function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}

function mergeEncodedToString(encoded: string[]): string {
  return encodeHistogram(mergeEncoded(encoded));
}

/** A run whose target could not start: no numbers, the cause on one line. */
export function failedStart(spec: RunIdentity, cause: string): RunResult {
  const run = buildResult({ spec, server: { instances: 1, backplane: 'memory', proxied: false }, workers: [], samples: [] });
  run.error = `could not start: ${oneLine(cause)}`;
  // Nothing ran: no model to compare with.
  run.model = [];
  return run;
}

/** The line of an error that names the cause: a child's stderr can run to pages. */
export function oneLine(text: string): string {
  const lines = text.split('\n').map((l) => l.trim()).filter((l) => l !== '');
  // `pushlab serve exited with 2 before listening` + the child's own `pushlab serve: …` line.
  const own = lines.find((l) => /^pushlab( serve)?: /.test(l) && !/exited with/.test(l));
  const first = lines[0] ?? 'unknown error';
  const line = own === undefined ? first : `${first.replace(/\s*$/, '')}: ${own.replace(/^pushlab( serve)?: /, '')}`;
  return line.length > 300 ? `${line.slice(0, 297)}…` : line;
}

/** Polling runs: messages per response, summed over the subscriber workers. */
function batchesOf(results: readonly WorkerResult[]): { batches?: BatchSizes } {
  const merged = mergeBatches(results.flatMap((r) => (r.batches === undefined ? [] : [r.batches])));
  return merged === undefined ? {} : { batches: merged };
}
