/** The latency charts: percentile curve (HDR "nines" axis) and CDF, one series per target and run set. */
import type { BenchResults, TargetSummary } from '../../results/types.ts';
import { cdfPoints, mergeHistograms, ninesX, percentileCurve, pointsFromSummary, type PercentilePoint } from './histograms.ts';
import { rowLabel, sweepIndex } from './targets.ts';
import type { RunSet, Point, DatasetSpec, ChartSection } from './chart-spec.ts';
import { roleSuffix, FLOOR_DASHES, lineStyle, rungStyle, runsOf, sortedSummaries } from './chart-style.ts';

/** Latency points of a summary row: merged histograms of its runs, else the JSON percentiles. */
export function latencyPoints(results: BenchResults, summary: TargetSummary, kind: 'curve' | 'cdf'): PercentilePoint[] {
  const merged = mergeHistograms(runsOf(results, summary).map((run) => run.histogram));
  if (merged) return kind === 'curve' ? percentileCurve(merged) : cdfPoints(merged);
  return pointsFromSummary(summary.latencyMs);
}

export function floorPoints(floor: BenchResults['floors'][number], kind: 'curve' | 'cdf'): PercentilePoint[] {
  const merged = mergeHistograms([floor.histogram]);
  if (merged) return kind === 'curve' ? percentileCurve(merged) : cdfPoints(merged);
  return pointsFromSummary(floor.latencyMs);
}

/** Log axes cannot show 0 ms: clamp to 1 µs (the histogram resolution). */
export const MIN_LOG_MS = 0.001;

export function toNinesPoints(points: PercentilePoint[], count: number): Point[] {
  // The max must not sit left of the last percentile point when the count is small.
  const lastX = points.reduce((x, p) => (p.percentile < 100 ? Math.max(x, ninesX(p.percentile, count)) : x), 1);
  return points.map((p) => ({ x: p.percentile >= 100 ? Math.max(count, lastX) : ninesX(p.percentile, count), y: Math.max(p.ms, MIN_LOG_MS) }));
}

export function toCdfPoints(points: PercentilePoint[], _count: number): Point[] {
  return points.map((p) => ({ x: Math.max(p.ms, MIN_LOG_MS), y: p.percentile }));
}

export function latencyChart(sets: readonly RunSet[], kind: 'curve' | 'cdf'): ChartSection {
  const id = kind === 'curve' ? 'latency-percentiles' : 'latency-cdf';
  const title = kind === 'curve' ? 'Latency by percentile' : 'Latency distribution (CDF)';
  const datasets: DatasetSpec[] = [];
  const convert = kind === 'curve' ? toNinesPoints : toCdfPoints;
  for (const set of sets) {
    const sweep = set.results.options.sweep;
    for (const summary of sortedSummaries(set.results)) {
      const points = latencyPoints(set.results, summary, kind);
      if (points.length === 0) continue;
      datasets.push({
        label: rowLabel(summary, sweep?.option) + roleSuffix(set.role),
        data: convert(points, summary.latencyMs.count),
        ...lineStyle(summary.target, set.role, sweepIndex(summary.sweepValue, sweep?.values)),
        ...rungStyle(summary, set.results),
        pointRadius: kind === 'curve' ? 2 : 0,
      });
    }
    for (const floor of set.results.floors) {
      const points = floorPoints(floor, kind);
      if (points.length === 0) continue;
      datasets.push({
        label: `floor: ${floor.name}${roleSuffix(set.role)}`,
        data: convert(points, floor.samples),
        ...lineStyle('floor', set.role, 0),
        borderDash: FLOOR_DASHES[floor.name] ?? [2, 3],
        borderWidth: 1.5,
        pointRadius: 0,
      });
    }
  }
  if (datasets.length === 0) return { id, title, skipped: 'No latency was recorded (no deliveries), so there is nothing to plot.' };
  if (kind === 'curve') {
    return {
      id,
      title,
      caption:
        'Latency (receive time − scheduled send time) at each percentile, merged across repetitions. Log scales: a line one grid step higher is ten times slower. Dotted black lines are the floors — raw loopback echoes measured in the same run.',
      type: 'line',
      wide: true,
      datasets,
      x: { kind: 'nines', title: 'Percentile (log scale of 1 / (1 − p))' },
      y: { kind: 'log', title: 'Latency (ms, log scale)' },
    };
  }
  return {
    id,
    title,
    caption: 'Share of deliveries that arrived within a given latency. Further left is faster; a long flat tail to the right is the slow minority.',
    type: 'line',
    wide: true,
    datasets,
    x: { kind: 'log', title: 'Latency (ms, log scale)' },
    y: { kind: 'linear', title: 'Deliveries at or below (%)', beginAtZero: true, max: 100 },
  };
}
