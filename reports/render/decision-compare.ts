/**
 * `pushlab compare` of two map benches: per metric, the map's cells side by side — each
 * transport's figure before → after and the ratio, coloured like the ratios table (worse by more
 * than the threshold red, better green). Cells or transports in only one bench say so. Empty
 * unless at least one of the two holds a map.
 */
import type { BenchResults } from '../../results/types.ts';
import { classify, ratioOf } from './compare.ts';
import { buildGrid, cellAt, hasMap, type Grid, type GridColumn } from './decision-grid.ts';
import { DECISION_METRICS, type DecisionMetric } from './decision-metrics.ts';
import { escapeHtml, fmtInt, fmtRatio } from './format.ts';
import { section } from './template.ts';
import { swatch } from './tables.ts';

function line(metric: DecisionMetric, id: string, target: string, before: Grid, after: Grid, clients: number, column: string, threshold: number): string {
  const find = (g: Grid) => cellAt(g, clients, column)?.entries.find((e) => e.target === target);
  const ea = find(before);
  const eb = find(after);
  const ma = ea === undefined ? undefined : metric.measure(ea);
  const mb = eb === undefined ? undefined : metric.measure(eb);
  const shown = (m: typeof ma): string => (m === undefined ? '—' : metric.show(m.value));
  let verdict = '';
  let cls = '';
  if (ma !== undefined && mb !== undefined) {
    const ratio = ratioOf(ma.value, mb.value);
    const change = classify(ratio, true, threshold);
    cls = change === 'same' ? '' : ` class="${change}"`;
    verdict = ` <strong>${escapeHtml(Number.isFinite(ratio) ? fmtRatio(ratio) : 'from 0')}</strong>`;
  }
  const lb = ea?.loadBound === true || eb?.loadBound === true ? ' ⚠' : '';
  const attrs = `data-map-compare="${escapeHtml(`${id}:${target}:${metric.id}`)}" data-before="${ma?.value ?? ''}" data-after="${mb?.value ?? ''}"`;
  return `<li${cls} ${attrs}>${swatch(eb?.target ?? ea?.target ?? 'websocket')}${escapeHtml(target)} ${escapeHtml(`${shown(ma)} → ${shown(mb)}`)}${verdict}${lb}</li>`;
}

function table(metric: DecisionMetric, before: Grid, after: Grid, threshold: number): string {
  const rows = [...new Set([...before.rows, ...after.rows])].sort((x, y) => x - y);
  const columns: GridColumn[] = [...after.columns, ...before.columns.filter((c) => !after.columns.some((d) => d.key === c.key))];
  const body = rows
    .map((clients) => {
      const cells = columns.map((col) => {
        const ca = cellAt(before, clients, col.key);
        const cb = cellAt(after, clients, col.key);
        const id = cb?.cell.id ?? ca?.cell.id;
        if (id === undefined) return '<td class="map-cell empty">not measured</td>';
        const targets = [...new Set([...(cb?.entries ?? []), ...(ca?.entries ?? [])].map((e) => e.target))];
        const note = ca === undefined ? '<p class="map-note">only in after</p>' : cb === undefined ? '<p class="map-note">only in before</p>' : '';
        return `<td class="map-cell" data-map-cell="${escapeHtml(id)}"><ul>${targets.map((t) => line(metric, id, t, before, after, clients, col.key, threshold)).join('')}</ul>${note}</td>`;
      });
      return `<tr><th scope="row">${escapeHtml(`${fmtInt(clients)} clients`)}</th>${cells.join('')}</tr>`;
    })
    .join('\n');
  return `<div class="table-wrap"><table class="heatmap compare" data-map-metric="${metric.id}">
<caption>${escapeHtml(`${metric.title}: before → after (ratio after ÷ before)`)}<span class="caption-note">${escapeHtml(`${metric.unitText}. Red: worse by more than ${Math.round(threshold * 100)}%; green: better by more than that. ⚠: a load-bound run on either side.`)}</span></caption>
<thead><tr><th scope="col" class="left">Clients ↓ · messages per client →</th>${columns.map((c) => `<th scope="col">${escapeHtml(c.label)}</th>`).join('')}</tr></thead>
<tbody>
${body}
</tbody></table></div>`;
}

export function decisionComparison(a: BenchResults, b: BenchResults, threshold: number): string {
  if (!hasMap(a) && !hasMap(b)) return '';
  const before = buildGrid(a);
  const after = buildGrid(b);
  const missing = !hasMap(a) ? '<p class="alert info">Only the after bench holds a decision map.</p>' : !hasMap(b) ? '<p class="alert info">Only the before bench holds a decision map.</p>' : '';
  return section('decision-compare-h', 'Decision map: before → after', `${missing}\n${DECISION_METRICS.map((m) => table(m, before, after, threshold)).join('\n')}`);
}
