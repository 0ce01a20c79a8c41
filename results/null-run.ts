/**
 * The null run's finding in one line (`--null-run`, bench/targets/null-targets.ts): the
 * harness's own CPU per delivery per transport — the load side of the null-* rows, whose server
 * only writes pre-built frames. Shared by the console table and the report.
 */
import type { BenchResults } from './types.ts';

const us = (n: number): string => (n >= 100 ? n.toFixed(0) : n.toFixed(1));

/** `--null-run`: the harness's own cost per delivery, per transport (the null-* rows' load side). */
export function nullRunLine(results: BenchResults): string | undefined {
  const rows = results.summary.filter((s) => s.target.startsWith('null-') && s.headroom !== undefined);
  if (rows.length === 0) return undefined;
  return `null run (the harness's own CPU per delivery, load cores): ${rows.map((s) => `${s.transport}${s.sweepValue === undefined ? '' : ` ${String(s.sweepValue)}`} ${us(s.headroom?.loadUsPerDelivery.median ?? 0)} µs`).join(' · ')}`;
}
