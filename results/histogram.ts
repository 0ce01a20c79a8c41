/**
 * Latency histograms, the one module for the bench (which records and merges them) and the
 * report (which merges and plots them): HDR (hdr-histogram-js), integer microseconds, 3
 * significant digits. Histograms travel encoded (compressed base64, in results.json too) and
 * are merged by adding counts: percentiles are never averaged across workers or repetitions.
 */
import { build, decodeFromCompressedBase64, encodeIntoCompressedBase64, type Histogram } from 'hdr-histogram-js';
import type { LatencySummaryMs } from './schema/common.ts';

export type { Histogram };

export function createHistogram(): Histogram {
  // 1 µs to auto-resized max; 3 digits = 0.1% value resolution.
  return build({ lowestDiscernibleValue: 1, highestTrackableValue: 3_600_000_000, numberOfSignificantValueDigits: 3, autoResize: true });
}

/** Record a latency given in ms (fractions allowed) as integer µs, at least 1 µs. */
export function recordMs(histogram: Histogram, ms: number): void {
  histogram.recordValue(Math.max(1, Math.round(ms * 1000)));
}

export function encodeHistogram(histogram: Histogram): string {
  return encodeIntoCompressedBase64(histogram);
}

export function decodeHistogram(encoded: string): Histogram {
  return decodeFromCompressedBase64(encoded);
}

/** The bench's merge: encoded histograms into one (new) histogram. Empty strings are skipped. */
export function mergeEncoded(encoded: readonly string[]): Histogram {
  const merged = createHistogram();
  for (const text of encoded) {
    if (text === '') continue;
    merged.add(decodeHistogram(text));
  }
  return merged;
}

/**
 * The report's merge: like mergeEncoded, but a corrupt histogram is skipped (it must not take
 * the whole report down; the run's summary still shows), and undefined means "nothing to plot"
 * (none decodes, or all are empty), so the caller falls back to the JSON summary.
 */
export function mergeHistograms(encoded: readonly string[]): Histogram | undefined {
  let merged: Histogram | undefined;
  for (const text of encoded) {
    if (!text) continue;
    let decoded: Histogram;
    try {
      decoded = decodeHistogram(text);
    } catch {
      continue;
    }
    if (decoded.totalCount === 0) continue;
    merged ??= createHistogram();
    merged.add(decoded);
  }
  return merged;
}

const round3 = (n: number): number => Math.round(n * 1000) / 1000;

/** Percentiles in ms (3 decimals = µs). An empty histogram gives zeros with count 0. */
export function summarize(histogram: Histogram): LatencySummaryMs {
  if (histogram.totalCount === 0) return { p50: 0, p90: 0, p99: 0, p999: 0, max: 0, mean: 0, count: 0 };
  const at = (p: number): number => round3(histogram.getValueAtPercentile(p) / 1000);
  return { p50: at(50), p90: at(90), p99: at(99), p999: at(99.9), max: at(100), mean: round3(histogram.mean / 1000), count: histogram.totalCount };
}
