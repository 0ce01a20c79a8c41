/**
 * The decision map's four metrics and how each is read from one transport's runs in one cell.
 * Latency p99 and requests/s are the summary's own figures; server CPU and bandwidth are per
 * second (not per delivery), so that idle cells — where nothing is delivered — have a value:
 * each run's total ÷ its window, then the median and min–max over repetitions.
 */
import type { RunResult } from '../../results/types.ts';
import type { CellEntry, Measure } from './decision-grid.ts';
import { medianOf } from './decision-grid.ts';
import { fmtNum } from './format.ts';

export type DecisionMetricId = 'p99' | 'cpu' | 'requests' | 'bandwidth';

export interface DecisionMetric {
  id: DecisionMetricId;
  title: string;
  /** What the number is, with its unit, as the caption says it. */
  unitText: string;
  /** Displayed = raw × scale (the browser test reads both). */
  scale: number;
  show: (raw: number) => string;
  /** A transport's figure in a cell; undefined when it has none (latency of an idle cell). */
  measure: (entry: CellEntry) => Measure | undefined;
}

/** Median and min–max over the runs of a per-run figure. */
function perRun(entry: CellEntry, source: string, figure: (r: RunResult) => number): Measure | undefined {
  const values = entry.runs.filter((r) => r.durationSeconds > 0).map(figure);
  if (values.length === 0) return undefined;
  return { value: medianOf(values), min: Math.min(...values), max: Math.max(...values), repetitions: values.length, source };
}

export const DECISION_METRICS: readonly DecisionMetric[] = [
  {
    id: 'p99',
    title: 'Latency p99',
    unitText: 'delivery latency p99, ms (merged histogram of the repetitions)',
    scale: 1,
    show: (v) => `${fmtNum(v)} ms`,
    measure: ({ summary: s }) => {
      if (s.latencyMs.count <= 0) return undefined;
      const ci = s.latencyCi?.p99Ms;
      return { value: s.latencyMs.p99, min: s.p99Ms.min, max: s.p99Ms.max, repetitions: s.repetitions, source: 'summary.latencyMs.p99', ...(ci === undefined ? {} : { ci }) };
    },
  },
  {
    id: 'cpu',
    title: 'Server CPU',
    unitText: 'server CPU per second of the window, % of one core (runs[i].server.cpuSeconds ÷ durationSeconds; per second, not per delivery, so idle cells have a value)',
    scale: 100,
    show: (v) => `${fmtNum(v * 100)}%`,
    measure: (e) => perRun(e, 'runs.server.cpuSeconds/durationSeconds', (r) => r.server.cpuSeconds / r.durationSeconds),
  },
  {
    id: 'requests',
    title: 'Requests per second',
    unitText: 'HTTP requests per second the server answered (polls and publishes; WebSocket and SSE frames are not requests)',
    scale: 1,
    show: (v) => `${fmtNum(v)}/s`,
    measure: ({ summary: s }) => ({ value: s.requestsPerSecond.median, min: s.requestsPerSecond.min, max: s.requestsPerSecond.max, repetitions: s.repetitions, source: 'summary.requestsPerSecond.median' }),
  },
  {
    id: 'bandwidth',
    title: 'Bandwidth',
    unitText: 'bytes both directions (TCP payload, headers included) per second, shown in kbit/s',
    scale: 8 / 1000,
    show: (v) => `${fmtNum((v * 8) / 1000)} kbit/s`,
    measure: (e) => perRun(e, 'runs.bytes.(in+out)/durationSeconds', (r) => (r.bytes.in + r.bytes.out) / r.durationSeconds),
  },
];
