import { describe, expect, it } from 'vitest';
import { gridOf, interval, ratioInterval, replicates, seedOf } from '../bench/measure/bootstrap.ts';
import { createHistogram, encodeHistogram } from '../results/histogram.ts';
import { summarizeRuns } from '../bench/measure/summary.ts';
import type { RunResult } from '../results/types.ts';
import { seededRandom } from '../bench/measure/schedule.ts';
import { clone, loadFixture } from './fixtures/report-helpers.ts';
import { beyondSpread, type HeadlineMetric } from '../reports/render/verdict.ts';
import { renderReport } from '../reports/render/report.ts';
import type { TargetSummary } from '../results/types.ts';

/** A run's histogram: `n` latencies uniform in [lo, hi) ms (seeded). */
function encoded(lo: number, hi: number, n = 5000, seed = 1): string {
  const h = createHistogram();
  const rnd = seededRandom(seed);
  for (let i = 0; i < n; i++) h.recordValue(Math.round((lo + rnd() * (hi - lo)) * 1000));
  return encodeHistogram(h);
}

describe('bootstrap intervals', () => {
  it('are deterministic for a seed, and hold the point estimate', () => {
    const grid = gridOf([encoded(1, 3, 5000, 1), encoded(1, 3, 5000, 2), encoded(1, 3, 5000, 3)]);
    const a = replicates(grid, [0.5, 0.99], seedOf('websocket'));
    const b = replicates(grid, [0.5, 0.99], seedOf('websocket'));
    expect(a).toEqual(b);
    const p50 = interval(a[0] ?? []);
    expect(p50?.[0]).toBeLessThanOrEqual(2);
    expect(p50?.[1]).toBeGreaterThanOrEqual(1.95);
    expect((p50?.[1] ?? 0) - (p50?.[0] ?? 0)).toBeLessThan(0.1);
  });

  it('widen with the run-to-run spread (runs are resampled, not only deliveries)', () => {
    const same = interval(replicates(gridOf([encoded(1, 3, 5000, 1), encoded(1, 3, 5000, 2), encoded(1, 3, 5000, 3)]), [0.5], 7)[0] ?? []);
    const apart = interval(replicates(gridOf([encoded(1, 3, 5000, 1), encoded(2, 4, 5000, 2), encoded(3, 5, 5000, 3)]), [0.5], 7)[0] ?? []);
    if (same === undefined || apart === undefined) throw new Error('no interval');
    expect(apart[1] - apart[0]).toBeGreaterThan(5 * (same[1] - same[0]));
  });

  it('gives ratio intervals replicate by replicate, and none without data', () => {
    expect(ratioInterval([2, 4, 6], [1, 2, 3])).toEqual([2, 2]);
    expect(interval([])).toBeUndefined();
    expect(replicates(gridOf([]), [0.5], 1)).toEqual([[]]);
  });

  it('lands in the summary: latency intervals per row and on the baseline ratio', () => {
    const runs = loadFixture('basic').runs as RunResult[];
    const summary = summarizeRuns(runs, loadFixture('basic').floors);
    const ws = summary.find((s) => s.target === 'websocket');
    expect(ws?.latencyCi?.method).toBe('runs+deliveries');
    const [lo = 0, hi = 0] = ws?.latencyCi?.p50Ms ?? [];
    expect(lo).toBeLessThanOrEqual(hi);
    const ci = ws?.baselineMultiple?.ci;
    expect(ci?.p50[0]).toBeLessThanOrEqual(ci?.p50[1] ?? -1);
    const peers = loadFixture('peers');
    const lab = summarizeRuns(peers.runs, peers.floors).find((s) => s.target === 'websocket');
    expect(lab?.peerMultiple?.ci?.p99.length).toBe(2);
    // Same input, same bytes.
    expect(JSON.stringify(summarizeRuns(runs, loadFixture('basic').floors))).toBe(JSON.stringify(summary));
  });
});

describe('intervals in the report and the verdict', () => {
  it('shows the intervals in the summary table', () => {
    const results = clone(loadFixture('basic'));
    results.summary = summarizeRuns(results.runs, results.floors);
    const html = renderReport(results);
    expect(html).toMatch(/95% CI [\d.]+–[\d.]+<\/span>/);
    expect(html).toMatch(/95% CI [\d.]+–[\d.]+× p50/);
  });

  it('calls no win while the latency intervals overlap, even with the min–max ranges apart', () => {
    const row = (p50: number, lo: number, hi: number): TargetSummary => {
      const s = clone(loadFixture('basic').summary[0] as TargetSummary);
      s.repetitions = 3;
      s.latencyMs.p50 = p50;
      s.p50Ms = { median: p50, min: p50 - 0.1, max: p50 + 0.1 };
      s.latencyCi = { p50Ms: [lo, hi], p99Ms: [lo, hi], level: 0.95, iterations: 1000, method: 'runs+deliveries' };
      return s;
    };
    const metric: HeadlineMetric = { name: 'p50', value: (s) => s.latencyMs.p50, spread: (s) => s.p50Ms, ci: (s) => s.latencyCi?.p50Ms, show: String, worse: 'slower' };
    expect(beyondSpread(metric, row(1, 0.8, 1.2), row(2, 1.8, 2.2))).toBe(true);
    expect(beyondSpread(metric, row(1, 0.8, 1.9), row(2, 1.8, 2.2))).toBe(false);
  });
});

describe('intervals in the Socket.IO sentence', () => {
  it('names no side while the ratio interval spans 1×', async () => {
    const { peerSentence } = await import('../reports/render/peers.ts');
    const results = clone(loadFixture('peers'));
    const lab = results.summary.find((s) => s.target === 'websocket') as TargetSummary;
    if (lab.peerMultiple === undefined) throw new Error('fixture has no peer multiple');
    lab.peerMultiple.p50 = 0.7;
    lab.peerMultiple.ci = { p50: [0.6, 0.8], p99: [0.6, 0.8] };
    expect(peerSentence(lab, undefined)).toContain('p50 0.7× [95% CI 0.6×–0.8×] (pushlab faster)');
    lab.peerMultiple.ci = { p50: [0.5, 1.1], p99: [0.6, 0.8] };
    expect(peerSentence(lab, undefined)).toContain('p50 0.7× [95% CI 0.5×–1.1×] (about the same)');
  });
});
