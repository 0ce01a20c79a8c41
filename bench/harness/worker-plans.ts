/**
 * How a run's load is laid out over its workers: how many subscriber workers (enough to keep
 * each under its CPU budget), the run's timeline (connect, warm-up, window) and each worker's
 * plan — its subscribers with their connect times, or the senders.
 */
import { randomBytes } from 'node:crypto';
import type { Transport } from '../../protocol/types.ts';
import type { BenchOptions, RunTarget } from '../../results/types.ts';
import { clockMs } from '../measure/clock.ts';
import { connectTimes } from '../measure/schedule.ts';
import { isPeerTarget, peerOf, type PeerTarget } from '../peers/peers.ts';
import { leanAllowed } from './worker/lean-clients.ts';
import type { WorkerPlan } from './worker-protocol.ts';

/**
 * Worker sizing by measured cost, not by a fixed count of clients: a worker's load is its
 * clients' CPU per connected second plus its deliveries' CPU per delivery, and each worker is
 * given WORKER_BUDGET_US of CPU per second — under half a core, so its event loop stays
 * responsive and its receipt stamps stay honest. The figures are the lean load clients'
 * (bench/harness/worker/lean-*.ts), rounded up from `scripts/load-client-cost.ts` on a busy
 * 2-core machine (200 subscribers, 10 msg/s); the product clients (faults, TLS,
 * compression) cost about 2–4× more, so those runs use PRODUCT_FACTOR. Refresh them from a
 * quiet machine with that script.
 */
const COST_US: Record<Transport, { perDelivery: number; perClientSecond: number }> = {
  websocket: { perDelivery: 15, perClientSecond: 5 },
  sse: { perDelivery: 15, perClientSecond: 5 },
  // One request per answer: at low rates a delivery is a whole poll round.
  'long-polling': { perDelivery: 40, perClientSecond: 10 },
  // One request per client per interval, however many messages it carries.
  'short-polling': { perDelivery: 5, perClientSecond: 40 },
};
/**
 * The Socket.IO peers' lean subscribers (lean-socketio-*.ts), from the same script's peer mode
 * (`scripts/load-client-cost.ts socketio|socketio-polling lean 100 100`). A polling peer's
 * delivery is a whole GET round at any rate the bench uses (engine.io answers a poll with what
 * it holds, then waits for the next GET).
 */
const PEER_COST_US: Record<PeerTarget, { perDelivery: number; perClientSecond: number }> = {
  'peer-socketio': { perDelivery: 20, perClientSecond: 5 },
  'peer-socketio-polling': { perDelivery: 35, perClientSecond: 10 },
};
const PRODUCT_FACTOR = 3;
/** CPU a worker may spend, µs per second of the run. */
const WORKER_BUDGET_US = 400_000;
/** Sockets per worker stay bounded whatever the cost: one event loop watches them all. */
const MAX_CLIENTS_PER_WORKER = 2500;
/** PUSHLAB_SUBSCRIBERS_PER_WORKER (e.g. 250) checks that sharing a worker's loop does not move the figures (bench/measure/halving.ts). */
const CLIENTS_PER_WORKER_OVERRIDE = Number.parseInt(process.env.PUSHLAB_SUBSCRIBERS_PER_WORKER ?? '', 10);
const MAX_SUBSCRIBER_WORKERS = 4;

/** The load side's estimated CPU for a run's subscribers, µs per second (what the sizing divides). */
export function subscriberCostUs(transport: Transport, options: BenchOptions, lean: boolean, target: RunTarget = transport): number {
  const cost = isPeerTarget(target) ? PEER_COST_US[target] : COST_US[transport];
  const deliveriesPerSecond = options.clients * (options.rate / options.rooms);
  return (options.clients * cost.perClientSecond + deliveriesPerSecond * cost.perDelivery) * (lean ? 1 : PRODUCT_FACTOR);
}

/** How many subscriber workers: enough to keep each under its CPU budget and its socket cap. */
export function subscriberWorkers(transport: Transport, options: BenchOptions, target: RunTarget = transport): number {
  if (CLIENTS_PER_WORKER_OVERRIDE > 0) return Math.max(1, Math.min(MAX_SUBSCRIBER_WORKERS, Math.ceil(options.clients / CLIENTS_PER_WORKER_OVERRIDE), options.clients));
  const lean = leanAllowed(leanConditions(options));
  const n = Math.max(Math.ceil(options.clients / MAX_CLIENTS_PER_WORKER), Math.ceil(subscriberCostUs(transport, options, lean, target) / WORKER_BUDGET_US));
  return Math.max(1, Math.min(MAX_SUBSCRIBER_WORKERS, n, options.clients));
}

function leanConditions(options: BenchOptions): Parameters<typeof leanAllowed>[0] {
  return { faults: options.faults === true, restartServer: options.restartServer === true, compression: options.compression === true, tls: options.tls === true };
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

/** A run's timeline, epoch ms on the shared clock (see orchestrator.ts). */
export interface RunTimeline {
  runId: string;
  rooms: string[];
  connectStart: number;
  windowStart: number;
  windowEnd: number;
}

export function runTimeline(options: BenchOptions): RunTimeline {
  const runId = randomBytes(3).toString('hex');
  const rooms = Array.from({ length: options.rooms }, (_, r) => `bench-${runId}-${r}`);
  const connectStart = clockMs() + 300;
  const windowStart = connectStart + options.warmupMs;
  const windowEnd = windowStart + options.durationMs;
  return { runId, rooms, connectStart, windowStart, windowEnd };
}

/**
 * One plan per worker: workers 0…nSub−1 share the subscribers by index, the last (when there
 * are senders) runs them all. `client` is what every plan's clients carry alike (headers, compression).
 */
export function workerPlans(target: RunTarget, transport: Transport, options: BenchOptions, timeline: RunTimeline, workers: number, nSub: number, baseUrls: string[], client: Pick<WorkerPlan, 'headers' | 'compression'>): WorkerPlan[] {
  const { runId, rooms, connectStart, windowStart, windowEnd } = timeline;
  const hasSenders = workers > nSub;
  const schedule = { startMs: options.warmupMs > 0 ? connectStart + options.warmupMs / 2 : windowStart, endMs: windowEnd, rate: options.rate, senders: options.senders, rooms: options.rooms };
  const times = connectTimes(options.clients, connectStart, options.warmupMs, options.seed, setupAllowanceMs(options));
  const faultEveryMs = options.faults === true ? Math.max(1000, options.durationMs / 5) : 0;
  // The lean clients speak plain http:// only (an external --target may be https://).
  const lean = leanAllowed(leanConditions(options)) && baseUrls.every((u) => u.startsWith('http:'));
  return Array.from({ length: workers }, (_, id): WorkerPlan => {
    const isSender = hasSenders && id === nSub;
    return {
      id,
      runId,
      transport,
      ...(isPeerTarget(target) ? { peer: peerOf(target) } : {}),
      // Several instances without a proxy: the clients are spread over them by index.
      baseUrls,
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
      lean,
      ...client,
    };
  });
}
