/**
 * Bootstrap confidence intervals in the tables (bench/measure/bootstrap.ts): a line under a cell's
 * number, `95% CI lo–hi`. Absent for results written before the intervals existed.
 */
import type { TargetSummary } from '../../results/types.ts';
import { escapeHtml, fmtNum } from './format.ts';

type Interval = readonly [number, number] | undefined;

/** `<span class="spread ci">95% CI 1.2–1.5 ms</span>`, or nothing. */
export function ciSpan(ci: Interval, unit = ''): string {
  if (ci === undefined) return '';
  return `<span class="spread ci" title="bootstrap 95% confidence interval (runs, then deliveries, resampled)">${escapeHtml(`95% CI ${fmtNum(ci[0])}–${fmtNum(ci[1])}${unit}`)}</span>`;
}

/** The cell with the interval added before it closes. */
export function withCi(cell: string, ci: Interval, unit = ''): string {
  const span = ciSpan(ci, unit);
  return span === '' ? cell : cell.replace(/<\/td>$/, `${span}</td>`);
}

/** A multiples cell (× baseline, × peer) with the p50 and p99 ratio intervals. */
export function withRatioCi(cell: string, ci: { p50: Interval; p99: Interval } | undefined): string {
  if (ci === undefined) return cell;
  return withCi(withCi(cell, ci.p50 === undefined ? undefined : ci.p50, '× p50'), ci.p99, '× p99');
}

/** The latency interval a verdict metric compares (p50 or p99), when the row has one. */
export function latencyInterval(s: TargetSummary, which: 'p50' | 'p99'): Interval {
  return which === 'p50' ? s.latencyCi?.p50Ms : s.latencyCi?.p99Ms;
}
