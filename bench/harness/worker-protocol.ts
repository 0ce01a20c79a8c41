/** IPC between the orchestrator and its load workers (child_process.fork, JSON messages). */
import type { Transport } from '../../protocol/types.ts';
import type { PeerName } from '../peers/peers.ts';
import type { WorkerFaults } from './worker/faults.ts';
import type { ScheduleSpec } from '../measure/schedule.ts';
import type { Counts } from '../measure/accounting.ts';
import type { EventLoopDelayFigures } from '../measure/load-health.ts';
import type { BatchSizes } from '../measure/batches.ts';
import type { LateJoins } from '../measure/late-joins.ts';
import type { EncodedSetup } from '../measure/setup.ts';

export interface WorkerPlan {
  id: number;
  /** Written into every message text so stray messages are recognised. */
  runId: string;
  transport: Transport;
  /** A peer run (bench/peers/): its clients are that peer's, not the lab's. */
  peer?: PeerName;
  /** Subscriber i and sender s use baseUrls[i mod n]: one URL, or each instance's. */
  baseUrls: string[];
  pollIntervalMs: number;
  rooms: string[];
  /** Global subscriber indices this worker runs, with their connect time (epoch ms). */
  subscribers: { index: number; connectAtMs: number }[];
  /** Global sender indices this worker runs. */
  senders: number[];
  /** Senders connect (WebSocket) at this time, epoch ms. */
  sendersConnectAtMs: number;
  schedule: ScheduleSpec;
  size: number;
  windowStartMs: number;
  windowEndMs: number;
  /** Faults: cut this worker's client connections every so often during the window, ms (0 = never). */
  faultEveryMs: number;
  seed: number;
  /** `--compression`: WebSockets offer permessage-deflate; HTTP clients accept gzip (via headers). */
  compression?: boolean;
  /** Subscribers run the lean load clients (worker/lean-clients.ts says when they may). */
  lean?: boolean;
  /** `--headers browser`: the clients' extra headers (bench/harness/browser-headers.ts). */
  headers?: { fetch: Record<string, string>; upgrade: Record<string, string>; stream: Record<string, string> };
}

export interface WorkerTimelinePoint {
  /** Second since the window opened (negative in warm-up). */
  t: number;
  delivered: number;
  requests: number;
  cpuPercent: number;
}

export interface WorkerResult {
  id: number;
  /** Encoded HDR histograms, µs. */
  latency: string;
  latencyUncorrected: string;
  scheduleLag: string;
  scheduleLagMaxMs: number;
  sentPerRoom: number[];
  sendErrors: number;
  /** Sends of the window still unanswered when results were taken. */
  inFlight: number;
  /** This worker's share of the run's message counts (bench/measure/accounting.ts). */
  messages: Counts;
  /** Polling transports: messages per response (bench/measure/batches.ts). */
  batches?: BatchSizes;
  /** Deliveries stamped before their scheduled send (clock error). */
  negativeLatency: number;
  /** This worker's event-loop delay over the window (excess over the monitor's period). */
  eventLoopDelay: EventLoopDelayFigures;
  /** Subscribers that joined their room. */
  connected: number;
  /** Subscribers that joined after the window opened (bench/measure/late-joins.ts). */
  lateJoins?: LateJoins;
  subscribers: number;
  reconnects: number;
  /** Client-counted HTTP requests in the window (subscribers and senders). */
  requestsInWindow: number;
  /** Client-counted wire bytes in the window, for a cross-check with the server's count. */
  bytesInWindow: { sent: number; received: number };
  cpuPercentWindow: number;
  cpuPercentPeak: number;
  timeline: WorkerTimelinePoint[];
  faultsInjected: number;
  /** Connection setup histograms (bench/measure/setup.ts); absent from older workers. */
  setup?: EncodedSetup;
  /** Cuts and restarts: outages and their recovery (bench/harness/worker/faults.ts). */
  faults?: WorkerFaults;
  /** First few problems (join failures, send errors), for the report. */
  problems: string[];
}

/** `restart`: the orchestrator is stopping the server now (epoch ms): every subscriber's outage starts. */
/** `drained`: the drain ended; deliveries after it are late, sends still out unanswered. */
export type ToWorker = { type: 'plan'; plan: WorkerPlan } | { type: 'progress' } | { type: 'drained' } | { type: 'finish' } | { type: 'restart'; atMs: number };

export type FromWorker =
  | { type: 'ready' }
  | { type: 'progress'; delivered: number; sent: number; inFlight: number; done: boolean }
  | { type: 'result'; result: WorkerResult }
  | { type: 'fatal'; error: string };
