/**
 * The cost model per target, fitted from a map bench's runs (results/schema/map.ts `CostModel`):
 * the fit on the cells that were not load-bound (model/fit-core.ts), every measured cell beside
 * its prediction (the residuals), leave-one-out cross-validation, the measured header bytes of an
 * empty poll and the measured range. Pure: runs in, models out.
 */
import type { CostModel, FitPoint, RunResult } from '../results/types.ts';
import { crossValidate } from './cross-validate.ts';
import { fitCore } from './fit-core.ts';
import { cellPoints, type CellPoint } from './points.ts';
import { predict, type Prediction } from './predict.ts';
import type { LawSettings } from './request-law.ts';

export type { LawSettings } from './request-law.ts';

const r = (n: number, digits = 4): number => Number(n.toFixed(digits));

function figures(m: Omit<Prediction, 'heapBytes'>): FitPoint['measured'] {
  return { cpuCores: r(m.cpuCores), requestsPerSecond: r(m.requestsPerSecond, 2), bytesOutPerSecond: r(m.bytesOutPerSecond, 1), bytesInPerSecond: r(m.bytesInPerSecond, 1), rssBytes: Math.round(m.rssBytes) };
}

/**
 * Bytes of one empty poll, request + answer, headers included: an idle polling cell's bytes ÷
 * its requests (pooled over the idle cells). Undefined for push transports.
 */
export function headerBytesPerRequest(points: readonly CellPoint[]): number | undefined {
  const idle = points.filter((p) => p.workload.ratePerSecond === 0 && p.measured.requestsPerSecond > 0);
  const requests = idle.reduce((s, p) => s + p.measured.requestsPerSecond, 0);
  if (requests === 0) return undefined;
  return Math.round(idle.reduce((s, p) => s + p.measured.bytesInPerSecond + p.measured.bytesOutPerSecond, 0) / requests);
}

function range(points: readonly CellPoint[]): CostModel['range'] {
  const clients = points.map((p) => p.workload.clients);
  const rates = points.map((p) => p.workload.ratePerSecond);
  return { clients: [Math.min(...clients), Math.max(...clients)], ratePerSecond: [r(Math.min(...rates)), r(Math.max(...rates))] };
}

/** One target's model from its cells; undefined when no cell could be fitted. */
export function fitModel(points: readonly CellPoint[], settings: LawSettings): CostModel | undefined {
  const first = points[0];
  const used = points.filter((p) => !p.loadBound);
  if (first === undefined || used.length === 0) return undefined;
  const core = fitCore(first.transport, used, settings);
  const header = first.transport === 'short-polling' || first.transport === 'long-polling' ? headerBytesPerRequest(used) : undefined;
  return {
    target: first.target,
    transport: first.transport,
    ...core,
    fit: points.map((p) => ({ cell: p.cell, measured: figures(p.measured), predicted: figures(predict(core, p.workload)), loadBound: p.loadBound })),
    crossValidation: crossValidate(first.transport, used, settings),
    ...(header === undefined ? {} : { headerBytesPerRequest: header }),
    range: range(used),
  };
}

/** A model per target measured on the map (targets with no usable cell get none). */
export function fitModels(runs: readonly RunResult[], settings: LawSettings): CostModel[] {
  const byTarget = new Map<string, CellPoint[]>();
  for (const p of cellPoints(runs)) byTarget.set(p.target, [...(byTarget.get(p.target) ?? []), p]);
  return [...byTarget.values()].flatMap((points) => {
    const model = fitModel(points, settings);
    return model === undefined ? [] : [model];
  });
}
