/**
 * Capacity under the latency SLO (results.slo, bench/slo/): per target and kind (message rate,
 * idle connections) the highest value that kept p99 ≤ the bound with zero loss and no
 * load-bound run — a lower bound, never "the server's capacity", when the load generator
 * gave out first — and its ratio to the bare baseline.
 */
import type { BenchResults, SloCapacity } from '../../results/types.ts';
import { escapeHtml, fmtInt, fmtNum } from './format.ts';
import { swatch } from './tables.ts';
import { compareTargets, isReference } from './targets.ts';

const UNIT: Record<SloCapacity['kind'], string> = { rate: 'msg/s', 'idle-connections': 'idle connections' };

/** The value as a reader must take it: `≥` when it is a lower bound. */
export function capacityText(c: SloCapacity): string {
  const value = `${fmtInt(c.value)} ${UNIT[c.kind]}`;
  switch (c.bound) {
    case 'server':
      return value;
    case 'load-generator':
      return `≥ ${value} (lower bound)`;
    case 'search-limit':
      return `≥ ${value} (top of the search passed)`;
    case 'not-met':
      return `none: the lowest step (${fmtInt(c.steps[0]?.value ?? c.value)} ${UNIT[c.kind]}) missed the SLO`;
  }
}

const BOUND_WORDS: Record<SloCapacity['bound'], string> = {
  server: 'the server: the next step missed the SLO',
  'load-generator': 'the load generator saturated first',
  'search-limit': 'the search stopped at its top',
  'not-met': 'not met',
};

function row(c: SloCapacity): string {
  const ratio = c.ratioToBaseline === undefined ? '—' : `${fmtNum(c.ratioToBaseline * 100)}% of the bare baseline`;
  const reason = c.reason === undefined ? '' : `<span class="spread wrap">${escapeHtml(c.reason)}</span>`;
  return `<tr class="${isReference(c.target) ? 'baseline' : 'transport'}" data-slo-target="${c.target}" data-slo-kind="${c.kind}" data-slo-bound="${c.bound}" data-slo-value="${c.value}"><th scope="row">${swatch(c.target)}${escapeHtml(c.target)}</th><td>${escapeHtml(UNIT[c.kind])}</td><td class="num">${escapeHtml(capacityText(c))}</td><td>${escapeHtml(BOUND_WORDS[c.bound])}${reason}</td><td class="num">${escapeHtml(ratio)}</td><td class="num">${c.steps.length}</td></tr>`;
}

/** Sentences like "pushlab's websocket sustains 82% of a bare ws broadcast (rate)". */
function ratioSentences(list: readonly SloCapacity[]): string {
  const lines = list
    .filter((c) => c.ratioToBaseline !== undefined && !isReference(c.target))
    .map((c) => {
      const bare = c.transport === 'websocket' || c.target === 'websocket' ? 'bare ws' : 'bare long poll';
      const lower = c.bound === 'load-generator' ? ' (a lower bound: the load generator saturated first)' : '';
      return `pushlab's ${c.target} sustains ${fmtNum((c.ratioToBaseline as number) * 100)}% of the ${bare} server's ${c.kind === 'rate' ? 'message rate' : 'idle connections'} under the SLO${lower}.`;
    });
  return lines.length === 0 ? '' : `<ul class="slo-ratios">${lines.map((l) => `<li>${escapeHtml(l)}</li>`).join('')}</ul>`;
}

export function sloTable(results: BenchResults): string {
  const slo = results.slo;
  if (slo === undefined || slo.capacities.length === 0) return '<p class="map-note">No SLO capacity in these results (the bench ran without the SLO search).</p>';
  const list = [...slo.capacities].sort((a, b) => (a.kind === b.kind ? compareTargets(a.target, b.target) : a.kind === 'rate' ? -1 : 1));
  return `<div class="table-wrap"><table class="slo">
<caption>${escapeHtml(`Capacity under the SLO: p99 ≤ ${fmtNum(slo.p99Ms)} ms, no loss, no load-bound run`)}<span class="caption-note">Bisection over the rate (and, separately, over idle connections). “≥” marks a lower bound: the search ended on the load generator, not the server.</span></caption>
<thead><tr><th scope="col" class="left">Target</th><th scope="col" class="left">Kind</th><th scope="col" class="num">Capacity</th><th scope="col" class="left">Bound by</th><th scope="col" class="num">÷ bare baseline</th><th scope="col" class="num">Steps</th></tr></thead>
<tbody>
${list.map(row).join('\n')}
</tbody></table></div>${ratioSentences(list)}`;
}
