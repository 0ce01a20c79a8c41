/** The sweep charts (one metric across the sweep values) and the capacity chart. */
import type { RunTarget, TargetSummary } from '../../results/types.ts';
import { EXTRA_COLOURS, targetColour } from './targets.ts';
import type { RunSet, DatasetSpec, ChartSection } from './chart-spec.ts';
import { withAlpha, roleSuffix, lineStyle, sortedSummaries } from './chart-style.ts';
import { MIN_LOG_MS } from './chart-latency.ts';

export interface SweepMetric {
  id: string;
  title: string;
  axis: string;
  value: (s: TargetSummary) => number;
  log: boolean;
}

export const SWEEP_METRICS: readonly SweepMetric[] = [
  { id: 'sweep-p50', title: 'p50 latency', axis: 'p50 latency (ms, log scale)', value: (s) => s.latencyMs.p50, log: true },
  { id: 'sweep-p99', title: 'p99 latency', axis: 'p99 latency (ms, log scale)', value: (s) => s.latencyMs.p99, log: true },
  { id: 'sweep-rps', title: 'HTTP requests per second', axis: 'HTTP requests per second (req/s)', value: (s) => s.requestsPerSecond.median, log: false },
  {
    id: 'sweep-cpu',
    title: 'Server CPU per 1 000 messages',
    axis: 'CPU time per 1 000 deliveries (ms)',
    value: (s) => s.cpuSecondsPer1kDelivered.median * 1000,
    log: false,
  },
];

export function sweepCharts(sets: readonly RunSet[]): ChartSection[] {
  const swept = sets.filter((set) => set.results.options.sweep !== undefined);
  const first = swept[0]?.results.options.sweep;
  if (!first) return [];
  // X axis: every swept value, in declaration order, across the sets.
  const values: (number | string)[] = [];
  for (const set of swept) for (const v of set.results.options.sweep?.values ?? []) if (!values.includes(v)) values.push(v);
  const labels = values.map(String);
  return SWEEP_METRICS.map((metric): ChartSection => {
    const datasets: DatasetSpec[] = [];
    for (const set of swept) {
      const targets = [...new Set(sortedSummaries(set.results).map((s) => s.target))];
      for (const target of targets) {
        const data = values.map((value) => {
          const row = set.results.summary.find((s) => s.target === target && s.sweepValue === value);
          if (!row) return null;
          const y = metric.value(row);
          return metric.log ? Math.max(y, MIN_LOG_MS) : y;
        });
        datasets.push({ label: target + roleSuffix(set.role), data, ...lineStyle(target, set.role, 0), pointRadius: 4, spanGaps: true });
      }
    }
    const title = `${metric.title} vs ${first.option}`;
    if (datasets.length === 0) return { id: metric.id, title, skipped: 'The sweep produced no summary rows.' };
    return {
      id: metric.id,
      title,
      caption: `Median over repetitions (percentiles from merged histograms) at each value of ${first.option}.`,
      type: 'line',
      labels,
      datasets,
      x: { kind: 'category', title: `${first.option} (swept value)` },
      y: metric.log ? { kind: 'log', title: metric.axis } : { kind: 'linear', title: metric.axis, beginAtZero: true },
    };
  });
}

export function capacityChart(sets: readonly RunSet[]): ChartSection {
  const id = 'capacity';
  const title = 'HTTP capacity (autocannon)';
  const labels: string[] = [];
  const transportOf = new Map<string, RunTarget>();
  for (const set of sets) {
    for (const c of set.results.capacity) {
      const label = `${c.endpoint} · ${c.transport}`;
      if (!transportOf.has(label)) {
        labels.push(label);
        transportOf.set(label, c.transport);
      }
    }
  }
  if (labels.length === 0) {
    return { id, title, skipped: 'No capacity test ran (the bench runs autocannon only with --capacity).' };
  }
  const datasets: DatasetSpec[] = sets
    .filter((set) => set.results.capacity.length > 0)
    .map((set) => {
      const byLabel = new Map<string, number>(set.results.capacity.map((c) => [`${c.endpoint} · ${c.transport}`, c.requestsPerSecond.mean]));
      const colours = labels.map((label, i) => {
        const transport = transportOf.get(label);
        const colour = transport ? targetColour(transport) : (EXTRA_COLOURS[i % EXTRA_COLOURS.length] ?? '#56B4E9');
        return set.role === 'before' ? withAlpha(colour, 0.4) : colour;
      });
      return {
        label: set.role === 'only' ? 'Mean requests per second' : set.role,
        data: labels.map((label) => byLabel.get(label) ?? null),
        borderColor: labels.map((label) => targetColour(transportOf.get(label) ?? 'websocket')),
        backgroundColor: colours,
        borderWidth: 1,
      };
    });
  return {
    id,
    title,
    caption: 'Mean requests per second each HTTP endpoint sustained when hammered on its own — the ceiling, not the chat workload.',
    type: 'bar',
    wide: true,
    ...(datasets.length === 1 ? { hideLegend: true } : {}),
    labels,
    datasets,
    x: { kind: 'category', title: 'Endpoint · transport' },
    y: { kind: 'linear', title: 'Requests per second (req/s)', beginAtZero: true },
  };
}
