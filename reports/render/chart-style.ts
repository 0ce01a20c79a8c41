/** How a series looks (colour, alpha, dash, point style) by target and run-set role, and the row helpers every chart family shares. */
import type { BenchResults, RunResult, RunTarget, TargetSummary } from '../../results/types.ts';
import { FLOOR_COLOUR, isBaseline, isPeer, rowKey, sortSummaries, targetColour } from './targets.ts';
import type { RunSet, DatasetSpec } from './chart-spec.ts';

export const POINT_STYLES = ['circle', 'triangle', 'rect', 'rectRot', 'star', 'crossRot'] as const;

/** Hex colour plus alpha (0..1) as #RRGGBBAA. */
export function withAlpha(hex: string, alpha: number): string {
  const a = Math.round(alpha * 255)
    .toString(16)
    .padStart(2, '0');
  return `${hex}${a}`;
}

export function roleSuffix(role: RunSet['role']): string {
  return role === 'only' ? '' : ` (${role})`;
}

/**
 * Line style for a series: colour by target, dashes for baselines and for the "before" run,
 * point shape for the sweep value. The same rule everywhere keeps the legend learnable.
 */
/** Floors are all black; each echo gets its own dotted pattern so the legend tells them apart. */
export const FLOOR_DASHES: Record<BenchResults['floors'][number]['name'], number[]> = {
  'tcp-echo': [1, 2],
  'ws-echo': [3, 3],
  'http-request': [8, 3, 1, 3],
};

/** Each peer its own dash (and colour): Socket.IO long dashes, Socket.IO polling short ones. */
export const PEER_DASHES: Partial<Record<RunTarget, number[]>> = { 'peer-socketio': [12, 3], 'peer-socketio-polling': [4, 2] };

export function lineStyle(target: RunTarget | 'floor', role: RunSet['role'], variant: number): Omit<DatasetSpec, 'label' | 'data'> {
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
export const RUNG_DASHES: readonly (number[] | undefined)[] = [undefined, [6, 3], [2, 2], [10, 3, 2, 3], [12, 4]];

export function rungStyle(item: { topology?: string }, results: BenchResults): { borderDash?: number[] } {
  if (item.topology === undefined) return {};
  const index = results.options.topologies?.indexOf(item.topology) ?? -1;
  const dash = index < 0 ? [4, 4] : RUNG_DASHES[index % RUNG_DASHES.length];
  return dash === undefined ? {} : { borderDash: dash };
}

/** Runs of one summary row (same target and sweep value). */
export function runsOf(results: BenchResults, summary: TargetSummary): RunResult[] {
  const key = rowKey(summary);
  return results.runs.filter((run) => rowKey(run) === key);
}

export function sortedSummaries(results: BenchResults): TargetSummary[] {
  return sortSummaries(results.summary, results.options.sweep?.values);
}
