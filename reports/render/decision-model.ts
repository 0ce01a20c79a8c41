/**
 * The cost model beside what it was fitted on (results.map.models, model/fit.ts): per transport
 * the request law and its fixed rate, the marginal costs, the leave-one-out cross-validation
 * error, and a residual table — every measured cell's CPU, requests and bytes out against the
 * fit's prediction. A projection is only as good as these residuals, so they sit right above it.
 */
import type { BenchResults, CostModel, FitPoint } from '../../results/types.ts';
import { escapeHtml, fmtNum } from './format.ts';

/** (predicted − measured) ÷ measured, percent; '–' when the measurement is 0. */
function residualPercent(measured: number, predicted: number): string {
  if (measured === 0) return predicted === 0 ? '0%' : '–';
  const pct = ((predicted - measured) / measured) * 100;
  return `${pct >= 0 ? '+' : ''}${fmtNum(pct, 2)}%`;
}

function lawWords(m: CostModel): string {
  const q = m.requests;
  const fixed = `${fmtNum(q.fixedPerClientSecond)} requests per client-second with no traffic`;
  if (q.kind === 'interval') return `a poll every ${fmtNum(q.intervalMs ?? 0)} ms (${fixed}; 1/interval = ${fmtNum(1000 / (q.intervalMs ?? 1))})`;
  if (q.kind === 'hold') return `a poll held up to ${fmtNum(q.holdMs ?? 0)} ms, renewed ${fmtNum(q.gapMs ?? 0)} ms after each answer (${fixed}; 1/hold = ${fmtNum(1000 / (q.holdMs ?? 1))})`;
  return `no request per delivery (${fixed})`;
}

function costWords(m: CostModel): string {
  const µs = (cores: number): string => `${fmtNum(cores * 1e6)} µs`;
  return `CPU ${µs(m.cpu.perDelivered)} per delivery, ${µs(m.cpu.perRequest)} per request, ${µs(m.cpu.perPublish)} per publish, ${µs(m.cpu.perConnection)} per connected client-second; ${fmtNum(m.requests.perPublish)} requests per publish.`;
}

function residualRow(p: FitPoint): string {
  const cell = (measured: number, predicted: number, digits: number): string =>
    `<td data-fit-measured="${measured}" data-fit-predicted="${predicted}">${fmtNum(measured, digits)} → ${fmtNum(predicted, digits)} <small>(${residualPercent(measured, predicted)})</small></td>`;
  return `<tr${p.loadBound ? ' class="load-bound"' : ''}><td>${escapeHtml(p.cell)}${p.loadBound ? ' ⚠ load-bound, not fitted' : ''}</td>${cell(p.measured.cpuCores * 100, p.predicted.cpuCores * 100, 3)}${cell(p.measured.requestsPerSecond, p.predicted.requestsPerSecond, 4)}${cell(p.measured.bytesOutPerSecond / 1000, p.predicted.bytesOutPerSecond / 1000, 4)}</tr>`;
}

function modelBlock(m: CostModel): string {
  const cv = m.crossValidation;
  const err = (e: { medianAbsPercent: number; maxAbsPercent: number; cells: number }): string => (e.cells === 0 ? 'too few cells' : `median ${fmtNum(e.medianAbsPercent, 2)}%, max ${fmtNum(e.maxAbsPercent, 2)}% over ${e.cells} cells`);
  return `<details class="model" data-model="${escapeHtml(m.target)}"><summary><strong>${escapeHtml(m.target)}</strong>: ${escapeHtml(lawWords(m))}; leave-one-out CPU error ${escapeHtml(err(cv.cpu))}</summary>
<p>${escapeHtml(costWords(m))} Cross-validation (each cell predicted from a fit on the others): CPU ${escapeHtml(err(cv.cpu))}; requests ${escapeHtml(err(cv.requests))}; bytes out ${escapeHtml(err(cv.bytesOut))}.</p>
<div class="table-wrap"><table class="fit"><thead><tr><th>cell</th><th>CPU, % of a core (measured → fit)</th><th>requests/s</th><th>kB/s out</th></tr></thead><tbody>${m.fit.map(residualRow).join('')}</tbody></table></div></details>`;
}

/** The fitted models with their residuals and cross-validation, or '' without a map model. */
export function modelFitBlock(results: BenchResults): string {
  const models = results.map?.models ?? [];
  if (models.length === 0) return '<p class="map-note">No cost model: every cell of every transport was load-bound or failed.</p>';
  return `<p>One linear model per transport (model/fit.ts), fitted on the cells that were not load-bound; the residuals say how far to trust the projection below.</p>\n${models.map(modelBlock).join('\n')}`;
}
