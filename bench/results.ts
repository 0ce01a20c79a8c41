/**
 * results.json, schema version 1 — the contract between `pushlab bench`, the HTML report
 * and anyone who reads the numbers later. Documented field by field in docs/results.md.
 * Units are in the names: Ms = milliseconds, Bytes, Seconds, PerSecond.
 */
import type { Transport } from '../protocol/types.ts';
import type { PeerName, PeerTarget } from './peers/peers.ts';
import type { Interruption } from './interrupt.ts';
import type { Phase } from './phases.ts';
import type { ThresholdResult } from './thresholds.ts';
import type { BatchSizes } from './batches.ts';
import type { PathCalibration, PathRunCost } from './delay/path.ts';
import type { ConnectionSetup } from './setup.ts';
import type { CostSplit } from './fixed-cost.ts';
import type { TcpSegments } from './tcp-segments.ts';
import type { CostSummary } from './cost-summary.ts';
import type { LatencyIntervals, RatioIntervals } from './summary-ci.ts';

export type { Interruption, Phase, ThresholdResult }; // declared beside the modules that make them

export const SCHEMA_VERSION = 1;

/** A target of a run: one of the lab's transports, a bare baseline server, or a peer (Socket.IO, bench/peers/). */
export type RunTarget = Transport | 'baseline-ws' | 'baseline-long-polling' | PeerTarget;

/** What a run sent and what arrived, counted by the ids the bench writes into each text. */
export interface MessageTally {
  /** Messages the schedule holds for the window (fixed before the run). Absent in older results. */
  scheduled?: number;
  /** Publishes of the window acknowledged by the server before the drain ended. */
  sent: number;
  /** Publishes answered with an error (or whose connection died). */
  failed?: number;
  /** Publishes with no answer when the drain ended (scheduled − sent − failed). */
  unanswered?: number;
  /** Every subscriber of a room gets every message the schedule sends to it in the window. */
  expected: number;
  /**
   * Per (subscriber, message): not expected because the subscriber joined only after the window
   * opened and the message was scheduled before that (bench/late-joins.ts); such a run is load-bound.
   */
  beforeJoin?: number;
  /** Distinct messages received before the drain ended (raw deliveries, before de-duplication). */
  delivered: number;
  /** Distinct messages received after the drain ended (in a short grace, when some were missing). */
  late?: number;
  /** Per (subscriber, message): expected and never received, not even late. */
  lost: number;
  /** A message received again under another seq: the user sees it twice. */
  duplicates: number;
  /** A message received again under the same seq (a replay): the client drops it. */
  wireDuplicates?: number;
  /** A new message whose seq is below one the subscriber already had (a true seq regression). */
  outOfOrder: number;
  /** Deliveries stamped before their scheduled send time (clock error): each one fails the run. */
  negativeLatency?: number;
}

export interface LatencySummaryMs {
  p50: number;
  p90: number;
  p99: number;
  p999: number;
  max: number;
  mean: number;
  /** Number of latency samples (deliveries) recorded. */
  count: number;
}

export interface TimelinePoint {
  /** Seconds since the measured window opened (negative during warm-up). */
  t: number;
  /** Deliveries per second seen by the load clients in this second. */
  delivered: number;
  /** HTTP requests per second made by the load clients in this second. */
  requests: number;
  /** Server process CPU used in this second, percent of one core. */
  cpuPercent: number;
  rssBytes: number;
  heapUsedBytes: number;
  /** Server event-loop delay p99 in this second, ms. */
  eventLoopDelayP99Ms: number;
}

export interface WorkerHealth {
  /** Peak CPU of the busiest load worker, percent of one core. */
  cpuPercentMax: number;
  /** Largest lag of a sender behind its schedule, ms. */
  scheduleLagMaxMs: number;
  /** p50 and p99 of the senders' lag behind schedule, ms (shown beside latency p50). */
  scheduleLagP50Ms?: number;
  scheduleLagP99Ms?: number;
  /** The busiest load worker's event-loop delay over the window (beyond the monitor's 10 ms period), ms. */
  eventLoopDelayP50Ms?: number;
  eventLoopDelayP99Ms?: number;
  /** The load cores watched in /proc/stat, and their busy (steal included) and steal share over the window, percent. Linux only. */
  loadCores?: number[];
  loadCoresBusyPercent?: number;
  loadCoresStealPercent?: number;
  /** Subscribers that joined only after the window opened, and the latest's delay, ms (bench/late-joins.ts). */
  lateJoins?: number;
  lateJoinMaxMs?: number;
  /** Load worker processes used (subscribers and senders). */
  workers?: number;
  /** True when the load generator, not the server, was the bottleneck. */
  loadBound: boolean;
  reasons: string[];
}

