/**
 * Where the answer flips, in words. Two sources:
 * - the data: along each row of the map (fixed clients), the columns where the order of two
 *   transports on a metric reverses — both figures outside each other's spread on both sides,
 *   neither load-bound — with the crossing interpolated on a log rate axis;
 * - the model: the request law fitted per polling transport (results.map.models[i].requests,
 *   model/batching.ts) gives the received rate at which long polling's polls per client exceed
 *   short polling's fixed 1/interval.
 * Pure; returns data, decision.ts words it.
 */
import type { BenchResults, RequestLaw, RunTarget } from '../../results/types.ts';
import { pollsPerClientSecond } from '../../model/batching.ts';
import { DEFAULTS } from '../../protocol/defaults.ts';
import { cellAt, type Grid, type GridColumn } from './decision-grid.ts';
import { separated } from './decision-winner.ts';
import type { DecisionMetric } from './decision-metrics.ts';

export interface DataCrossover {
  metric: DecisionMetric['id'];
  clients: number;
  /** Lower on the metric at `before` (and higher at `after`). */
  lowerFirst: RunTarget;
  lowerAfter: RunTarget;
  before: GridColumn;
  after: GridColumn;
  /** Interpolated messages per client per second at the crossing; absent with an idle or zero end. */
  atPerClientRate?: number;
}

/** Every reversal of a pair's order between decided columns of a row. */
export function dataCrossovers(grid: Grid, metric: DecisionMetric): DataCrossover[] {
  const out: DataCrossover[] = [];
  const targets = [...new Set(grid.cells.flatMap((c) => c.entries.map((e) => e.target)))];
  for (const clients of grid.rows) {
    for (let i = 0; i < targets.length; i++) {
      for (let j = i + 1; j < targets.length; j++) {
        const a = targets[i] as RunTarget;
        const b = targets[j] as RunTarget;
        // Decided points: sign of (a − b) where the two are apart beyond the spread.
        const points: { column: GridColumn; sign: number; ratio: number }[] = [];
        // A hot room is off the per-client rate axis: no crossing is interpolated into it.
        for (const column of grid.columns.filter((c) => !c.oneRoom)) {
          const cell = cellAt(grid, clients, column.key);
          const ea = cell?.entries.find((e) => e.target === a);
          const eb = cell?.entries.find((e) => e.target === b);
          if (!ea || !eb || ea.loadBound || eb.loadBound) continue;
          const ma = metric.measure(ea);
          const mb = metric.measure(eb);
          if (!ma || !mb) continue;
          if (ma.value < mb.value && separated(ma, mb)) points.push({ column, sign: -1, ratio: mb.value > 0 ? ma.value / mb.value : 0 });
          else if (mb.value < ma.value && separated(mb, ma)) points.push({ column, sign: 1, ratio: mb.value > 0 ? ma.value / mb.value : Infinity });
        }
        for (let k = 1; k < points.length; k++) {
          const p = points[k - 1] as (typeof points)[number];
          const q = points[k] as (typeof points)[number];
          if (p.sign === q.sign) continue;
          const crossing = interpolate(p.column.perClientRate, p.ratio, q.column.perClientRate, q.ratio);
          out.push({
            metric: metric.id,
            clients,
            lowerFirst: p.sign < 0 ? a : b,
            lowerAfter: q.sign < 0 ? a : b,
            before: p.column,
            after: q.column,
            ...(crossing === undefined ? {} : { atPerClientRate: crossing }),
          });
        }
      }
    }
  }
  return out;
}

/** Where log(ratio) crosses 0, linear in log(rate); undefined when an end is idle, zero or infinite. */
export function interpolate(x1: number, r1: number, x2: number, r2: number): number | undefined {
  if (!(x1 > 0 && x2 > 0 && r1 > 0 && r2 > 0 && Number.isFinite(r1) && Number.isFinite(r2))) return undefined;
  const y1 = Math.log(r1);
  const y2 = Math.log(r2);
  if (y1 === y2) return undefined;
  const t = y1 / (y1 - y2);
  return Math.exp(Math.log(x1) + t * (Math.log(x2) - Math.log(x1)));
}

export interface LawCrossover {
  /** Messages each client receives per second above which long polling polls more than short polling. */
  receivedPerSecond: number;
  shortLaw: RequestLaw;
  longLaw: RequestLaw;
  /** The hold the map measured, when shorter than the product's (the law is then told at the product's). */
  measuredHoldMs?: number;
  /** Room sizes of the map (clients ÷ rooms), to restate the crossing on the map's per-client axis. */
  roomSizes: readonly number[];
}

/** Received rates searched, msg/s per client: far below any poll rate to far above. */
const SEARCH: readonly [number, number] = [1e-6, 1e4];

/**
 * Long polling's polls per client grow with the received rate (each message ends a hold),
 * short polling's stay at 1/interval: bisect for the rate where they meet. Undefined without
 * both laws, or when they never meet in the searched range.
 */
export function lawCrossover(results: BenchResults): LawCrossover | undefined {
  const models = results.map?.models ?? [];
  const shortLaw = models.find((m) => m.target === 'short-polling' && m.requests.kind === 'interval')?.requests;
  const fittedLong = models.find((m) => m.target === 'long-polling' && m.requests.kind === 'hold')?.requests;
  if (!shortLaw || !fittedLong) return undefined;
  // The map measures long polling at a short hold (2 s, so every client renews inside its 2 s
  // window), which equals the poll interval: the laws would then "cross" at any traffic at all.
  // The law is parametric in the hold, so the crossover is told at the product's hold (20 s)
  // whenever the map's was shorter, with the fitted renewal gap.
  const longLaw = (fittedLong.holdMs ?? 0) < DEFAULTS.holdMs ? { ...fittedLong, holdMs: DEFAULTS.holdMs } : fittedLong;
  const gap = (rate: number): number => pollsPerClientSecond(longLaw, rate) - pollsPerClientSecond(shortLaw, rate);
  let [lo, hi] = SEARCH;
  if (gap(lo) >= 0 || gap(hi) <= 0) return undefined;
  // Geometric bisection: the range spans ten decades.
  for (let i = 0; i < 200 && hi / lo > 1 + 1e-9; i++) {
    const mid = Math.sqrt(lo * hi);
    if (gap(mid) < 0) lo = mid;
    else hi = mid;
  }
  // A hot room (one room for everyone) is off the map's rate axis: its room size is left out.
  const roomSizes = [...new Set((results.map?.cells ?? []).filter((c) => c.workload.rooms > 1).map((c) => (c.workload.rooms > 0 ? c.workload.clients / c.workload.rooms : 0)))].filter((n) => n > 0).sort((a, b) => a - b);
  return { receivedPerSecond: Math.sqrt(lo * hi), shortLaw, longLaw, roomSizes, ...(longLaw === fittedLong ? {} : { measuredHoldMs: fittedLong.holdMs ?? 0 }) };
}
