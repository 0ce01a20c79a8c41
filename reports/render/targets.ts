/**
 * Who is who in the report: colour, order and naming of targets, used identically by every
 * chart and table so that a transport is always the same colour (Okabe–Ito, colour-blind safe).
 */
import type { RunTarget, TargetSummary, RunResult } from '../../results/types.ts';
import { isPeerTarget } from '../../results/peers.ts';
import { compareTopologies } from '../../results/topology.ts';

export const TARGET_COLOURS: Record<RunTarget, string> = {
  'short-polling': '#E69F00', // orange
  'long-polling': '#0072B2', // blue
  websocket: '#009E73', // bluish green
  sse: '#CC79A7', // reddish purple
  'baseline-ws': '#555555', // dark grey, dashed in charts
  'baseline-long-polling': '#999999', // light grey, dashed in charts
  'peer-socketio': '#D55E00', // vermillion, its own dash in charts (beside websocket's green)
  'peer-socketio-polling': '#56B4E9', // sky blue, its own dash in charts (beside long polling's blue)
  // --null-run: the harness's calibration, in its transport's colour family but black-ish (a reference, not a contender).
  'null-websocket': '#2F4F4F',
  'null-sse': '#4B3B47',
  'null-long-polling': '#1F3A4F',
  'null-short-polling': '#4F3F1F',
};

/** The floors (raw loopback echoes) are drawn in black, dotted: they are the physics, not a contender. */
export const FLOOR_COLOUR = '#000000';

/** Extra Okabe–Ito colours, for series that are not a target (e.g. capacity endpoints). */
export const EXTRA_COLOURS = ['#56B4E9', '#D55E00', '#F0E442'] as const;

const ORDER: readonly RunTarget[] = ['short-polling', 'long-polling', 'websocket', 'sse', 'baseline-long-polling', 'baseline-ws', 'peer-socketio-polling', 'peer-socketio', 'null-short-polling', 'null-long-polling', 'null-websocket', 'null-sse'];

export function isBaseline(target: RunTarget): boolean {
  return target === 'baseline-ws' || target === 'baseline-long-polling';
}

/** A peer (Socket.IO): what teams deploy instead — a reference beside the lab, not a contender. */
export function isPeer(target: RunTarget): boolean {
  return isPeerTarget(target);
}

/** Baselines, peers and the null run's servers: shown beside the lab's transports, never named winners. */
export function isReference(target: RunTarget): boolean {
  return isBaseline(target) || isPeer(target) || target.startsWith('null-');
}

export function targetColour(target: RunTarget): string {
  return TARGET_COLOURS[target] ?? '#333333';
}

/** Stable order: the transports first (cheapest-looking to most capable), then baselines, then peers. */
export function compareTargets(a: RunTarget, b: RunTarget): number {
  return ORDER.indexOf(a) - ORDER.indexOf(b);
}

/** Orders sweep values as the bench declared them, falling back to natural order. */
export function sweepIndex(value: number | string | undefined, declared: readonly (number | string)[] | undefined): number {
  if (value === undefined) return 0;
  const index = declared?.indexOf(value) ?? -1;
  return index >= 0 ? index : 1000;
}

type Keyed = Pick<TargetSummary | RunResult, 'target' | 'sweepValue' | 'topology'> & { loadBound?: boolean; workers?: { loadBound: boolean } };

/** Appended to the name of a load-bound row or run, so every table and chart marks it. */
export const LOAD_BOUND_MARK = ' ⚠ load-bound';

/**
 * Key of a summary row: the target, plus `/topology` in a scale-out bench, plus `@sweepValue`
 * when the bench is a sweep — e.g. `websocket/redis · 2 · nginx`.
 */
export function rowKey(item: Keyed): string {
  const target = item.topology === undefined ? item.target : `${item.target}/${item.topology}`;
  return item.sweepValue === undefined ? target : `${target}@${String(item.sweepValue)}`;
}

/** Human name of a summary row: "websocket", "websocket · clients=100", "websocket [redis · 2 · nginx]". */
export function rowLabel(item: Keyed, sweepOption?: string): string {
  const target = item.topology === undefined ? item.target : `${item.target} [${item.topology}]`;
  const mark = item.loadBound === true || item.workers?.loadBound === true ? LOAD_BOUND_MARK : '';
  if (item.sweepValue === undefined) return target + mark;
  return `${target} · ${sweepOption ?? 'sweep'}=${String(item.sweepValue)}${mark}`;
}

export function sortSummaries<T extends Pick<TargetSummary, 'target' | 'sweepValue' | 'topology'>>(
  items: readonly T[],
  declaredSweep?: readonly (number | string)[],
): T[] {
  return [...items].sort(
    (a, b) =>
      sweepIndex(a.sweepValue, declaredSweep) - sweepIndex(b.sweepValue, declaredSweep) ||
      compareTargets(a.target, b.target) ||
      compareTopologies(a.topology, b.topology),
  );
}
