/**
 * Chart configurations as plain data (JSON-serialisable): built in Node at render time, embedded
 * in the page, and handed to Chart.js by the small inline runtime (client.ts), which only adds
 * what JSON cannot carry (tick formatters). One builder serves both the single report and the
 * comparison: a comparison simply passes two run sets, drawn "before" (faded, dashed) and
 * "after" (solid) with the same per-transport colour.
 */
import type { BenchResults, RunResult, RunTarget, TargetSummary } from '../../results/types.ts';
import { BYTES_PER_MIB } from './format.ts';
import { cdfPoints, mergeHistograms, ninesX, percentileCurve, pointsFromSummary, type PercentilePoint } from './histograms.ts';
import {
  compareTargets,
  EXTRA_COLOURS,
  FLOOR_COLOUR,
  isBaseline,
  isPeer,
  rowKey,
  rowLabel,
  sortSummaries,
  sweepIndex,
  targetColour,
} from './targets.ts';

/** A run set: the results of one bench, and its role on the page. */
export interface RunSet {
  role: 'only' | 'before' | 'after';
  results: BenchResults;
}

/**
 * How the runtime builds an axis. `nines` is a log axis of 1/(1−p) labelled in percentiles
 * (the classic HDR latency plot); `log` and `linear` are numeric; `category` uses `labels`.
 */
export type AxisKind = 'linear' | 'log' | 'nines' | 'category';

export interface AxisSpec {
  kind: AxisKind;
  /** Axis title, always with its unit. */
  title: string;
  /** Start the axis at zero (linear axes). */
  beginAtZero?: boolean;
  /** Linear axis maximum (e.g. 100 for percentages). */
  max?: number;
}

export interface Point {
  x: number;
  y: number;
}

export interface DatasetSpec {
  label: string;
  data: (Point | number | null)[];
  borderColor: string | string[];
  backgroundColor: string | string[];
  borderDash?: number[];
  borderWidth?: number;
  pointStyle?: string;
  pointRadius?: number;
  showLine?: boolean;
  spanGaps?: boolean;
  stepped?: boolean;
}

export interface ChartSpec {
  id: string;
  title: string;
  /** One sentence under the title: what to look at. */
  caption: string;
  type: 'line' | 'bar';
  /** Full page width (curves with many series); otherwise half width. */
  wide?: boolean;
  /** Hide the legend (a single series whose colours are already explained by the labels). */
  hideLegend?: boolean;
  labels?: string[];
  datasets: DatasetSpec[];
  x: AxisSpec;
  y: AxisSpec;
}

/** A chart that could not be drawn for lack of data: shown as a sentence, never silently dropped. */
export interface SkippedChart {
  id: string;
  title: string;
  skipped: string;
}

export type ChartSection = ChartSpec | SkippedChart;

export function isSkipped(section: ChartSection): section is SkippedChart {
  return 'skipped' in section;
}

const POINT_STYLES = ['circle', 'triangle', 'rect', 'rectRot', 'star', 'crossRot'] as const;

/** Hex colour plus alpha (0..1) as #RRGGBBAA. */
function withAlpha(hex: string, alpha: number): string {
  const a = Math.round(alpha * 255)
    .toString(16)
    .padStart(2, '0');
  return `${hex}${a}`;
}

function roleSuffix(role: RunSet['role']): string {
  return role === 'only' ? '' : ` (${role})`;
}

/**
 * Line style for a series: colour by target, dashes for baselines and for the "before" run,
 * point shape for the sweep value. The same rule everywhere keeps the legend learnable.
 */
/** Floors are all black; each echo gets its own dotted pattern so the legend tells them apart. */
const FLOOR_DASHES: Record<BenchResults['floors'][number]['name'], number[]> = {
  'tcp-echo': [1, 2],
  'ws-echo': [3, 3],
  'http-request': [8, 3, 1, 3],
};

/** Each peer its own dash (and colour): Socket.IO long dashes, Socket.IO polling short ones. */
const PEER_DASHES: Partial<Record<RunTarget, number[]>> = { 'peer-socketio': [12, 3], 'peer-socketio-polling': [4, 2] };

function lineStyle(target: RunTarget | 'floor', role: RunSet['role'], variant: number): Omit<DatasetSpec, 'label' | 'data'> {
  const base = target === 'floor' ? FLOOR_COLOUR : targetColour(target);
  const faded = role === 'before';
  const colour = faded ? withAlpha(base, 0.55) : base;
  let borderDash: number[] | undefined;
  if (target === 'floor') borderDash = [2, 3];
  else if (faded) borderDash = [7, 4];
  else if (isBaseline(target)) borderDash = [10, 3, 2, 3];
  else if (isPeer(target)) borderDash = PEER_DASHES[target] ?? [6, 2];
  return {
    borderColor: colour,
    backgroundColor: colour,
    borderWidth: faded ? 1.5 : 2,
    pointStyle: POINT_STYLES[variant % POINT_STYLES.length] ?? 'circle',
    ...(borderDash ? { borderDash } : {}),
  };
}

