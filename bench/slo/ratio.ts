/**
 * "pushlab's WebSocket sustains X% of a bare `ws` broadcast": each pushlab transport's capacity
 * ÷ its bare baseline's, of the same kind. Left out when the baseline was not searched or its
 * value is 0, and when the transport's own 0 is a load-generator lower bound. When either figure is a lower bound (load-generator, search-limit), so is the
 * meaning of the ratio: the table says so (bench/slo/table.ts).
 */
import type { RunTarget, SloCapacity } from '../../results/types.ts';

/** The bare server each pushlab transport is held against. */
export const BASELINE_OF: Partial<Record<RunTarget, RunTarget>> = {
  websocket: 'baseline-ws',
  'long-polling': 'baseline-long-polling',
};

export function withBaselineRatios(capacities: readonly SloCapacity[]): SloCapacity[] {
  return capacities.map((c) => {
    const baseline = BASELINE_OF[c.target];
    const base = baseline === undefined ? undefined : capacities.find((b) => b.target === baseline && b.kind === c.kind);
    // A 0 that is only a lower bound (the first step was load-bound) says nothing to divide.
    if (base === undefined || base.value <= 0 || (c.value <= 0 && c.bound === 'load-generator')) return c;
    return { ...c, ratioToBaseline: Math.round((c.value / base.value) * 1000) / 1000 };
  });
}
