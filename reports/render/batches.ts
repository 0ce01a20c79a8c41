/**
 * Messages per response for the polling transports: how many messages each poll answer
 * carried. At a high rate a 2 s short poll carries hundreds (so its cost per message looks
 * low); in a chat with a few messages a minute it carries one or none. Read the cost figures
 * with this beside them.
 */
import { BATCH_BUCKETS } from '../../results/schema/run-extras.ts';
import type { BenchResults } from '../../results/types.ts';
import { escapeHtml, fmtInt, fmtNum } from './format.ts';
import { swatch } from './tables.ts';
import { rowLabel } from './targets.ts';

export function batchesTable(results: BenchResults): string {
  const runs = results.runs.filter((r) => r.batches !== undefined);
  if (runs.length === 0) return '';
  const sweepOption = results.options.sweep?.option;
  const body = runs
    .map((run) => {
      const b = run.batches;
      if (b === undefined) return '';
      const cells = BATCH_BUCKETS.map((label) => `<td class="num">${fmtInt(b.buckets[label] ?? 0)}</td>`).join('');
      return `<tr><th scope="row">${swatch(run.target)}${escapeHtml(`${rowLabel(run, sweepOption)} #${run.repetition}`)}</th><td class="num">${fmtInt(b.responses)}</td><td class="num">${fmtNum(b.mean)}</td>${cells}</tr>`;
    })
    .join('\n');
  return `<div class="table-wrap"><table class="batches">
<caption>Messages per response (polling)<span class="caption-note">Responses that carried at least one message of the window, by how many they carried (empty polls are in the request counts). Cost per delivered message is cheap for polling only while responses carry many messages.</span></caption>
<thead><tr><th scope="col" class="left">Run</th><th scope="col" class="num">responses</th><th scope="col" class="num">mean</th>${BATCH_BUCKETS.map((l) => `<th scope="col" class="num">${escapeHtml(l)}</th>`).join('')}</tr></thead>
<tbody>
${body}
</tbody></table></div>`;
}
