/**
 * When is a run load-bound (the load generator, not the server, set the numbers)? Any of:
 * - the load cores were busy (steal included) above LOAD_CORES_BUSY_LIMIT_PERCENT over the
 *   window, seen in /proc/stat from outside the workers (two workers at 50% fill one core);
 * - a load worker used more than WORKER_CPU_LIMIT_PERCENT of a core;
 * - the senders' lag behind the schedule (p50) is a real fraction of the latency p50, or its
 *   p99 passes SCHEDULE_LAG_LIMIT_MS;
 * - a worker's event-loop delay p99 is a real fraction of the latency p99 being measured:
 *   a receiver that stamps late adds its own delay to every sample;
 * - a subscriber joined only after the window opened (bench/measure/late-joins.ts): the warm-up could
 *   not connect everyone, so the window's first seconds measured fewer subscribers than asked.
 * Each limit is declared once, in results/load-bound-limits.ts (the report's methodology cites
 * them too, without the bench); docs/results.md cites them.
 */
import type { LatencySummaryMs } from '../../results/types.ts';
import type { LoadCoreFigures } from './load-cores.ts';

import {
  ELD_FLOOR_MS,
  ELD_SHARE_LIMIT,
  LAG_FLOOR_MS,
  LAG_SHARE_LIMIT,
  LOAD_CORES_BUSY_LIMIT_PERCENT,
  SCHEDULE_LAG_LIMIT_MS,
  WORKER_CPU_LIMIT_PERCENT,
} from '../../results/load-bound-limits.ts';

export { ELD_FLOOR_MS, ELD_SHARE_LIMIT, LAG_FLOOR_MS, LAG_SHARE_LIMIT, LOAD_CORES_BUSY_LIMIT_PERCENT, SCHEDULE_LAG_LIMIT_MS, WORKER_CPU_LIMIT_PERCENT };

export interface LoadFigures {
  cpuWindowMax: number;
  lag: LatencySummaryMs;
  lagMax: number;
  eventLoopDelay: { p50Ms: number; p99Ms: number };
  latency: LatencySummaryMs;
  loadCores?: LoadCoreFigures;
  /** Subscribers that joined after the window opened, of `subscribers`, and the latest's delay, ms. */
  lateJoins?: { count: number; subscribers: number; maxMs: number };
}

/** Why the run was load-bound, one sentence per reason with its figures; empty when it was not. */
export function loadBoundReasons(f: LoadFigures): string[] {
  const reasons: string[] = [];
  const ms = (n: number): string => `${n.toFixed(n < 10 ? 2 : 0)} ms`;
  if (f.loadCores !== undefined && f.loadCores.busyPercent > LOAD_CORES_BUSY_LIMIT_PERCENT) {
    reasons.push(`the load cores (${f.loadCores.cores.join(',')}) were ${f.loadCores.busyPercent.toFixed(0)}% busy over the window (steal ${f.loadCores.stealPercent.toFixed(0)}%; limit ${LOAD_CORES_BUSY_LIMIT_PERCENT}%)`);
  }
  if (f.cpuWindowMax > WORKER_CPU_LIMIT_PERCENT) reasons.push(`a load worker used ${f.cpuWindowMax.toFixed(0)}% of a core over the window (limit ${WORKER_CPU_LIMIT_PERCENT}%)`);
  if (f.lag.p99 > SCHEDULE_LAG_LIMIT_MS) reasons.push(`senders fell behind their schedule: lag p99 ${ms(f.lag.p99)} (limit ${SCHEDULE_LAG_LIMIT_MS} ms), max ${ms(f.lagMax)}`);
  else if (f.lag.count > 0 && f.latency.count > 0 && f.lag.p50 > LAG_FLOOR_MS && f.lag.p50 > LAG_SHARE_LIMIT * f.latency.p50) {
    reasons.push(`sender lag p50 ${ms(f.lag.p50)} is ${((f.lag.p50 / Math.max(1e-9, f.latency.p50)) * 100).toFixed(0)}% of latency p50 ${ms(f.latency.p50)} (limit ${LAG_SHARE_LIMIT * 100}%)`);
  }
  if (f.latency.count > 0 && f.eventLoopDelay.p99Ms > ELD_FLOOR_MS && f.eventLoopDelay.p99Ms > ELD_SHARE_LIMIT * f.latency.p99) {
    reasons.push(`a load worker's event-loop delay p99 ${ms(f.eventLoopDelay.p99Ms)} is ${((f.eventLoopDelay.p99Ms / Math.max(1e-9, f.latency.p99)) * 100).toFixed(0)}% of latency p99 ${ms(f.latency.p99)} (limit ${ELD_SHARE_LIMIT * 100}%)`);
  }
  if (f.lateJoins !== undefined && f.lateJoins.count > 0) {
    reasons.push(`${f.lateJoins.count} of ${f.lateJoins.subscribers} subscribers joined only after the window opened (the latest ${ms(f.lateJoins.maxMs)} late): the load side could not connect them in the warm-up (a longer --warmup, fewer clients, or a quieter machine)`);
  }
  return reasons;
}
