/** The chart spec: plain, JSON-serialisable data that the page hands to Chart.js (see charts.ts). */
import type { BenchResults } from '../../results/types.ts';

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

/** The chart, or, when no dataset came out, a note saying why it is not drawn. */
export function chartOrSkip(chart: ChartSpec, skipped: string): ChartSection {
  return chart.datasets.length === 0 ? { id: chart.id, title: chart.title, skipped } : chart;
}