export interface ModelCheck {
  metric: string;
  /** What theory predicts for this workload. */
  predicted: number;
  measured: number;
  unit: string;
  /** measured / predicted. */
  ratio: number;
  /** |ratio − 1| over the tolerance. */
  flagged: boolean;
  /** Allowed relative difference before flagging, e.g. 0.1 for 10%. */
  tolerance: number;
  note: string;
}

export interface RunResult {
  target: RunTarget;
  /** Same as target for the lab's transports; for baselines and peers, the transport kind it stands for. */
  transport: Transport;
  repetition: number;
  /** The value of the swept option for this run, when the bench is a sweep. */
  sweepValue?: number | string;
  /** Number of server instances (1 unless `--instances`). */
  instances: number;
  backplane: 'memory' | 'redis';
  proxied: boolean;
  /**
   * Scale-out benches only (`--instances N` / `--backplane`): the rung of the topology ladder
   * this run measured, `<backplane> · <instances> · <direct|nginx>`, e.g. `redis · 2 · nginx`.
   * Absent in a plain bench.
   */
  topology?: string;
  durationSeconds: number;
  latencyMs: LatencySummaryMs;
  /** Latency measured from the actual send time instead of the schedule (not corrected for coordinated omission). */
  latencyUncorrectedMs: LatencySummaryMs;
  /** Base64 of the HDR histogram (µs, compressed) of corrected latency, to merge or re-plot. */
  histogram: string;
  messages: MessageTally & {
    /** Same as `failed` (kept for older readers). */
    sendErrors?: number;
  };
  requests: { total: number; perSecond: number; perDelivered: number; serverCounted: number };
  /** Short and long polling: messages per response that carried any (bench/batches.ts); absent for push transports. */
  batches?: BatchSizes;
  bytes: { in: number; out: number; perDelivered: number };
  /**
   * TCP segments over the window from /proc/net/snmp (Linux): the whole machine's, so valid on a
   * quiet machine only (`validOn`), bench/tcp-segments.ts. Absent where the counters cannot be read.
   */
  tcp?: TcpSegments;
  /**
   * Fixed cost per client-second (idle phase after the drain, or the window of a rate-0 run)
   * apart from the marginal cost per delivered message (bench/fixed-cost.ts). Absent with
   * `--idle 0`, when the drain ended with messages missing, or without server samples.
   */
  cost?: CostSplit;
  server: {
    cpuSeconds: number;
    cpuSecondsPer1kDelivered: number;
    rssPeakBytes: number;
    heapPeakBytes: number;
    eventLoopDelayP99Ms: number;
    /**
     * Heap per client connection, bytes: (the lowest heap sampled in the window − the heap
     * sampled before the first client connected) ÷ connections held (subscribers, plus senders
     * where they keep a connection). Approximate: heap samples include garbage not yet
     * collected; cleanest in the idle scenario. Absent without a pre-connect sample (no warm-up).
     */
    heapPerConnectionBytes?: number;
    /** `--target` runs only: why the server's cost could not be read (its /metrics never answered); the figures are then 0. */
    notMeasured?: string;
  };
  /**
   * The server side split by part (scale-out runs; absent for a bare single process): the
   * `server` CPU and RSS above are the sums of these. Every part includes its child processes
   * (nginx's workers).
   */
  parts?: ProcessPartCost[];
  clients: { connected: number; reconnects: number };
  /** `--faults` / `--restart-server` runs only: what the cuts and restarts cost (docs/results.md, "Faults"). */
  faults?: FaultsResult;
  workers: WorkerHealth;
  /** Client start → joined and → first message, per subscriber (bench/setup.ts). */
  connectionSetup?: ConnectionSetup;
  /** `--rtt/--jitter/--bandwidth` runs only: the delay proxy's own cost over the window (bench/delay/path.ts). */
  path?: PathRunCost;
  model: ModelCheck[];
  timeline: TimelinePoint[];
  /**
   * Set when the run failed (server crash, worker death), or its target could not start
   * (`could not start: <cause>`, one line, and no numbers); the numbers are then partial.
   */
  error?: string;
}

/** One part of a run's server side: the pushlab instances, redis-server or nginx. */
export interface ProcessPartCost {
  part: 'servers' | 'redis' | 'nginx';
  /** Processes sampled for this part (instances; nginx master + workers). */
  processes: number;
  cpuSeconds: number;
  cpuSecondsPer1kDelivered: number;
  rssPeakBytes: number;
}

