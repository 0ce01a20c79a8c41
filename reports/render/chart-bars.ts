/** Bar charts with one bar group per summary row (bytes and CPU per delivered message). */
import type { RunTarget, TargetSummary } from '../../results/types.ts';
import { rowLabel, targetColour } from './targets.ts';
import { chartOrSkip, type ChartSection, type DatasetSpec, type RunSet } from './chart-spec.ts';
import { withAlpha, sortedSummaries } from './chart-style.ts';

/**
 * A bar chart with one bar group per summary row (labels = union of rows over all sets, in
 * order), one dataset per run set, bars coloured by target.
 */
export function summaryBarChart(
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
  return chartOrSkip(
    {
      id: options.id,
      title: options.title,
      caption: options.caption,
      type: 'bar',
      ...(datasets.length === 1 ? { hideLegend: true } : {}),
      labels,
      datasets,
      x: { kind: 'category', title: 'Target' },
      y: options.log ? { kind: 'log', title: options.axis } : { kind: 'linear', title: options.axis, beginAtZero: true },
    },
    'No summary rows carry this metric.',
  );
}
