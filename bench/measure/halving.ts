/**
 * The halving check: does sharing a load worker's event loop between many
 * subscribers move WebSocket latency? The same WebSocket bench runs with the default
 * subscribers per worker and with half (PUSHLAB_SUBSCRIBERS_PER_WORKER), and p50 must not
 * move beyond its bootstrap interval. scripts/halving-check.ts runs it and prints both.
 */
import type { BenchResults, TargetSummary } from '../../results/types.ts';

export interface HalvingFigures {
  perWorker: number;
  workers: number;
  p50Ms: number;
  p99Ms: number;
  p50Ci?: readonly [number, number];
  loadBound: boolean;
}

export interface HalvingVerdict {
  unchanged: boolean;
  /** (halved − default) ÷ default p50, percent. */
  changePercent: number;
  text: string;
}

/** Subscribers per worker by default (bench/harness/worker-plans.ts CLIENTS_PER_WORKER) and halved. */
export const DEFAULT_PER_WORKER = 500;
export const HALVED_PER_WORKER = 250;

/** The WebSocket row of a results file, as the check's figures. */
export function halvingFigures(results: BenchResults, perWorker: number): HalvingFigures {
  const row: TargetSummary | undefined = results.summary.find((s) => s.target === 'websocket');
  if (row === undefined) throw new Error('the bench produced no websocket row');
  const runs = results.runs.filter((r) => r.target === 'websocket');
  return {
    perWorker,
    workers: Math.max(0, ...runs.map((r) => r.workers.workers ?? 0)),
    p50Ms: row.latencyMs.p50,
    p99Ms: row.latencyMs.p99,
    ...(row.latencyCi === undefined ? {} : { p50Ci: row.latencyCi.p50Ms }),
    loadBound: row.loadBound === true,
  };
}

/**
 * Unchanged when the two p50 intervals overlap (or, without intervals, within 10%). A
 * load-bound side makes the comparison void: it is reported as changed with the reason.
 */
export function judgeHalving(a: HalvingFigures, b: HalvingFigures): HalvingVerdict {
  const changePercent = a.p50Ms > 0 ? Math.round(((b.p50Ms - a.p50Ms) / a.p50Ms) * 1000) / 10 : 0;
  if (a.loadBound || b.loadBound) return { unchanged: false, changePercent, text: `void: ${a.loadBound ? `${a.perWorker}/worker` : `${b.perWorker}/worker`} was load-bound (rerun on a quiet machine or with fewer clients)` };
  if (a.workers === b.workers) return { unchanged: false, changePercent, text: `void: both runs used ${a.workers} subscriber worker(s) — use more clients than ${b.perWorker} so halving adds workers` };
  const overlap = a.p50Ci !== undefined && b.p50Ci !== undefined ? a.p50Ci[0] <= b.p50Ci[1] && b.p50Ci[0] <= a.p50Ci[1] : Math.abs(changePercent) <= 10;
  return overlap
    ? { unchanged: true, changePercent, text: `unchanged: p50 moved ${changePercent}% and the intervals overlap` }
    : { unchanged: false, changePercent, text: `CHANGED: p50 moved ${changePercent}% beyond the intervals — the shared worker loop moves the figures` };
}
