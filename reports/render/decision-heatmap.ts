/**
 * One heatmap of the decision map: an HTML table (no canvas, nothing to load), rows = clients,
 * columns = messages per client, each cell listing every transport's figure. The cell takes the
 * winner's colour when one is named (outside the spread: decision-winner.ts), grey when the best
 * are within the spread; load-bound figures and cells are marked. Every figure carries its raw
 * value in data attributes (`data-map-*`), so a test can hold the page to results.json.
 */
import type { RunTarget } from '../../results/types.ts';
import { cellAt, type Grid, type GridCell } from './decision-grid.ts';
import type { DecisionMetric } from './decision-metrics.ts';
import { cellVerdict, RELATIVE_TOLERANCE, type CellVerdict, type Contender, type SpreadMethod } from './decision-winner.ts';
import { escapeHtml, fmtInt, fmtNum } from './format.ts';
import { swatch } from './tables.ts';
import { targetColour } from './targets.ts';

/** The winner's colour, light enough to read black text on (8-digit hex: ~22% opacity). */
const TINT_ALPHA = '38';

export function contendersOf(cell: GridCell, metric: DecisionMetric): Contender[] {
  return cell.entries.flatMap((e) => {
    const measure = metric.measure(e);
    return measure === undefined ? [] : [{ target: e.target, measure, loadBound: e.loadBound }];
  });
}

function figure(cell: GridCell, metric: DecisionMetric, c: Contender, verdict: CellVerdict): string {
  const won = verdict.winner === c.target;
  const spread = c.measure.repetitions > 1 && c.measure.max > c.measure.min ? ` title="${escapeHtml(`min–max over ${c.measure.repetitions} repetitions: ${metric.show(c.measure.min)} – ${metric.show(c.measure.max)}`)}"` : '';
  const value = `<span class="map-value" data-map-metric="${metric.id}" data-map-cell="${escapeHtml(cell.cell.id)}" data-map-target="${c.target}" data-map-value="${c.measure.value}" data-map-scale="${metric.scale}" data-map-source="${escapeHtml(c.measure.source)}"${spread}>${escapeHtml(metric.show(c.measure.value))}</span>`;
  const mark = c.loadBound ? ' <span class="tag warn" title="the load generator was the bottleneck: this measures the harness">⚠ load-bound</span>' : '';
  return `<li class="${won ? 'won' : ''}">${swatch(c.target)}<span class="map-target">${escapeHtml(c.target)}</span> ${value}${won ? ' <strong class="map-wins">wins</strong>' : ''}${mark}</li>`;
}

function heatCell(cell: GridCell | undefined, metric: DecisionMetric): { html: string; methods: readonly SpreadMethod[] } {
  if (cell === undefined) return { html: '<td class="map-cell empty">not measured</td>', methods: [] };
  const contenders = contendersOf(cell, metric);
  const verdict = cellVerdict(contenders);
  const loadBound = cell.entries.some((e) => e.loadBound);
  const colour = verdict.winner === undefined ? '' : ` style="background-color:${targetColour(verdict.winner)}${TINT_ALPHA}"`;
  const note =
    cell.entries.length === 0
      ? '<p class="map-note">no run of a transport here (interrupted or failed)</p>'
      : contenders.length === 0
      ? '<p class="map-note">no figure (nothing delivered)</p>'
      : verdict.winner !== undefined
        ? ''
        : verdict.tiedWith.length > 0
          ? `<p class="map-note">no winner: ${escapeHtml(verdict.tiedWith.join(', '))} within the spread</p>`
          : '<p class="map-note">no winner: no other transport to beat outside the load-bound runs</p>';
  const items = contenders.map((c) => figure(cell, metric, c, verdict)).join('');
  const attrs = `data-map-cell="${escapeHtml(cell.cell.id)}" data-map-metric="${metric.id}" data-map-winner="${verdict.winner ?? ''}" data-load-bound="${loadBound}"`;
  return {
    html: `<td class="map-cell${loadBound ? ' load-bound' : ''}${verdict.winner === undefined ? ' tie' : ''}" ${attrs}${colour}>${loadBound ? '<span class="map-lb">⚠ load-bound cell</span>' : ''}<ul>${items}</ul>${note}</td>`,
    methods: verdict.methods,
  };
}

const METHOD_WORDS: Record<SpreadMethod, string> = {
  bootstrap: 'bootstrap 95% intervals',
  'min-max': 'min–max over repetitions',
  tolerance: `a relative tolerance of ${fmtNum(RELATIVE_TOLERANCE)}× (one repetition: no spread to see)`,
};

/** The heatmap of one metric, with the spread rule it used in its caption. */
export function heatmap(grid: Grid, metric: DecisionMetric): string {
  const used = new Set<SpreadMethod>();
  const rows = grid.rows
    .map((clients) => {
      const cells = grid.columns.map((col) => {
        const { html, methods } = heatCell(cellAt(grid, clients, col.key), metric);
        for (const m of methods) used.add(m);
        return html;
      });
      return `<tr><th scope="row">${escapeHtml(`${fmtInt(clients)} clients`)}</th>${cells.join('')}</tr>`;
    })
    .join('\n');
  const head = grid.columns.map((c) => `<th scope="col" data-map-column="${escapeHtml(c.key)}">${escapeHtml(c.label)}</th>`).join('');
  const methods = [...used].map((m) => METHOD_WORDS[m]);
  const spreadText = `A winner is named only when better than every other transport by more than the spread — here ${methods.length > 0 ? methods.join('; ') : 'nothing to compare'}. Load-bound figures never win.`;
  return `<div class="table-wrap"><table class="heatmap" data-map-metric="${metric.id}">
<caption>${escapeHtml(metric.title)}<span class="caption-note">${escapeHtml(`${metric.unitText}. Lower is better. ${spreadText}`)}</span></caption>
<thead><tr><th scope="col" class="left">Clients ↓ · messages per client →</th>${head}</tr></thead>
<tbody>
${rows}
</tbody></table></div>`;
}

/** The colour key: which tint is whose. */
export function heatmapLegend(targets: readonly RunTarget[]): string {
  const items = targets.map((t) => `<span class="map-key" style="background-color:${targetColour(t)}${TINT_ALPHA}">${swatch(t)}${escapeHtml(t)} wins</span>`);
  return `<p class="map-legend">${items.join(' ')} <span class="map-key tie">grey: no winner outside the spread</span> <span class="map-key">⚠ load-bound: measures the load generator</span></p>`;
}
