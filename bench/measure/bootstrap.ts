/**
 * Bootstrap confidence intervals for latency percentiles, from the repetitions' histograms.
 *
 * Two-level (hierarchical) resampling, because deliveries are not independent: the deliveries
 * of one run share its server, its moment and its machine noise (p99 moves ±20% between runs
 * while a run's own percentile is pinned by 10⁴–10⁵ samples). Each replicate therefore
 * 1. draws the runs with replacement (run-to-run variation), then
 * 2. resamples the deliveries of the runs drawn: the rank of the quantile in a bootstrap
 *    sample of N deliveries is Binomial(N, q), drawn as its normal approximation
 *    N·q + z·√(N·q·(1−q)), and read off the merged histogram (within-run sampling noise).
 * With one repetition only step 2 varies: the interval is then sampling noise alone and says
 * nothing about run-to-run spread (the verdict keeps its 20% single-run tie for that).
 * Seeded (mulberry32, bench/measure/schedule.ts): the same results give the same intervals.
 */
import { decodeHistogram } from '../../results/histogram.ts';
import { seededRandom } from './schedule.ts';

import { BOOTSTRAP_ITERATIONS } from '../../results/method-limits.ts';

export { BOOTSTRAP_ITERATIONS };
export const BOOTSTRAP_LEVEL = 0.95;

/** The histogram internals the walk needs (hdr-histogram-js's JS histograms have them). */
interface Walkable {
  countsArrayLength: number;
  getCountAtIndex(index: number): number;
  valueFromIndex(index: number): number;
  totalCount: number;
}

/** Runs on one value grid: per run, cumulative counts at each grid value (µs). */
export interface RunGrid {
  values: number[];
  cumulative: Float64Array[];
  totals: number[];
}

export function gridOf(encoded: readonly string[]): RunGrid {
  const perRun = encoded.filter((e) => e !== '').map((e) => {
    const h = decodeHistogram(e) as unknown as Walkable;
    const bucket = new Map<number, number>();
    for (let i = 0; i < h.countsArrayLength; i++) {
      const c = h.getCountAtIndex(i);
      if (c > 0) bucket.set(h.valueFromIndex(i), (bucket.get(h.valueFromIndex(i)) ?? 0) + c);
    }
    return bucket;
  });
  const values = [...new Set(perRun.flatMap((b) => [...b.keys()]))].sort((a, b) => a - b);
  const cumulative = perRun.map((b) => {
    const cum = new Float64Array(values.length);
    let sum = 0;
    values.forEach((v, i) => {
      sum += b.get(v) ?? 0;
      cum[i] = sum;
    });
    return cum;
  });
  return { values, cumulative, totals: cumulative.map((c) => c[c.length - 1] ?? 0) };
}

/** The smallest grid value whose count over the drawn runs reaches `rank`. */
function valueAtRank(grid: RunGrid, drawn: readonly number[], rank: number): number {
  let lo = 0;
  let hi = grid.values.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    let c = 0;
    for (const r of drawn) c += grid.cumulative[r]?.[mid] ?? 0;
    if (c >= rank) hi = mid;
    else lo = mid + 1;
  }
  return grid.values[lo] ?? 0;
}

/** Bootstrap replicates of the quantiles `qs` (0–1), ms, one array per quantile. */
export function replicates(grid: RunGrid, qs: readonly number[], seed: number, iterations = BOOTSTRAP_ITERATIONS): number[][] {
  const out = qs.map(() => [] as number[]);
  const runs = grid.totals.length;
  if (runs === 0 || grid.values.length === 0) return out;
  const rnd = seededRandom(seed);
  const normal = (): number => Math.sqrt(-2 * Math.log(1 - rnd())) * Math.cos(2 * Math.PI * rnd());
  for (let i = 0; i < iterations; i++) {
    const drawn = Array.from({ length: runs }, () => Math.floor(rnd() * runs));
    const n = drawn.reduce((s, r) => s + (grid.totals[r] ?? 0), 0);
    qs.forEach((q, k) => {
      const rank = Math.min(n, Math.max(1, Math.ceil(n * q + normal() * Math.sqrt(n * q * (1 - q)))));
      out[k]?.push(valueAtRank(grid, drawn, rank) / 1000);
    });
  }
  return out;
}

/** The central `level` interval of replicates, rounded to µs (ms with 3 decimals). */
export function interval(values: readonly number[], level = BOOTSTRAP_LEVEL): [number, number] | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const at = (p: number): number => sorted[Math.min(sorted.length - 1, Math.max(0, Math.floor(p * (sorted.length - 1))))] ?? 0;
  const r = (v: number): number => Math.round(v * 1000) / 1000;
  return [r(at((1 - level) / 2)), r(at(1 - (1 - level) / 2))];
}

/** Interval of a ÷ b, replicate by replicate (independent draws of the two targets). */
export function ratioInterval(a: readonly number[], b: readonly number[], level = BOOTSTRAP_LEVEL): [number, number] | undefined {
  const n = Math.min(a.length, b.length);
  const ratios: number[] = [];
  for (let i = 0; i < n; i++) if ((b[i] ?? 0) > 0) ratios.push((a[i] ?? 0) / (b[i] ?? 1));
  const ci = interval(ratios, level);
  return ci === undefined ? undefined : [Math.round(ci[0] * 100) / 100, Math.round(ci[1] * 100) / 100];
}

/** A stable 32-bit seed from a row's key (FNV-1a): each row gets its own stream. */
export function seedOf(key: string, base = 1): number {
  let h = 0x811c9dc5 ^ base;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193);
  return h >>> 0;
}
