/**
 * Chart configurations as plain data (JSON-serialisable): built in Node at render time, embedded
 * in the page, and handed to Chart.js by the small inline runtime (client.ts), which only adds
 * what JSON cannot carry (tick formatters). One builder serves both the single report and the
 * comparison: a comparison simply passes two run sets, drawn "before" (faded, dashed) and
 * "after" (solid) with the same per-transport colour.
 */
import type { RunSet, ChartSection } from './chart-spec.ts';
import { latencyChart } from './chart-latency.ts';
import { timelineChart } from './chart-timeline.ts';
import { summaryBarChart } from './chart-bars.ts';
import { sweepCharts, capacityChart } from './chart-sweep.ts';

// The spec types are imported from here by the page template and the fault charts.
export { isSkipped, type AxisKind, type AxisSpec, type ChartSection, type ChartSpec, type DatasetSpec, type Point, type RunSet, type SkippedChart } from './chart-spec.ts';

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
