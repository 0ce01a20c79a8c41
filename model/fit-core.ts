/**
 * The fit itself, on a set of measured cells of one target: the request law
 * (model/request-law.ts), non-negative linear fits of server CPU and bytes each way against
 * connections, requests/s (measured), deliveries/s and publishes/s, and memory against
 * connections. Relative errors (model/least-squares.ts), so light and heavy cells count alike.
 * The fit uses each cell's *measured* requests/s; predictions use the law's, so a law error
 * shows in the residuals instead of hiding in the CPU coefficients.
 */
import type { LinearCost, Transport } from '../results/types.ts';
import { nnls, relativeNnls } from './least-squares.ts';
import type { CellPoint } from './points.ts';
import type { ModelCore } from './predict.ts';
import { fitRequestLaw, type LawSettings, type RequestPoint } from './request-law.ts';

export function requestPoint(p: CellPoint): RequestPoint {
  return { clients: p.workload.clients, ratePerSecond: p.workload.ratePerSecond, roomRatePerSecond: p.workload.roomRatePerSecond, requestsPerSecond: p.measured.requestsPerSecond, durationSeconds: p.durationSeconds };
}

/** A row of regressors: [1, connections, requests/s, deliveries/s, publishes/s]. */
function row(p: CellPoint): number[] {
  return [1, p.workload.clients, p.measured.requestsPerSecond, p.workload.deliveriesPerSecond, p.workload.ratePerSecond];
}

const sig = (n: number): number => (n === 0 ? 0 : Number(n.toPrecision(6)));

function linearFit(points: readonly CellPoint[], y: (p: CellPoint) => number): LinearCost {
  const [intercept = 0, perConnection = 0, perRequest = 0, perDelivered = 0, perPublish = 0] = relativeNnls(points.map(row), points.map(y));
  return { intercept: sig(intercept), perConnection: sig(perConnection), perRequest: sig(perRequest), perDelivered: sig(perDelivered), perPublish: sig(perPublish) };
}

/** Intercept and slope of `y` against connections, both ≥ 0. */
function perConnectionFit(points: readonly CellPoint[], y: (p: CellPoint) => number): { base: number; slope: number } {
  const [base = 0, slope = 0] = nnls(points.map((p) => [1, p.workload.clients]), points.map(y));
  return { base: Math.round(base), slope: Math.round(slope * 10) / 10 };
}

export function fitCore(transport: Transport, points: readonly CellPoint[], settings: LawSettings): ModelCore {
  const rss = perConnectionFit(points, (p) => p.measured.rssBytes);
  const heap = perConnectionFit(points, (p) => p.measured.heapBytes);
  return {
    cpu: linearFit(points, (p) => p.measured.cpuCores),
    bytesOut: linearFit(points, (p) => p.measured.bytesOutPerSecond),
    bytesIn: linearFit(points, (p) => p.measured.bytesInPerSecond),
    memory: { baseRssBytes: rss.base, rssPerConnectionBytes: rss.slope, heapPerConnectionBytes: heap.slope, baseHeapBytes: heap.base },
    requests: fitRequestLaw(transport, settings, points.map(requestPoint)),
  };
}
