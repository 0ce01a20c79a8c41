/**
 * Fits a transport's RequestLaw (model/batching.ts) to the map's measured request rates.
 *
 * - `fixedPerClientSecond` is measured, not derived: the idle cells' requests ÷ client-seconds
 *   (so the done-when check "≈ 1/interval, ≈ 1/hold, 0" compares a measurement with the law).
 * - `perPublish` is the least-squares slope of what the law's polls leave unexplained against
 *   the publish rate (≈ 1 where a publish is a POST, 0 where it is a frame).
 * - `gapMs` (long polling only) is the renewal gap that best explains every cell's polls per
 *   client-second under traffic and at rest: a grid over [0, hold] refined by golden section,
 *   with perPublish solved in closed form at each candidate. Errors are relative, so the 100-client
 *   cells weigh as much as the 5,000-client ones.
 */
import type { RequestLaw, Transport } from '../results/types.ts';
import { requestsPerSecond } from './batching.ts';

export interface RequestPoint {
  clients: number;
  ratePerSecond: number;
  roomRatePerSecond: number;
  /** Measured HTTP requests per second over the window. */
  requestsPerSecond: number;
  durationSeconds: number;
}

export interface LawSettings {
  pollIntervalMs: number;
  holdMs: number;
}

export function lawKind(transport: Transport): RequestLaw['kind'] {
  if (transport === 'short-polling') return 'interval';
  if (transport === 'long-polling') return 'hold';
  return 'none';
}

/** Requests per client-second over the idle cells, pooled (undefined without an idle cell). */
export function idleRequestRate(points: readonly RequestPoint[]): number | undefined {
  const idle = points.filter((p) => p.ratePerSecond === 0 && p.clients > 0);
  if (idle.length === 0) return undefined;
  const requests = idle.reduce((s, p) => s + p.requestsPerSecond * p.durationSeconds, 0);
  const clientSeconds = idle.reduce((s, p) => s + p.clients * p.durationSeconds, 0);
  return requests / clientSeconds;
}

/** Relative weight of a point's squared error (floor: 1 request/s, so an idle WebSocket cell at 0 counts). */
const weight = (p: RequestPoint): number => 1 / Math.max(1, p.requestsPerSecond) ** 2;

/** The best perPublish for a law with perPublish 0, and the weighted squared error it leaves. */
function withPublishes(base: RequestLaw, points: readonly RequestPoint[]): { perPublish: number; error: number } {
  const rest = points.map((p) => p.requestsPerSecond - requestsPerSecond(base, p));
  let num = 0;
  let den = 0;
  points.forEach((p, i) => {
    num += weight(p) * (rest[i] as number) * p.ratePerSecond;
    den += weight(p) * p.ratePerSecond ** 2;
  });
  const perPublish = den > 0 ? Math.max(0, num / den) : 0;
  const error = points.reduce((s, p, i) => s + weight(p) * ((rest[i] as number) - perPublish * p.ratePerSecond) ** 2, 0);
  return { perPublish, error };
}

function holdLaw(settings: LawSettings, gapMs: number): RequestLaw {
  return { kind: 'hold', fixedPerClientSecond: 0, holdMs: settings.holdMs, gapMs, perPublish: 0 };
}

/** The gap (ms) minimising the weighted error: a coarse grid, then golden section around the best. */
function fitGap(settings: LawSettings, points: readonly RequestPoint[]): number {
  const error = (gap: number): number => withPublishes(holdLaw(settings, gap), points).error;
  const top = Math.max(1, settings.holdMs);
  const grid = [0, ...Array.from({ length: 60 }, (_, i) => top * 10 ** (-4 + (4 * i) / 59))];
  let best = 0;
  for (const g of grid) if (error(g) < error(best)) best = g;
  const at = grid.indexOf(best);
  let lo = grid[Math.max(0, at - 1)] as number;
  let hi = grid[Math.min(grid.length - 1, at + 1)] as number;
  const φ = (Math.sqrt(5) - 1) / 2;
  for (let i = 0; i < 60 && hi - lo > 1e-3; i++) {
    const a = hi - φ * (hi - lo);
    const b = lo + φ * (hi - lo);
    if (error(a) < error(b)) hi = b;
    else lo = a;
  }
  return Math.round(((lo + hi) / 2) * 1000) / 1000;
}

export function fitRequestLaw(transport: Transport, settings: LawSettings, points: readonly RequestPoint[]): RequestLaw {
  const kind = lawKind(transport);
  let base: RequestLaw;
  if (kind === 'interval') base = { kind, fixedPerClientSecond: 0, intervalMs: settings.pollIntervalMs, perPublish: 0 };
  else if (kind === 'hold') base = holdLaw(settings, points.length === 0 ? 0 : fitGap(settings, points));
  else base = { kind, fixedPerClientSecond: 0, perPublish: 0 };
  const { perPublish } = withPublishes(base, points);
  const law: RequestLaw = { ...base, perPublish: Math.round(perPublish * 10_000) / 10_000 };
  // Measured at rest when the map has idle cells; the law's own rest rate otherwise.
  const measured = idleRequestRate(points);
  law.fixedPerClientSecond = Math.round((measured ?? requestsPerSecond(law, { clients: 1, roomRatePerSecond: 0, ratePerSecond: 0 })) * 1e6) / 1e6;
  return law;
}
