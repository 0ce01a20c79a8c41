/**
 * A load worker's view of its own health over the window: event-loop delay (perf_hooks'
 * monitorEventLoopDelay) and deliveries stamped before their scheduled send (negative
 * latency: a clock error, never clamped away). The orchestrator sets these beside the load
 * cores' busy time (bench/measure/load-cores.ts) to decide whether the run was load-bound.
 */
import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';

/** The monitor's timer period, ms: its samples include it, so it is taken off (excess delay). */
const ELD_RESOLUTION_MS = 10;

export interface EventLoopDelayFigures {
  /** Delay beyond the timer period, ms: p50, p99 and max over the window. */
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}

export class LoadHealth {
  #eld: IntervalHistogram | undefined;
  negativeLatency = 0;

  /** The window opens: start (or restart) the event-loop delay monitor. */
  windowStart(): void {
    this.#eld ??= monitorEventLoopDelay({ resolution: ELD_RESOLUTION_MS });
    this.#eld.reset();
    this.#eld.enable();
  }

  /** The window closed: stop sampling, keep the figures. */
  windowEnd(): void {
    this.#eld?.disable();
  }

  eventLoopDelay(): EventLoopDelayFigures {
    const h = this.#eld;
    const excess = (ns: number): number => Math.round(Math.max(0, ns / 1e6 - ELD_RESOLUTION_MS) * 1000) / 1000;
    if (h === undefined || h.count === 0) return { p50Ms: 0, p99Ms: 0, maxMs: 0 };
    return { p50Ms: excess(h.percentile(50)), p99Ms: excess(h.percentile(99)), maxMs: excess(h.max) };
  }
}
