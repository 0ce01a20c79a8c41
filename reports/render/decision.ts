/**
 * The report's first section when the results hold a decision map (`--scenario map`):
 * "Which one should I use?" — where the answer flips (in words), a heatmap per metric (latency
 * p99, server CPU, requests/s, bandwidth), the capacity under the SLO, the cost model with its
 * residuals and cross-validation, and the projection past one machine (rendered elsewhere and passed in). Empty without a map: the report is unchanged.
 */
import type { BenchResults } from '../../results/types.ts';
import { buildGrid, hasMap, type Grid } from './decision-grid.ts';
import { dataCrossovers, lawCrossover, type DataCrossover, type LawCrossover } from './decision-crossover.ts';
import { heatmap, heatmapLegend } from './decision-heatmap.ts';
import { DECISION_METRICS } from './decision-metrics.ts';
import { sloTable } from './decision-slo.ts';
import { modelFitBlock } from './decision-model.ts';
import { escapeHtml, fmtDurationMs, fmtInt, fmtNum, plural } from './format.ts';

export interface DecisionParts {
  /** HTML of the projection table (reports/render/projection.ts), placed after the SLO capacity; '' for none. */
  projection?: string;
}

/** A per-client rate in words: "1 message per client per 8 s" or "2 messages per client per second". */
export function perClientWords(perSecond: number): string {
  if (perSecond >= 1) return `${fmtNum(perSecond)} message${perSecond === 1 ? '' : 's'} per client per second`;
  return `1 message per client per ${fmtNum(1 / perSecond)} s`;
}

export function lawSentences(law: LawCrossover): string[] {
  const received = law.receivedPerSecond;
  const interval = fmtDurationMs(law.shortLaw.intervalMs ?? 0);
  const fitted = `hold ${fmtDurationMs(law.longLaw.holdMs ?? 0)}${law.measuredHoldMs === undefined ? '' : ` (the product's; the map measured a ${fmtDurationMs(law.measuredHoldMs)} hold, and the law is parametric in it)`}, renewal gap ${fmtNum(law.longLaw.gapMs ?? 0)} ms`;
  const out = [
    `When each client receives more than ${perClientWords(received).replace(' per client', '')} (${fmtNum(received)} msg/s), long polling makes more requests than short polling at a ${interval} interval: each message ends a hold, so the polls follow the traffic while short polling's stay at 1 per ${interval} (request laws fitted from the map — long polling ${fitted}; model/batching.ts). ${law.shortLaw.perPublish === law.longLaw.perPublish ? 'Publishes add the same requests to both.' : `Publishes add ${fmtNum(law.shortLaw.perPublish)} (short) and ${fmtNum(law.longLaw.perPublish)} (long) requests each, not counted here.`}`,
  ];
  for (const size of law.roomSizes) {
    out.push(`With rooms of ${fmtNum(size)} clients, every message reaching the whole room, that is above ${perClientWords(received / size)} sent (the map's axis).`);
  }
  return out;
}

/**
 * One sentence per reversal, the rows where it happened gathered: "Requests per second:
 * long-polling is lower at A, short-polling at B — at 100 clients (crossing ≈ …), at 1,000 …".
 */
export function crossoverSentences(list: readonly DataCrossover[]): { metric: string; text: string }[] {
  const groups = new Map<string, DataCrossover[]>();
  for (const c of list) {
    const key = [c.metric, c.lowerFirst, c.lowerAfter, c.before.key, c.after.key].join('|');
    groups.set(key, [...(groups.get(key) ?? []), c]);
  }
  return [...groups.values()].map((group) => {
    const c = group[0] as DataCrossover;
    const metric = DECISION_METRICS.find((m) => m.id === c.metric);
    const rows = group.map((g) => `${fmtInt(g.clients)} clients${g.atPerClientRate === undefined ? '' : ` (≈ ${perClientWords(g.atPerClientRate)})`}`);
    return { metric: c.metric, text: `${metric?.title ?? c.metric}: ${c.lowerFirst} is lower at ${c.before.label}, ${c.lowerAfter} at ${c.after.label} — at ${rows.join('; ')}${group.some((g) => g.atPerClientRate !== undefined) ? ', crossing interpolated' : ''}.` };
  });
}

function crossoversBlock(results: BenchResults, grid: Grid): string {
  const law = lawCrossover(results);
  const data = DECISION_METRICS.flatMap((m) => dataCrossovers(grid, m));
  const lawPart = law === undefined ? '<p class="map-note">No request-law crossover: the results carry no fitted law for both short and long polling.</p>' : `<ul class="crossovers law">${lawSentences(law).map((s) => `<li>${escapeHtml(s)}</li>`).join('')}</ul>`;
  const dataPart =
    data.length === 0
      ? '<p class="map-note">No crossover in the data: on every row, the order of two transports outside the spread never reverses.</p>'
      : `<ul class="crossovers data">${crossoverSentences(data).map((c) => `<li data-crossover="${c.metric}">${escapeHtml(c.text)}</li>`).join('')}</ul>`;
  return `<h3 id="crossovers-h">Where the answer flips</h3><p>From the model:</p>${lawPart}<p>Measured (two transports swap order between neighbouring cells of a row, both outside the spread):</p>${dataPart}`;
}

function intro(results: BenchResults, grid: Grid): string {
  const loadBound = grid.cells.filter((c) => c.entries.some((e) => e.loadBound)).length;
  const reps = results.options.repeat;
  const lb = loadBound === 0 ? 'No cell was load-bound.' : `${plural(loadBound, 'cell')} had a load-bound run (marked ⚠): there the load generator, not the server, was measured.`;
  return `<p class="workload">${escapeHtml(`A map of ${plural(grid.cells.length, 'workload')}: ${grid.rows.map(fmtInt).join(', ')} clients × ${grid.columns.map((c) => c.label).join(', ')}; every transport on every cell, ${plural(reps, 'repetition')} each. ${lb}`)}</p>`;
}

/** The whole section, or '' without a map. */
export function decisionSection(results: BenchResults, parts: DecisionParts = {}): string {
  if (!hasMap(results)) return '';
  const grid = buildGrid(results);
  const targets = [...new Set(grid.cells.flatMap((c) => c.entries.map((e) => e.target)))];
  const maps = DECISION_METRICS.map((m) => heatmap(grid, m)).join('\n');
  const projection = parts.projection ?? '';
  return `<section class="decision" aria-labelledby="decision-h" data-decision="true"><h2 id="decision-h">Which one should I use?</h2>
${intro(results, grid)}
<h3 id="heatmaps-h">The map, per metric</h3>
${heatmapLegend(targets)}
${maps}
${crossoversBlock(results, grid)}
<h3 id="slo-h">Capacity under the SLO</h3>
${sloTable(results)}
<h3 id="model-h">The cost model against the measured cells</h3>
${modelFitBlock(results)}
${projection === '' ? '' : `<h3 id="projection-h">Past one machine (projection)</h3>\n${projection}`}
<p class="map-note">The single-workload details follow: verdict per cell, summary, charts and methodology.</p>
</section>`;
}
