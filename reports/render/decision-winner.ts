/**
 * Who wins a cell of the decision map — named only when the best transport is better than
 * every other contender by more than the spread. The spread, in order of preference:
 * - bootstrap 95% intervals, where both figures have one (latency): they must not overlap (nor,
 *   with repetitions on both sides, the min–max ranges);
 * - min–max over repetitions, where both have several: the ranges must not overlap;
 * - else a stated relative tolerance (RELATIVE_TOLERANCE, the verdict's single-run tie): the
 *   other must be at least that many times the best.
 * Load-bound figures measured the load generator: they never win (nor block a win).
 * Lower is better for every metric of the map.
 */
import type { RunTarget } from '../../results/types.ts';
import type { Measure } from './decision-grid.ts';
import { SINGLE_RUN_TIE } from './verdict.ts';

/** One repetition shows no spread: within this factor of the best (p99 was seen to vary ±20%) is a tie. */
export const RELATIVE_TOLERANCE = SINGLE_RUN_TIE;

export type SpreadMethod = 'bootstrap' | 'min-max' | 'tolerance';

export interface Contender {
  target: RunTarget;
  measure: Measure;
  loadBound: boolean;
}

/** Which spread decides between two figures (the same rule `separated` applies). */
export function spreadMethod(a: Measure, b: Measure): SpreadMethod {
  if (a.ci !== undefined && b.ci !== undefined) return 'bootstrap';
  if (a.repetitions > 1 && b.repetitions > 1) return 'min-max';
  return 'tolerance';
}

/** Is `best` lower than `other` by more than their spread? */
export function separated(best: Measure, other: Measure, tolerance = RELATIVE_TOLERANCE): boolean {
  const method = spreadMethod(best, other);
  const rangesApart = best.max < other.min;
  if (method === 'bootstrap') {
    const apart = (best.ci as readonly [number, number])[1] < (other.ci as readonly [number, number])[0];
    // With repetitions on both sides the min–max ranges must not overlap either.
    return apart && (best.repetitions > 1 && other.repetitions > 1 ? rangesApart : true);
  }
  if (method === 'min-max') return rangesApart;
  return best.value > 0 ? other.value / best.value >= tolerance : other.value > 0;
}

export interface CellVerdict {
  /** The transport named, or undefined when none is outside the spread (or nobody could win). */
  winner?: RunTarget;
  /** The runner-up within the spread of the best, when no winner is named. */
  tiedWith: readonly RunTarget[];
  /** The spread methods used against the best, for the caption. */
  methods: readonly SpreadMethod[];
}

export function cellVerdict(contenders: readonly Contender[], tolerance = RELATIVE_TOLERANCE): CellVerdict {
  const eligible = contenders.filter((c) => !c.loadBound).sort((a, b) => a.measure.value - b.measure.value);
  const best = eligible[0];
  if (best === undefined) return { tiedWith: [], methods: [] };
  const others = eligible.slice(1);
  const methods = [...new Set(others.map((o) => spreadMethod(best.measure, o.measure)))];
  // With a single eligible transport there is no one to beat: naming it would be a win by default.
  if (others.length === 0) return { tiedWith: [], methods };
  const tied = others.filter((o) => !separated(best.measure, o.measure, tolerance));
  if (tied.length > 0) return { tiedWith: [best.target, ...tied.map((t) => t.target)], methods };
  return { winner: best.target, tiedWith: [], methods };
}
