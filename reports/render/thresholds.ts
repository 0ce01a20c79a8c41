/**
 * The report's Thresholds section: every threshold checked (the default gates and the user's
 * `--threshold`s) per target with the value it met, and — for an interrupted bench — the
 * banner that says the results are partial. Empty when the results carry neither.
 */
import type { BenchResults } from '../../results/types.ts';
import { describeThreshold } from '../../results/threshold-text.ts';
import { escapeHtml } from './format.ts';
import { section } from './template.ts';

export function partialBanner(results: BenchResults): string {
  const i = results.interruption;
  if (results.partial !== true || i === undefined) return '';
  return `<div class="alert bad" role="alert" data-partial="true"><h3>Partial results: interrupted by ${escapeHtml(i.signal)}</h3><p>${escapeHtml(`${i.runsCompleted} of ${i.runsPlanned} runs completed before the bench stopped${i.during === undefined ? '' : `; the run under way (${i.during}) is left out`}. Targets that did not run are missing from every table.`)}</p></div>`;
}

export function thresholdsSection(results: BenchResults): string {
  const list = results.thresholds ?? [];
  if (list.length === 0) return '';
  const failed = list.filter((t) => !t.ok).length;
  const rows = list
    .map((t) => {
      const line = describeThreshold(t);
      return `<tr class="${t.ok ? 'ok' : 'bad'}" data-threshold="${escapeHtml(t.expression)}" data-ok="${t.ok}"><td>${t.ok ? '✓ held' : '✗ FAILED'}</td><td>${escapeHtml(t.target)}</td><td><code>${escapeHtml(t.expression)}</code>${t.source === 'default' ? ' <span class="spread">default gate</span>' : ''}</td><td>${escapeHtml(line.slice(line.indexOf('—') + 2))}</td></tr>`;
    })
    .join('\n');
  const head = failed === 0 ? `<div class="alert ok"><h3>All ${list.length} thresholds held</h3></div>` : `<div class="alert bad" role="alert"><h3>${failed} of ${list.length} thresholds failed (the bench exits 99)</h3></div>`;
  return section(
    'thresholds-h',
    'Thresholds',
    `${head}
<div class="table-wrap"><table class="thresholds">
<caption>Each threshold per target, with the value met<span class="caption-note">Latency percentiles over repetitions come from the merged histogram, message counts are summed, anything else must hold in every repetition (the worst is shown).</span></caption>
<thead><tr><th scope="col" class="left">Result</th><th scope="col" class="left">Target</th><th scope="col" class="left">Threshold</th><th scope="col" class="left">Value met</th></tr></thead>
<tbody>
${rows}
</tbody></table></div>`,
  );
}
