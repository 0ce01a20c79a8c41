/**
 * Fixed and marginal cost per transport (bench/measure/fixed-cost.ts): what staying connected costs per
 * client-second, apart from what each delivered message costs — a table, and a winner per
 * figure in the verdict (named only outside the run-to-run spread; no marginal winner where
 * nothing was delivered).
 */
import type { BenchResults, SummaryStat, TargetSummary } from '../../results/types.ts';
import { escapeHtml, fmtNum } from './format.ts';
import { swatch } from './tables.ts';
import { isReference, rowLabel, sortSummaries } from './targets.ts';
import { winnerLine, type HeadlineMetric } from './verdict.ts';

type Pick = (s: TargetSummary) => SummaryStat | undefined;

const metric = (name: string, pick: Pick, show: (v: number) => string): HeadlineMetric => ({
  name,
  value: (s) => pick(s)?.median ?? 0,
  spread: (s) => pick(s) ?? { min: 0, max: 0 },
  show,
  worse: 'more',
});

const FIXED: readonly HeadlineMetric[] = [
  metric('Fixed: CPU per client-second', (s) => s.cost?.fixed.cpuMsPerClientSecond, (v) => `${fmtNum(v)} ms`),
  metric('Fixed: bytes per client-second', (s) => s.cost?.fixed.bytesPerClientSecond, (v) => `${fmtNum(v)} B`),
  metric('Fixed: requests per client-second', (s) => s.cost?.fixed.requestsPerClientSecond, (v) => fmtNum(v)),
];

const MARGINAL: readonly HeadlineMetric[] = [
  metric('Marginal: CPU per delivered message', (s) => s.cost?.marginal?.cpuSecondsPer1kDelivered, (v) => `${fmtNum(v)} ms`),
  metric('Marginal: bytes per delivered message', (s) => s.cost?.marginal?.bytesPerDelivered, (v) => `${fmtNum(v)} B`),
  metric('Marginal: requests per delivered message', (s) => s.cost?.marginal?.requestsPerDelivered, (v) => fmtNum(v)),
];

/** The verdict's cost lines: fixed among rows that measured it, marginal among rows that delivered. */
export function costWins(rows: readonly TargetSummary[], sweepOption: string | undefined): string {
  const candidates = rows.filter((r) => !isReference(r.target) && r.loadBound !== true && r.cost !== undefined);
  if (candidates.length === 0) return '';
  const delivered = candidates.filter((r) => r.delivered.median > 0 && r.cost?.marginal !== undefined);
  const lines = [...FIXED.map((m) => winnerLine(m, candidates, sweepOption)), ...(delivered.length === 0 ? ['<li>Marginal cost: no winner — nothing was delivered.</li>'] : MARGINAL.map((m) => winnerLine(m, delivered, sweepOption)))];
  return `<p class="refs">Fixed cost (staying connected, per client-second) and marginal cost (per delivered message), compared separately:</p><ul class="wins">${lines.join('\n')}</ul>`;
}

/** A median with its min–max spread below (— when absent). */
export const cell = (s: SummaryStat | undefined, scale = 1): string => {
  if (s === undefined) return '<td class="num">–</td>';
  const spread = s.min === s.max ? '' : `<span class="spread">${escapeHtml(`${fmtNum(s.min * scale)}–${fmtNum(s.max * scale)}`)}</span>`;
  return `<td class="num">${escapeHtml(fmtNum(s.median * scale))}${spread}</td>`;
};

/** One row per target: fixed per client-second, heap per connection, marginal per delivery. */
export function costTable(results: BenchResults): string {
  const sweepOption = results.options.sweep?.option;
  const rows = sortSummaries(results.summary, results.options.sweep?.values).filter((s) => s.cost !== undefined);
  if (rows.length === 0) return '';
  const anyTcp = rows.some((s) => s.tcpSegmentsPerDelivered !== undefined);
  const body = rows
    .map((s) => {
      const c = s.cost;
      if (c === undefined) return '';
      const note = c.note === undefined ? '' : `<span class="spread">${escapeHtml(c.note)}</span>`;
      const heap = s.heapPerConnectionBytes === undefined ? undefined : { ...s.heapPerConnectionBytes };
      return `<tr${s.loadBound === true ? ' class="flagged"' : ''}><th scope="row">${swatch(s.target)}${escapeHtml(rowLabel(s, sweepOption))}${s.loadBound === true ? ' <span class="spread">load-bound</span>' : ''}${note}</th>${cell(c.fixed.cpuMsPerClientSecond)}${cell(c.fixed.bytesPerClientSecond)}${cell(c.fixed.requestsPerClientSecond)}${cell(heap, 1 / 1024)}${cell(c.marginal?.cpuSecondsPer1kDelivered)}${cell(c.marginal?.bytesPerDelivered)}${cell(c.marginal?.requestsPerDelivered)}${anyTcp ? cell(s.tcpSegmentsPerDelivered) : ''}</tr>`;
    })
    .join('\n');
  return `<div class="table-wrap"><table class="costs">
<caption>Fixed and marginal cost<span class="caption-note">Fixed: the server's cost over an idle phase after the drain (every client connected, no message; the window itself in a rate-0 run), per client-second. Marginal: the window's cost minus that fixed rate, per delivered message. Median over repetitions, min–max below. The fixed figures include the bench's own 1/s /metrics scrape spread over the clients. TCP segments: every segment the machine sent over the window (the kernel's counters, not this run's alone) ÷ delivered — valid on a quiet machine only.</span></caption>
<thead><tr><th scope="col" class="left" rowspan="2">Target</th><th scope="colgroup" colspan="4">fixed, per client-second</th><th scope="colgroup" colspan="${anyTcp ? 4 : 3}">marginal, per delivered message</th></tr>
<tr><th scope="col" class="num">CPU (ms)</th><th scope="col" class="num">bytes</th><th scope="col" class="num">requests</th><th scope="col" class="num">heap per connection (KiB)</th><th scope="col" class="num">CPU (ms)</th><th scope="col" class="num">bytes</th><th scope="col" class="num">requests</th>${anyTcp ? '<th scope="col" class="num" title="/proc/net/snmp OutSegs over the window ÷ delivered: every TCP segment of the machine, so valid on a quiet machine only">TCP segments (quiet machine only)</th>' : ''}</tr></thead>
<tbody>
${body}
</tbody></table></div>`;
}
