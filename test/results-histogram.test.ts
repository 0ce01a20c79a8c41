/** results/histogram.ts: one module for the bench and the report — encoded, merged by counts, never averaged. */
import { describe, expect, it } from 'vitest';
import { createHistogram, decodeHistogram, encodeHistogram, mergeEncoded, mergeHistograms, recordMs, summarize } from '../results/histogram.ts';

function encodedOf(valuesMs: readonly number[]): string {
  const h = createHistogram();
  for (const v of valuesMs) recordMs(h, v);
  return encodeHistogram(h);
}

describe('results/histogram', () => {
  it('merges by adding counts: the merged p50 is not the average of the parts’ p50s', () => {
    const fast = encodedOf(Array.from({ length: 90 }, () => 1));
    const slow = encodedOf(Array.from({ length: 10 }, () => 100));
    const merged = summarize(mergeEncoded([fast, slow]));
    expect(merged.count).toBe(100);
    expect(merged.p50).toBe(1);
    expect(merged.max).toBeCloseTo(100, 0);
    expect(merged.p50).not.toBeCloseTo((1 + 100) / 2, 0);
  });

  it('records integer µs, at least 1 µs, and round-trips through the encoding', () => {
    const h = createHistogram();
    recordMs(h, 0);
    recordMs(h, 2.5);
    const back = decodeHistogram(encodeHistogram(h));
    expect(back.totalCount).toBe(2);
    expect(back.minNonZeroValue).toBe(1);
    expect(summarize(back).max).toBeCloseTo(2.5, 2);
  });

  it('the bench and the report merge alike; the report’s merge skips corrupt and empty ones and says when nothing is left', () => {
    const a = encodedOf([1, 2, 3]);
    const b = encodedOf([10, 20]);
    const empty = encodeHistogram(createHistogram());
    const forReport = mergeHistograms([a, '', 'not base64 HDR', empty, b]);
    expect(forReport).toBeDefined();
    expect(summarize(forReport ?? createHistogram())).toEqual(summarize(mergeEncoded([a, b])));
    expect(mergeHistograms(['', empty, '@@'])).toBeUndefined();
    expect(() => mergeEncoded(['@@'])).toThrow();
    expect(summarize(mergeEncoded([]))).toEqual({ p50: 0, p90: 0, p99: 0, p999: 0, max: 0, mean: 0, count: 0 });
  });
});
