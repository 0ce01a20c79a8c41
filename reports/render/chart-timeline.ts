/** The per-second timelines of a run: delivered, requests, server CPU and memory. */
import { BYTES_PER_MIB } from './format.ts';
import { compareTargets, rowLabel, sweepIndex } from './targets.ts';
import { chartOrSkip, type ChartSection, type DatasetSpec, type RunSet } from './chart-spec.ts';
import { roleSuffix, lineStyle, rungStyle } from './chart-style.ts';

export type TimelineField = 'delivered' | 'requests' | 'cpuPercent' | 'rssBytes';

export const TIMELINES: Record<TimelineField, { id: string; title: string; axis: string; caption: string; scale: number }> = {
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

export function timelineChart(sets: readonly RunSet[], field: TimelineField): ChartSection {
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
  return chartOrSkip(
    {
      id: spec.id,
      title: spec.title,
      caption: spec.caption,
      type: 'line',
      wide: true,
      datasets,
      x: { kind: 'linear', title: 'Time since the measured window opened (s)' },
      y: { kind: 'linear', title: spec.axis, beginAtZero: true },
    },
    'No run recorded a timeline.',
  );
}
