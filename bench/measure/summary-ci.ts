/**
 * Confidence intervals on the summary (bench/measure/bootstrap.ts): latency p50/p99 per row, and the
 * ratios the report shows — pushlab ÷ bare baseline and pushlab ÷ Socket.IO peer.
 */
import { BOOTSTRAP_ITERATIONS, BOOTSTRAP_LEVEL, gridOf, interval, ratioInterval, replicates, seedOf } from './bootstrap.ts';
import type { RunResult, TargetSummary } from '../../results/types.ts';
import type { LatencyIntervals, RatioIntervals } from '../../results/types.ts';

export type { LatencyIntervals, RatioIntervals };

const keyOf = (r: Pick<TargetSummary, 'target' | 'topology' | 'sweepValue'>): string => `${r.target}\u0000${r.topology ?? ''}\u0000${String(r.sweepValue ?? '')}`;

export function attachIntervals(summaries: TargetSummary[], runs: readonly RunResult[]): void {
  const reps = new Map<string, number[][]>();
  for (const s of summaries) {
    const own = runs.filter((r) => keyOf(r) === keyOf(s) && r.error === undefined && r.histogram !== '');
    if (own.length === 0) continue;
    const rep = replicates(gridOf(own.map((r) => r.histogram)), [0.5, 0.99], seedOf(keyOf(s)));
    const p50 = interval(rep[0] ?? []);
    const p99 = interval(rep[1] ?? []);
    if (p50 === undefined || p99 === undefined) continue;
    reps.set(keyOf(s), rep);
    s.latencyCi = { p50Ms: p50, p99Ms: p99, level: BOOTSTRAP_LEVEL, iterations: BOOTSTRAP_ITERATIONS, method: 'runs+deliveries' };
  }
  const ratio = (s: TargetSummary, other: RunTarget): RatioIntervals | undefined => {
    const a = reps.get(keyOf(s));
    const b = reps.get(keyOf({ target: other, ...(s.sweepValue === undefined ? {} : { sweepValue: s.sweepValue }) }));
    if (a === undefined || b === undefined) return undefined;
    const p50 = ratioInterval(a[0] ?? [], b[0] ?? []);
    const p99 = ratioInterval(a[1] ?? [], b[1] ?? []);
    return p50 === undefined || p99 === undefined ? undefined : { p50, p99 };
  };
  for (const s of summaries) {
    const b = s.baselineMultiple === undefined ? undefined : ratio(s, s.baselineMultiple.baseline);
    if (s.baselineMultiple !== undefined && b !== undefined) s.baselineMultiple.ci = b;
    const p = s.peerMultiple === undefined ? undefined : ratio(s, s.peerMultiple.peer);
    if (s.peerMultiple !== undefined && p !== undefined) s.peerMultiple.ci = p;
  }
}

type RunTarget = TargetSummary['target'];
