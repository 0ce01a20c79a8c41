/**
 * The terminal's SLO table, printed after the bench's own (cli/bench.ts): one row per target,
 * the rate and idle-connection capacities side by side. A lower bound is written `≥ value` with
 * why (`load gen`: the load generator saturated first; `top`: the search's top passed), a
 * server-bound figure as `value` with the failing step above it; the ratio to the bare baseline
 * carries `≥`/`?` marks when either side is a lower bound. Pure: results in, text out.
 */
import type { SloCapacity, SloResult } from '../../results/types.ts';
import { BASELINE_OF } from './ratio.ts';

const int = (n: number): string => Math.round(n).toLocaleString('en-US');

/** One capacity as a cell, e.g. `1,600 (<2,263)`, `≥ 200 load gen`, `not met`. */
export function capacityCell(c: SloCapacity): string {
  if (c.bound === 'not-met') return 'not met';
  if (c.bound === 'load-generator') return `≥ ${int(c.value)} load gen`;
  if (c.bound === 'search-limit') return `≥ ${int(c.value)} top`;
  return c.upper === undefined ? int(c.value) : `${int(c.value)} (<${int(c.upper)})`;
}

const lowerBound = (c: SloCapacity | undefined): boolean => c !== undefined && (c.bound === 'load-generator' || c.bound === 'search-limit');

/** The ratio as a percentage; `?` when both sides are lower bounds (it compares the load generator with itself). */
function ratioCell(c: SloCapacity | undefined, baseline: SloCapacity | undefined): string {
  if (c?.ratioToBaseline === undefined) return '–';
  const pct = `${Math.round(c.ratioToBaseline * 100)}%`;
  if (lowerBound(c) && lowerBound(baseline)) return `${pct}?`;
  return lowerBound(c) ? `≥ ${pct}` : pct;
}

function pad(rows: string[][]): string {
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length))) ?? [];
  return rows.map((r) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join('  ').trimEnd()).join('\n');
}

export function renderSloTable(slo: SloResult): string {
  const targets = [...new Set(slo.capacities.map((c) => c.target))];
  const find = (target: SloCapacity['target'], kind: SloCapacity['kind']): SloCapacity | undefined => slo.capacities.find((c) => c.target === target && c.kind === kind);
  const rows: string[][] = [['target', 'rate msg/s', 'vs bare', 'idle conns', 'vs bare', 'steps']];
  for (const t of targets) {
    const rate = find(t, 'rate');
    const idle = find(t, 'idle-connections');
    const base = BASELINE_OF[t];
    rows.push([
      t,
      rate === undefined ? '–' : capacityCell(rate),
      ratioCell(rate, base === undefined ? undefined : find(base, 'rate')),
      idle === undefined ? '–' : capacityCell(idle),
      ratioCell(idle, base === undefined ? undefined : find(base, 'idle-connections')),
      String((rate?.steps.length ?? 0) + (idle?.steps.length ?? 0)),
    ]);
  }
  const steps = slo.capacities.reduce((n, c) => n + c.steps.length, 0);
  const took = slo.elapsedMs === undefined ? '' : `, ${Math.round(slo.elapsedMs / 1000)} s`;
  return [
    `Capacity under the SLO p99 ≤ ${slo.p99Ms} ms, zero loss, not load-bound (${steps} steps${took}):`,
    pad(rows),
    '≥ … load gen: the load generator saturated first, a lower bound, not the server\'s capacity; ≥ … top: the search\'s top passed;',
    '(<x): the next step up, x, failed on the server\'s side; ? : both sides are lower bounds.',
  ].join('\n');
}
