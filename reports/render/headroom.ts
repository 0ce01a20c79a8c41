/**
 * The report's "Harness headroom" section: per target, what the load side (the load cores'
 * busy time) spent per delivery beside what the server spent, their ratio, and the server's
 * heap per connection after a forced GC. A load side that costs as much as the server runs out
 * of CPU first, and its row then measures the harness (bench/measure/headroom.ts).
 */
import type { BenchResults } from '../../results/types.ts';
import { nullRunLine } from '../../results/null-run.ts';
import { cell } from './costs.ts';
import { escapeHtml } from './format.ts';
import { swatch } from './tables.ts';
import { rowLabel, sortSummaries } from './targets.ts';
import { section } from './template.ts';

/** Empty when no row measured headroom or heap after GC (not Linux, no deliveries, an older results.json). */
export function headroomSection(results: BenchResults): string {
  const sweepOption = results.options.sweep?.option;
  const rows = sortSummaries(results.summary, results.options.sweep?.values).filter((s) => s.headroom !== undefined || s.heapPerConnectionAfterGcBytes !== undefined);
  if (rows.length === 0) return '';
  const body = rows
    .map((s) => {
      const over = (s.headroom?.loadToServer.median ?? 0) >= 1;
      const flag = over ? ' <span class="spread">load side ≥ server</span>' : '';
      return `<tr${over ? ' class="flagged"' : ''}><th scope="row">${swatch(s.target)}${escapeHtml(rowLabel(s, sweepOption))}${flag}</th>${cell(s.headroom?.loadUsPerDelivery)}${cell(s.headroom?.harnessUsPerDelivery)}${cell(s.headroom?.serverUsPerDelivery)}${cell(s.headroom?.loadToServer)}${s.baselineMultiple === undefined ? '<td class="num">–</td>' : `<td class="num">${s.baselineMultiple.cpuPer1k.toFixed(2)}× <span class="spread">${escapeHtml(s.baselineMultiple.baseline)}</span></td>`}${cell(s.heapPerConnectionAfterGcBytes, 1 / 1024)}</tr>`;
    })
    .join('\n');
  const table = `<div class="table-wrap"><table class="headroom">
<caption>Load side vs server, per delivery<span class="caption-note">Load side: the busy time of the load cores (/proc/stat; every process on them — load workers, senders, the bench itself) over the window ÷ deliveries; of it, the load workers' and the bench's own processes (/proc/&lt;pid&gt;/stat) — the rest is whatever else ran on those cores. Server: the server processes' CPU over the same window ÷ deliveries. A ratio at or above 1 means the load generator runs out of CPU before the server, and the row measures the harness (aim: ≤ 0.7). Server CPU ÷ bare baseline: the server's CPU per delivered message over the bare server's of the same transport in the same run (aim: ≤ 1.1). The null-* rows (<code>--null-run</code>) are a trivial server that only writes pre-built frames: their load side is the harness's own cost per delivery. Heap per connection after GC: the server's heap after a forced full GC with every client connected, less the same before any client, ÷ connections. Median over repetitions, min–max below.</span></caption>
<thead><tr><th scope="col" class="left">Target</th><th scope="col" class="num">load side (µs / delivery)</th><th scope="col" class="num">of it, the harness's own processes (µs)</th><th scope="col" class="num">server (µs / delivery)</th><th scope="col" class="num">load ÷ server</th><th scope="col" class="num">server CPU ÷ bare baseline</th><th scope="col" class="num">heap per connection after GC (KiB)</th></tr></thead>
<tbody>
${body}
</tbody></table></div>`;
  const calibration = nullRunLine(results);
  return section('headroom-h', 'Harness headroom', calibration === undefined ? table : `<p class="refs">${escapeHtml(calibration)}</p>\n${table}`);
}
