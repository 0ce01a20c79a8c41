/**
 * The capacity search, pure: a ladder walked upwards until a step fails, then a geometric
 * bisection between the last step that passed and the first that failed, down to a stated
 * resolution or a cap on bisection steps. The step itself (a short bench run) is a function
 * given in, so the logic is tested on fake steps (test/slo-search.test.ts).
 *
 * Outcomes (results/schema/map.ts `SloCapacity.bound`):
 * - `server`: a step failed on the server's side (p99 over the bound, loss, an error) with no
 *   load-bound sign; `value` is the last step that passed, `upper` the failing one above it.
 * - `load-generator`: a load-bound step ended the search at once — the figures past it would
 *   measure the harness — so `value` is only a lower bound on the server's capacity.
 * - `not-met`: the lowest step failed on the server's side; `value` 0.
 * - `search-limit`: the ladder's top passed; `value` is a lower bound set by the search.
 *
 * `cannotMeet` (a reason): the transport's design cannot meet the bound at any value (short
 * polling's p99 is ≈ 0.99 × its interval): one step is run as evidence, then `not-met` whatever
 * it showed — a saturated generator's step would otherwise read as a lower bound.
 */

/** What a step found (a SloStep without its value). */
export interface StepOutcome {
  p99Ms: number;
  lost: number;
  loadBound: boolean;
  pass: boolean;
  reason?: string;
}

export type SearchStep = StepOutcome & { value: number };

export type SearchBound = 'server' | 'load-generator' | 'search-limit' | 'not-met';

export interface SearchOutcome {
  value: number;
  bound: SearchBound;
  reason?: string;
  /** The lowest value that failed (server bound) or was load-bound: the capacity lies in [value, upper). */
  upper?: number;
  steps: SearchStep[];
}

export interface SearchPlan {
  /** Values tried in order until one fails, ascending. */
  ladder: readonly number[];
  /** Bisect until upper ÷ value ≤ this (1.25: the figure is within 25% under the boundary)… */
  resolution: number;
  /** …or until this many bisection steps have run (the time budget). */
  maxBisections: number;
}

/** The geometric midpoint, whole (rates and connection counts are whole numbers). */
export function midpoint(lo: number, hi: number): number {
  return Math.round(Math.sqrt(lo * hi));
}

function failedAt(step: SearchStep): string {
  return `${step.value}: ${step.reason ?? 'failed'}`;
}

export async function searchCapacity(plan: SearchPlan, step: (value: number) => Promise<StepOutcome>, cannotMeet?: string): Promise<SearchOutcome> {
  if (plan.ladder.length === 0) throw new Error('the SLO search needs a ladder of at least one value');
  const steps: SearchStep[] = [];
  const tryValue = async (value: number): Promise<SearchStep> => {
    const outcome = { ...(await step(value)), value };
    steps.push(outcome);
    return outcome;
  };
  const loadBound = (lo: number | undefined, at: SearchStep): SearchOutcome => ({
    value: lo ?? 0,
    bound: 'load-generator',
    reason: `a lower bound: the load generator saturated at ${failedAt(at)}`,
    upper: at.value,
    steps,
  });

  if (cannotMeet !== undefined) {
    const first = await tryValue(plan.ladder[0] as number);
    return { value: 0, bound: 'not-met', reason: `${cannotMeet} (measured: ${first.pass ? 'passed' : first.reason ?? 'failed'})`, upper: first.value, steps };
  }
  let lo: number | undefined;
  let failure: SearchStep | undefined;
  for (const value of plan.ladder) {
    const s = await tryValue(value);
    if (s.pass) {
      lo = value;
      continue;
    }
    if (s.loadBound) return loadBound(lo, s);
    failure = s;
    break;
  }
  if (failure === undefined) {
    return { value: lo ?? 0, bound: 'search-limit', reason: `the top of the search (${lo ?? 0}) passed: a lower bound set by the search, not the server`, steps };
  }
  if (lo === undefined) return { value: 0, bound: 'not-met', reason: `the lowest step failed — ${failedAt(failure)}`, upper: failure.value, steps };

  let hi = failure;
  for (let i = 0; i < plan.maxBisections && hi.value / lo > plan.resolution; i++) {
    const mid = midpoint(lo, hi.value);
    if (mid <= lo || mid >= hi.value) break;
    const s = await tryValue(mid);
    if (s.pass) lo = mid;
    else if (s.loadBound) return loadBound(lo, s);
    else hi = s;
  }
  return { value: lo, bound: 'server', reason: `the next step failed on the server's side — ${failedAt(hi)}`, upper: hi.value, steps };
}
