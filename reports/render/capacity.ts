/**
 * The capacity table: autocannon's figures per endpoint, and whether each is the server's
 * capacity (its core saturated) or only a lower bound, with the reason (bench/measure/capacity-bound.ts).
 */
import type { CapacityResult } from '../../results/types.ts';
import { escapeHtml, fmtInt, fmtNum } from './format.ts';
import { swatch } from './tables.ts';

/** `capacity`, `lower bound: <reason>`, or `–` for results written before the check existed. */
function kindCell(c: CapacityResult): string {
  if (c.kind === undefined) return '<td>–</td>';
  if (c.kind === 'capacity') return '<td>capacity</td>';
  return `<td class="loss">lower bound<span class="spread">${escapeHtml(c.reason ?? '')}</span></td>`;
}

const pct = (v: number | undefined): string => (v === undefined ? '–' : `${fmtNum(v)}%`);

export function capacityTable(capacity: readonly CapacityResult[]): string {
  if (capacity.length === 0) return '';
  const body = capacity
    .map(
      (c) =>
        `<tr${c.kind === 'lower-bound' ? ' class="flagged"' : ''}><th scope="row">${swatch(c.transport)}${escapeHtml(c.endpoint)}</th><td>${escapeHtml(c.transport)}</td><td class="num">${fmtInt(c.connections)}</td><td class="num">${fmtInt(c.processes ?? 0)}</td><td class="num">${fmtNum(c.durationSeconds)}</td><td class="num">${c.kind === 'lower-bound' ? '≥ ' : ''}${fmtNum(c.requestsPerSecond.mean)}</td><td class="num">${fmtNum(c.requestsPerSecond.p50)}</td><td class="num">${fmtNum(c.requestsPerSecond.max)}</td><td class="num">${fmtNum(c.latencyMs.p50)}</td><td class="num">${fmtNum(c.latencyMs.p99)}</td><td class="num">${fmtNum(c.latencyMs.max)}</td><td class="num">${pct(c.serverCpuPercent)}</td><td class="num">${pct(c.loadCoresBusyPercent)}</td>${kindCell(c)}<td class="num${c.errors > 0 ? ' loss' : ''}">${fmtInt(c.errors)}</td><td class="num${c.non2xx > 0 ? ' loss' : ''}">${fmtInt(c.non2xx)}</td></tr>`,
    )
    .join('\n');
  return `<div class="table-wrap"><table class="capacity">
<caption>HTTP capacity (autocannon)<span class="caption-note">Each endpoint hammered alone by autocannon in its own processes on the load cores; autocannon reports latency in whole milliseconds. A figure is the server's capacity only when the server used ≥ 90% of its core over the probe; otherwise it is a lower bound (≥), with the reason.</span></caption>
<thead><tr><th scope="col" class="left">endpoint</th><th scope="col" class="left">transport</th><th scope="col" class="num">connections</th><th scope="col" class="num">autocannon processes</th><th scope="col" class="num">duration (s)</th><th scope="col" class="num">req/s mean</th><th scope="col" class="num">req/s p50</th><th scope="col" class="num">req/s max</th><th scope="col" class="num">p50 (ms)</th><th scope="col" class="num">p99 (ms)</th><th scope="col" class="num">max (ms)</th><th scope="col" class="num">server CPU</th><th scope="col" class="num">load cores busy</th><th scope="col" class="left">figure is</th><th scope="col" class="num">errors</th><th scope="col" class="num">non-2xx</th></tr></thead>
<tbody>
${body}
</tbody></table></div>`;
}
