/**
 * Leave-one-out cross-validation: each fitted cell is predicted from a fit on all the others
 * (model/fit-core.ts, then model/predict.ts from the held-out cell's workload alone), and the
 * errors are reported as median and max absolute percent. This is how well the model predicts
 * a workload it has not seen inside the measured range — not outside it.
 */
import type { CostModel, Transport } from '../results/types.ts';
import { fitCore } from './fit-core.ts';
import type { CellPoint, Measured } from './points.ts';
import { predict, type Prediction } from './predict.ts';
import type { LawSettings } from './request-law.ts';

type ErrorStat = CostModel['crossValidation']['cpu'];

const round = (n: number): number => Math.round(n * 10) / 10;

/**
 * |predicted − measured| ÷ measured, percent. A measured value near 0 (an idle WebSocket's
 * requests) is judged against 1% of the metric's largest measured value instead, so a
 * prediction of 0.001 for 0 is not an infinite error.
 */
export function percentError(predicted: number, measured: number, scale: number): number {
  const denominator = Math.max(Math.abs(measured), 0.01 * scale);
  if (denominator === 0) return predicted === 0 ? 0 : 100;
  return (Math.abs(predicted - measured) / denominator) * 100;
}

export function errorStat(errors: readonly number[]): ErrorStat {
  if (errors.length === 0) return { medianAbsPercent: 0, maxAbsPercent: 0, cells: 0 };
  const sorted = [...errors].sort((a, b) => a - b);
  const mid = sorted.length / 2;
  const median = sorted.length % 2 === 1 ? (sorted[Math.floor(mid)] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
  return { medianAbsPercent: round(median), maxAbsPercent: round(sorted[sorted.length - 1] as number), cells: sorted.length };
}

const METRICS = [
  ['cpu', 'cpuCores'],
  ['requests', 'requestsPerSecond'],
  ['bytesOut', 'bytesOutPerSecond'],
] as const satisfies readonly (readonly [keyof Omit<CostModel['crossValidation'], 'method'>, keyof Measured & keyof Prediction])[];

/** Needs ≥ 3 cells (a fit on 2 of them); fewer: no error to report (cells 0). */
export function crossValidate(transport: Transport, points: readonly CellPoint[], settings: LawSettings): CostModel['crossValidation'] {
  const errors = { cpu: [] as number[], requests: [] as number[], bytesOut: [] as number[] };
  if (points.length >= 3) {
    for (const [i, held] of points.entries()) {
      const model = fitCore(transport, points.filter((_, j) => j !== i), settings);
      const p = predict(model, held.workload);
      for (const [name, key] of METRICS) {
        const scale = Math.max(...points.map((q) => Math.abs(q.measured[key])));
        errors[name].push(percentError(p[key], held.measured[key], scale));
      }
    }
  }
  return { method: 'leave-one-out', cpu: errorStat(errors.cpu), requests: errorStat(errors.requests), bytesOut: errorStat(errors.bytesOut) };
}