export interface SummaryStat {
  median: number;
  min: number;
  max: number;
}

/** Across repetitions, per target (and sweep value). Percentiles come from merged histograms. */
export interface TargetSummary {
  target: RunTarget;
  transport: Transport;
  sweepValue?: number | string;
  /** Scale-out benches only: the topology rung (see RunResult.topology). */
  topology?: string;
  repetitions: number;
  /** From the merged histogram of all repetitions — never an average of percentiles. */
  latencyMs: LatencySummaryMs;
  p50Ms: SummaryStat;
  p99Ms: SummaryStat;
  /** Bootstrap 95% intervals of latencyMs.p50/p99 (runs, then deliveries, resampled; seeded): bench/bootstrap.ts. */
  latencyCi?: LatencyIntervals;
  requestsPerSecond: SummaryStat;
  requestsPerDelivered: SummaryStat;
  bytesPerDelivered: SummaryStat;
  cpuSecondsPer1kDelivered: SummaryStat;
  rssPeakBytes: SummaryStat;
  /** Median over repetitions of RunResult.server.heapPerConnectionBytes, when the runs have it. */
  heapPerConnectionBytes?: SummaryStat;
  /** Median, min, max over repetitions of RunResult.tcp.perDelivered (quiet machine only). */
  tcpSegmentsPerDelivered?: SummaryStat;
  /** Fixed cost per client-second and marginal cost per delivery over repetitions (bench/cost-summary.ts). */
  cost?: CostSummary;
  delivered: SummaryStat;
  lost: SummaryStat;
  duplicates: SummaryStat;
  /** True when any repetition was load-bound: marked in every table and chart, never a verdict winner. */
  loadBound?: boolean;
  /** Latency p50 and p99 as multiples of the floor (the matching raw echo). */
  floorMultiple: { p50: number; p99: number; floor: string };
  /** For the lab's transports: latency and CPU as multiples of the bare baseline, when one ran. */
  /** `ci`: bootstrap 95% intervals of the p50 and p99 ratios (bench/summary-ci.ts). */
  baselineMultiple?: { p50: number; p99: number; cpuPer1k: number; baseline: RunTarget; ci?: RatioIntervals };
  /** Scale-out benches: CPU per 1k delivered and peak RSS per part (medians over repetitions). */
  parts?: { part: ProcessPartCost['part']; cpuSecondsPer1kDelivered: SummaryStat; rssPeakBytes: SummaryStat }[];
  /**
   * Scale-out benches: latency and CPU per 1k as multiples of the same transport's
   * `memory · 1 · direct` rung (and sweep value), when it ran.
   */
  topologyMultiple?: { p50: number; p99: number; cpuPer1k: number; reference: string };
  /**
   * For pushlab's WebSocket and long polling, when their peer ran (Socket.IO, Socket.IO
   * polling): pushlab ÷ peer for latency, CPU per 1k delivered and heap per connection —
   * below 1 pushlab is faster or cheaper.
   */
  peerMultiple?: { p50: number; p99: number; cpuPer1k: number; heapPerConnection?: number; peer: RunTarget; ci?: RatioIntervals };
}

export interface FloorResult {
  name: 'tcp-echo' | 'ws-echo' | 'http-request';
  latencyMs: LatencySummaryMs;
  histogram: string;
  samples: number;
}

export interface CapacityResult {
  /** What was hammered: `short-poll-empty`, `publish`, `long-poll-ready`. */
  endpoint: string;
  transport: Transport;
  connections: number;
  /** autocannon processes on the load cores, the connections split between them (absent in older results: in-process). */
  processes?: number;
  /**
   * `capacity` only when the server used ≥ 90% of its core over the probe; otherwise
   * `lower-bound` with `reason` (load side saturated, or the limit elsewhere). bench/capacity-bound.ts.
   */
  kind?: 'capacity' | 'lower-bound';
  reason?: string;
  /** Server process CPU over the probe, percent of one core. */
  serverCpuPercent?: number;
  /** The load cores' busy share over the probe, percent (Linux). */
  loadCoresBusyPercent?: number;
  durationSeconds: number;
  requestsPerSecond: { mean: number; p50: number; max: number };
  /** autocannon's latency, whole ms. */
  latencyMs: { p50: number; p99: number; max: number; mean: number };
  errors: number;
  non2xx: number;
}