/**
 * Scale-out benches: a topology rung keeps its transport's colour and gets a dash pattern of
 * its own (the single process solid), so the rungs of one transport read as one family.
 */
const RUNG_DASHES: readonly (number[] | undefined)[] = [undefined, [6, 3], [2, 2], [10, 3, 2, 3], [12, 4]];

function rungStyle(item: { topology?: string }, results: BenchResults): { borderDash?: number[] } {
  if (item.topology === undefined) return {};
  const index = results.options.topologies?.indexOf(item.topology) ?? -1;
  const dash = index < 0 ? [4, 4] : RUNG_DASHES[index % RUNG_DASHES.length];
  return dash === undefined ? {} : { borderDash: dash };
}

/** Runs of one summary row (same target and sweep value). */
function runsOf(results: BenchResults, summary: TargetSummary): RunResult[] {
  const key = rowKey(summary);
  return results.runs.filter((run) => rowKey(run) === key);
}

function sortedSummaries(results: BenchResults): TargetSummary[] {
  return sortSummaries(results.summary, results.options.sweep?.values);
}

/** Latency points of a summary row: merged histograms of its runs, else the JSON percentiles. */
function latencyPoints(results: BenchResults, summary: TargetSummary, kind: 'curve' | 'cdf'): PercentilePoint[] {
  const merged = mergeHistograms(runsOf(results, summary).map((run) => run.histogram));
  if (merged) return kind === 'curve' ? percentileCurve(merged) : cdfPoints(merged);
  return pointsFromSummary(summary.latencyMs);
}

function floorPoints(floor: BenchResults['floors'][number], kind: 'curve' | 'cdf'): PercentilePoint[] {
  const merged = mergeHistograms([floor.histogram]);
  if (merged) return kind === 'curve' ? percentileCurve(merged) : cdfPoints(merged);
  return pointsFromSummary(floor.latencyMs);
}

/** Log axes cannot show 0 ms: clamp to 1 µs (the histogram resolution). */
const MIN_LOG_MS = 0.001;

function toNinesPoints(points: PercentilePoint[], count: number): Point[] {
  // The max must not sit left of the last percentile point when the count is small.
  const lastX = points.reduce((x, p) => (p.percentile < 100 ? Math.max(x, ninesX(p.percentile, count)) : x), 1);
  return points.map((p) => ({ x: p.percentile >= 100 ? Math.max(count, lastX) : ninesX(p.percentile, count), y: Math.max(p.ms, MIN_LOG_MS) }));
}

function toCdfPoints(points: PercentilePoint[], _count: number): Point[] {
  return points.map((p) => ({ x: Math.max(p.ms, MIN_LOG_MS), y: p.percentile }));
}

