/**
 * Faults on the load side (`--faults`, `--restart-server`): cutting a subscriber's connection
 * and measuring how long it takes to recover.
 *
 * What a cut is, per transport — the connection the client is *waiting on* dies:
 * - WebSocket: its socket is terminated (no close handshake); the client reconnects and joins
 *   with `after` = the last seq it saw.
 * - Server-Sent Events: its stream's socket is destroyed; EventSource reconnects after the
 *   server's `retry:` (1 s) with Last-Event-ID and the stream resumes past it.
 * - Long polling: its held poll's socket is destroyed; the client polls again with its cursor
 *   (the session survives on the server, so nothing is re-sent that was acknowledged).
 * - Short polling: it waits on no connection between polls, so the cut lands on its next poll
 *   (or the one out at the moment): that request's socket is destroyed under it — the way a
 *   keep-alive socket whose state a NAT or proxy dropped fails the next request sent on it.
 *   The client retries at its next tick from the same `after`.
 * In all four the client counts one reconnect when it is through again, and recovery is the
 * time from the cut to the first message delivered to that client after it: what a user sees.
 */
import type { HttpRequest, HttpRequester, HttpResult } from '../../../clients/platform.ts';
import { clockMs } from '../../measure/clock.ts';
import { createHistogram, encodeHistogram, mergeEncoded, recordMs, summarize, type Histogram } from '../../../results/histogram.ts';
import type { FaultsResult } from '../../../results/types.ts';

/**
 * An HttpRequester whose requests can be cut: `cut()` destroys the socket of every request
 * in flight, or, when none is, of the next one. One per subscriber, so a cut hits only the
 * clients it is aimed at.
 */
export class CuttableHttp implements HttpRequester {
  readonly #inner: HttpRequester;
  readonly #inFlight = new Set<AbortController>();
  #armed = false;

  constructor(inner: HttpRequester) {
    this.#inner = inner;
  }

  cut(): void {
    if (this.#inFlight.size === 0) {
      this.#armed = true;
      return;
    }
    // Aborting destroys the request's socket (node:http does not pool an aborted socket).
    for (const c of this.#inFlight) c.abort(new Error('connection cut (bench fault)'));
  }

  async request(request: HttpRequest): Promise<HttpResult> {
    const controller = new AbortController();
    const signal = request.signal === undefined ? controller.signal : AbortSignal.any([request.signal, controller.signal]);
    this.#inFlight.add(controller);
    if (this.#armed) {
      this.#armed = false;
      // Let the request reach its socket first: the connection dies under it, not before it.
      setImmediate(() => controller.abort(new Error('connection cut (bench fault)')));
    }
    try {
      return await this.#inner.request({ ...request, signal });
    } finally {
      this.#inFlight.delete(controller);
    }
  }
}

/**
 * Outages of a set of subscribers: `start(i)` when subscriber i is cut, `delivered(i)` on
 * every message it gets; each outage's cut → first delivery goes into the histogram (ms
 * fractions as µs). Outages still open at the end are unrecovered.
 */
export class RecoveryTracker {
  readonly histogram: Histogram = createHistogram();
  readonly #open = new Map<number, number[]>();
  started = 0;
  recovered = 0;

  start(subscriber: number, atMs = clockMs()): void {
    this.started++;
    const list = this.#open.get(subscriber);
    if (list === undefined) this.#open.set(subscriber, [atMs]);
    else list.push(atMs);
  }

  delivered(subscriber: number, atMs: number): void {
    const list = this.#open.get(subscriber);
    if (list === undefined) return;
    this.#open.delete(subscriber);
    // Two cuts before one delivery: each is timed from its own moment.
    for (const cutAt of list) {
      recordMs(this.histogram, Math.max(0, atMs - cutAt));
      this.recovered++;
    }
  }

  get unrecovered(): number {
    return this.started - this.recovered;
  }

  encoded(): string {
    return encodeHistogram(this.histogram);
  }
}

/** What a worker reports about faults (worker-protocol.ts). */
export interface WorkerFaults {
  cuts: number;
  recovered: number;
  /** Encoded HDR histogram, µs. */
  recovery: string;
  restartRecovered: number;
  restartStarted: number;
  restartRecovery: string;
}

/** No cut this close to the window's end: a steady stream must follow to recover to, ms. */
export const FAULT_TAIL_MS = 1000;

/** The run's faults block from its workers' reports (undefined when no worker had faults on). */
export function summarizeFaults(reports: readonly (WorkerFaults | undefined)[], reconnects: number, restart: { restarts: number; downMs: number } | undefined): FaultsResult | undefined {
  const list = reports.filter((r): r is WorkerFaults => r !== undefined);
  if (list.length === 0 && (restart === undefined || restart.restarts === 0)) return undefined;
  const sum = (pick: (r: WorkerFaults) => number): number => list.reduce((s, r) => s + pick(r), 0);
  const recovery = mergeEncoded(list.map((r) => r.recovery));
  const cuts = sum((r) => r.cuts);
  const recovered = sum((r) => r.recovered);
  const result: FaultsResult = {
    cuts,
    reconnects,
    recovered,
    unrecovered: cuts - recovered,
    recoveryMs: summarize(recovery),
    recoveryHistogram: encodeHistogram(recovery),
    serverRestarts: restart?.restarts ?? 0,
  };
  if (restart !== undefined && restart.restarts > 0) {
    result.serverDownMs = Math.round(restart.downMs);
    result.restartRecoveryMs = summarize(mergeEncoded(list.map((r) => r.restartRecovery)));
    result.restartUnrecovered = sum((r) => r.restartStarted) - sum((r) => r.restartRecovered);
  }
  return result;
}