export interface BenchOptions {
  scenario: string;
  transports: Transport[];
  clients: number;
  rooms: number;
  senders: number;
  /** Messages per second, total across senders. */
  rate: number;
  /** Text payload, bytes. */
  size: number;
  durationMs: number;
  warmupMs: number;
  repeat: number;
  pollIntervalMs: number;
  holdMs: number;
  baselines: boolean;
  /** Peers measured beside their counterpart transport (`--peers`; absent in older results = none). */
  peers?: PeerName[];
  capacity: boolean;
  /** autocannon time per endpoint, ms (default 3000). */
  capacityDurationMs?: number;
  seed: number;
  instances: number;
  backplane?: string;
  /** Scale-out topology rungs run for each transport (`--topologies`; default: the ladder in bench/topology.ts). */
  topologies?: string[];
  sweep?: { option: string; values: (number | string)[] };
  faults?: boolean;
  /** Stop the server (SIGTERM) half-way through the window and start a fresh one on the same port. */
  restartServer?: boolean;
  /** `--idle`: the idle phase after the drain that measures the fixed cost, ms (default 4000; 0 = none). */
  idleMs?: number;
  /** `--target URL`: an external pushlab-protocol server the bench did not start (docs/results.md). */
  target?: string;
  /** `--phases` / a config file's phases: steps run in order, each measured on its own (like a sweep). */
  phases?: Phase[];
  /** `--compression`: permessage-deflate on WebSockets, gzip on JSON answers (pushlab servers). */
  compression?: boolean;
  /** `--headers`: node (default) or browser (bench/browser-headers.ts). */
  headers?: 'node' | 'browser';
  /** `--tls`: pushlab's servers speak https/wss with a self-signed certificate the load clients trust. */
  tls?: boolean;
  /** `--rtt`: round trip added by the delay proxy between load clients and server, ms (absent or 0 = loopback). */
  rttMs?: number;
  /** `--jitter`: per direction, ± uniform, ms. */
  jitterMs?: number;
  /** `--bandwidth`: per connection and direction, bits/s. */
  bandwidthBps?: number;
  /** `--threshold` expressions, as given (bench/thresholds.ts). */
  thresholds?: string[];
  /** False with `--no-default-thresholds`: the loss and load-bound gates are off. Default true. */
  defaultThresholds?: boolean;
  /** `--allow-loss`: the default loss and unanswered gates are off. */
  allowLoss?: boolean;
  /** `--allow-load-bound`: the default load-bound gate is off. */
  allowLoadBound?: boolean;
}

/**
 * Faults of one run, counted over its subscribers. A cut kills the connection a subscriber is
 * waiting on (a short-poll client's next poll when none is out); it has recovered at the first
 * message delivered to it after the cut. Times in ms, histograms µs like latency.
 */
export interface FaultsResult {
  /** Subscriber connections cut (cut events × subscribers connected at the time). */
  cuts: number;
  /** Reconnections the clients made (the clients' own count; restarts included). */
  reconnects: number;
  /** Cuts followed by a delivery before the run ended; unrecovered = cuts − recovered. */
  recovered: number;
  unrecovered: number;
  /** Cut → first delivery after it, per recovered cut. */
  recoveryMs: LatencySummaryMs;
  /** Base64 HDR histogram (µs) of recoveryMs. */
  recoveryHistogram: string;
  serverRestarts: number;
  /** SIGTERM → the fresh server listening, ms (restarts only). */
  serverDownMs?: number;
  /** Per subscriber: restart (SIGTERM) → its first delivery from the fresh server (restarts only). */
  restartRecoveryMs?: LatencySummaryMs;
  /** Subscribers that got no delivery after the restart before the run ended. */
  restartUnrecovered?: number;
}

export interface Environment {
  node: string;
  os: string;
  cpuModel: string;
  cores: number;
  memoryBytes: number;
  commit: string;
  hostname: string;
  startedAt: string;
  finishedAt: string;
  taskset: boolean;
}

export interface BenchResults {
  schemaVersion: typeof SCHEMA_VERSION;
  tool: { name: 'pushlab'; version: string };
  environment: Environment;
  options: BenchOptions;
  floors: FloorResult[];
  runs: RunResult[];
  summary: TargetSummary[];
  capacity: CapacityResult[];
  /** Human-readable findings: lost messages, load-bound runs, model mismatches. */
  warnings: string[];
  /** False when a run failed; the CLI exits non-zero. */
  ok: boolean;
  /** Every threshold (default gates and `--threshold`) per target, with the value met. */
  thresholds?: ThresholdResult[];
  /** `--rtt/--jitter/--bandwidth`: what carried the delay and its calibration by the floors (one per swept RTT). */
  path?: PathCalibration[];
  /** True when the bench was interrupted: `runs` holds only the runs completed before it. */
  partial?: boolean;
  interruption?: Interruption;
}
