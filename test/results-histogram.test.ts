/** results/histogram.ts: one module for the bench and the report — encoded, merged by counts, never averaged. */
import { describe, expect, it } from 'vitest';
import { createHistogram, decodeHistogram, encodeHistogram, mergeEncoded, mergeHistograms, recordMs, summarize } from '../results/histogram.ts';

function encodedOf(valuesMs: readonly number[]): string {
  const h = createHistogram();
  for (const v of valuesMs) recordMs(h, v);
  return encodeHistogram(h);
}

describe('results/histogram', () => {
  // Recording, encoding and the bench's merge are also covered in bench-units.test.ts (written before this module).
  it('records at least 1 µs', () => {
    const h = createHistogram();
    recordMs(h, 0);
    expect(decodeHistogram(encodeHistogram(h)).minNonZeroValue).toBe(1);
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