function latencyChart(sets: readonly RunSet[], kind: 'curve' | 'cdf'): ChartSection {
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

type TimelineField = 'delivered' | 'requests' | 'cpuPercent' | 'rssBytes';

const TIMELINES: Record<TimelineField, { id: string; title: string; axis: string; caption: string; scale: number }> = {
  delivered: {
    id: 'timeline-delivered',
    title: 'Delivered messages per second',
    axis: 'Deliveries per second (messages/s)',
    caption: 'Deliveries seen by the load clients, per second, for every run. Negative time is warm-up. A dip is a stall; the lines should be flat at the expected rate.',
    scale: 1,
  },
  requests: {
    id: 'timeline-requests',
    title: 'HTTP requests per second',
    axis: 'HTTP requests per second (req/s)',
    caption: 'HTTP requests made by the load clients, per second. Short polling pays for every poll whether or not there is news; WebSocket makes (almost) none.',
    scale: 1,
  },
  cpuPercent: {
    id: 'timeline-cpu',
    title: 'Server CPU over time',
    axis: 'Server CPU (% of one core)',
    caption: 'CPU of the server process per second, as a percentage of one core (100% = one core busy).',
    scale: 1,
  },
  rssBytes: {
    id: 'timeline-rss',
    title: 'Server memory (RSS) over time',
    axis: 'Resident set size (MiB)',
    caption: 'Resident memory of the server process. Growth that does not level off is a leak or an unbounded queue.',
    scale: 1 / BYTES_PER_MIB,
  },
};

function timelineChart(sets: readonly RunSet[], field: TimelineField): ChartSection {
  const spec = TIMELINES[field];
  const datasets: DatasetSpec[] = [];
  for (const set of sets) {
    const sweep = set.results.options.sweep;
    const runs = [...set.results.runs].sort(
      (a, b) =>
        sweepIndex(a.sweepValue, sweep?.values) - sweepIndex(b.sweepValue, sweep?.values) ||
        compareTargets(a.target, b.target) ||
        a.repetition - b.repetition,
    );
    for (const run of runs) {
      if (run.timeline.length === 0) continue;
      datasets.push({
        label: `${rowLabel(run, sweep?.option)} #${run.repetition}${roleSuffix(set.role)}`,
        data: run.timeline.map((point) => ({ x: point.t, y: point[field] * spec.scale })),
        ...lineStyle(run.target, set.role, sweepIndex(run.sweepValue, sweep?.values)),
        ...rungStyle(run, set.results),
        borderWidth: 1.5,
        pointRadius: 0,
      });
    }
  }
  if (datasets.length === 0) return { id: spec.id, title: spec.title, skipped: 'No run recorded a timeline.' };
  return {
    id: spec.id,
    title: spec.title,
    caption: spec.caption,
    type: 'line',
    wide: true,
    datasets,
    x: { kind: 'linear', title: 'Time since the measured window opened (s)' },
    y: { kind: 'linear', title: spec.axis, beginAtZero: true },
  };
}

/**
 * A bar chart with one bar group per summary row (labels = union of rows over all sets, in
 * order), one dataset per run set, bars coloured by target.
 */
function summaryBarChart(
  sets: readonly RunSet[],
  options: { id: string; title: string; caption: string; axis: string; value: (s: TargetSummary) => number | undefined; log?: boolean },
): ChartSection {
  const labels: string[] = [];
  const targetOf = new Map<string, RunTarget>();
  for (const set of sets) {
    for (const summary of sortedSummaries(set.results)) {
      const label = rowLabel(summary, set.results.options.sweep?.option);
      if (!targetOf.has(label)) {
        labels.push(label);
        targetOf.set(label, summary.target);
      }
    }
  }
  const datasets: DatasetSpec[] = [];
  for (const set of sets) {
    const byLabel = new Map(
      set.results.summary.map((s) => [rowLabel(s, set.results.options.sweep?.option), options.value(s)] as const),
    );
    const data = labels.map((label) => byLabel.get(label) ?? null);
    if (data.every((v) => v === null)) continue;
    const colours = labels.map((label) => {
      const colour = targetColour(targetOf.get(label) ?? 'websocket');
      return set.role === 'before' ? withAlpha(colour, 0.4) : colour;
    });
    datasets.push({
      label: set.role === 'only' ? options.title : set.role,
      data,
      borderColor: labels.map((label) => targetColour(targetOf.get(label) ?? 'websocket')),
      backgroundColor: colours,
      borderWidth: 1,
    });
  }
  if (datasets.length === 0) return { id: options.id, title: options.title, skipped: 'No summary rows carry this metric.' };
  return {
    id: options.id,
    title: options.title,
    caption: options.caption,
    type: 'bar',
    ...(datasets.length === 1 ? { hideLegend: true } : {}),
    labels,
    datasets,
    x: { kind: 'category', title: 'Target' },
    y: options.log ? { kind: 'log', title: options.axis } : { kind: 'linear', title: options.axis, beginAtZero: true },
  };
}

interface SweepMetric {
  id: string;
  title: string;
  axis: string;
  value: (s: TargetSummary) => number;
  log: boolean;
}

const SWEEP_METRICS: readonly SweepMetric[] = [
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

function sweepCharts(sets: readonly RunSet[]): ChartSection[] {
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

function capacityChart(sets: readonly RunSet[]): ChartSection {
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

/** Every chart of the report, in page order. */
export function buildCharts(sets: readonly RunSet[]): ChartSection[] {
  return [
    latencyChart(sets, 'curve'),
    latencyChart(sets, 'cdf'),
    timelineChart(sets, 'delivered'),
    timelineChart(sets, 'requests'),
    summaryBarChart(sets, {
      id: 'bytes-per-delivered',
      title: 'Bytes per delivered message',
      caption: 'All bytes on the wire (both directions, headers included) divided by deliveries: what one message really costs in traffic.',
      axis: 'Bytes per delivered message (B)',
      value: (s) => s.bytesPerDelivered.median,
    }),
    summaryBarChart(sets, {
      id: 'cpu-per-1k',
      title: 'Server CPU per 1 000 delivered messages',
      caption: 'Server CPU time divided by deliveries, per thousand: the cost to serve the same chat.',
      axis: 'CPU time per 1 000 deliveries (ms)',
      value: (s) => s.cpuSecondsPer1kDelivered.median * 1000,
    }),
    timelineChart(sets, 'cpuPercent'),
    timelineChart(sets, 'rssBytes'),
    ...sweepCharts(sets),
    capacityChart(sets),
  ];
}
