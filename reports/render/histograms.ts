/**
 * Turns merged HDR histograms (results/histogram.ts: integer µs, merged by adding counts, never
 * by averaging percentiles) into plot points in ms. When a histogram is missing or unreadable
 * (a failed run), the caller falls back to the LatencySummaryMs in the JSON (pointsFromSummary).
 */
import type { Histogram } from '../../results/histogram.ts';
import type { LatencySummaryMs } from '../../results/types.ts';

// The merge itself is the one the bench uses too (results/histogram.ts); the charts take it from here.
export { mergeHistograms } from '../../results/histogram.ts';

const US_PER_MS = 1000;

/** One point of a percentile curve: `percentile` in 0..100, `ms` the latency at or below it. */
export interface PercentilePoint {
  percentile: number;
  ms: number;
}

/**
 * Percentiles used for the "HDR" percentile curve: dense up to p99.999, but only as far as the
 * sample count supports (p99.99 of 1 000 samples is just the max).
 */
const CURVE_PERCENTILES = [0, 10, 25, 50, 75, 80, 90, 95, 97.5, 99, 99.5, 99.75, 99.9, 99.95, 99.99, 99.995, 99.999];

/** Percentile curve in ms, ending with the max at percentile 100. */
export function percentileCurve(histogram: Histogram): PercentilePoint[] {
  const count = histogram.totalCount;
  const points: PercentilePoint[] = [];
  for (const p of CURVE_PERCENTILES) {
    if (p > 0 && 1 / (1 - p / 100) > count) break;
    points.push({ percentile: p, ms: histogram.getValueAtPercentile(p) / US_PER_MS });
  }
  points.push({ percentile: 100, ms: maxMs(histogram) });
  return points;
}

/**
 * The max as the percentiles read it: the top of the max's bucket (getValueAtPercentile(100)),
 * like summarize()'s `max`. A merged or decoded histogram's `maxValue` can sit at the bottom of
 * that bucket, below p99.99 read the other way — a curve that would dip at its end.
 */
function maxMs(histogram: Histogram): number {
  return histogram.getValueAtPercentile(100) / US_PER_MS;
}

/** Percentiles for the CDF: every percent, then the tail, then the max. */
const CDF_PERCENTILES = [...Array.from({ length: 100 }, (_, i) => i), 99.5, 99.9, 99.99];

export function cdfPoints(histogram: Histogram): PercentilePoint[] {
  const points = CDF_PERCENTILES.map((p) => ({ percentile: p, ms: histogram.getValueAtPercentile(p) / US_PER_MS }));
  points.push({ percentile: 100, ms: maxMs(histogram) });
  return points;
}

/** The fallback: the five percentiles every run records in its JSON summary. */
export function pointsFromSummary(summary: LatencySummaryMs): PercentilePoint[] {
  if (summary.count <= 0) return [];
  return [
    { percentile: 50, ms: summary.p50 },
    { percentile: 90, ms: summary.p90 },
    { percentile: 99, ms: summary.p99 },
    { percentile: 99.9, ms: summary.p999 },
    { percentile: 100, ms: summary.max },
  ];
}

/**
 * The x coordinate of a percentile on a "nines" axis: 1 / (1 − p). p50 → 2, p90 → 10, p99 → 100.
 * The max (p100) sits where the last of `count` samples would: x = count, as HDR plots do.
 */
export function ninesX(percentile: number, count: number): number {
  if (percentile >= 100) return Math.max(count, 1);
  return 1 / (1 - percentile / 100);
}
