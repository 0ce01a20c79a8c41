/**
 * The decision map's grid (`--scenario map`): client counts × per-client message rates, every
 * cell measured like a sweep step (a fresh server per target, its own warm-up and window, its
 * own rows in results.json with `sweepValue` = `workload.cell` = the cell id, e.g. `c1000-r10s`).
 *
 * Rates are per client, the axis an architect thinks in: `idle`; `r<N>s` or `r<N>m` = one message
 * per client per N seconds/minutes (total rate = clients ÷ N s); `hot` = every client in one room
 * at HOT_ROOM_RATE msg/s (the fan-out corner). Apart from `hot`, clients sit in rooms of
 * MAP_ROOM_SIZE, so the rate each subscriber receives is MAP_ROOM_SIZE × the per-client rate.
 */
import { toList } from '../../options/convert.ts';
import { UsageError } from '../../options/usage-error.ts';
import type { Transport } from '../../protocol/types.ts';
import type { BenchOptions, MapCell } from '../../results/types.ts';
import { workloadOf } from '../../model/workload.ts';

export const MAP_CLIENTS: readonly number[] = [100, 1000, 5000];
/**
 * One per client per second (`r1s`) is left out by default: its 1,000- and 5,000-client cells
 * (20,000 and 100,000 deliveries/s) took 4 of the 16 minutes measured here and the 5,000 one
 * outruns the load core; `--map-rates idle,r60s,r10s,r1s,hot` adds it back.
 */
export const MAP_RATES: readonly string[] = ['idle', 'r60s', 'r10s', 'hot'];
/** Subscribers per room in every cell but `hot` (a group chat's size). */
export const MAP_ROOM_SIZE = 20;
/** `hot`: the one room's rate, msg/s (1,000 clients → 10,000 deliveries/s, the default scenario's load). */
export const HOT_ROOM_RATE = 10;

const RATE_ID = /^r(\d+(?:\.\d+)?)(s|m)$/;

/** A rate id's meaning: messages per client per second, or the hot room. Throws UsageError. */
export function parseMapRate(id: string): { perClientPerSecond: number; hot: boolean } {
  if (id === 'idle') return { perClientPerSecond: 0, hot: false };
  if (id === 'hot') return { perClientPerSecond: 0, hot: true };
  const m = RATE_ID.exec(id);
  const seconds = m === null ? 0 : Number(m[1]) * (m[2] === 'm' ? 60 : 1);
  if (m === null || !(seconds > 0)) throw new UsageError(`--map-rates: "${id}" is not a rate (idle, hot, or r<N>s / r<N>m: one message per client per N seconds / minutes, e.g. r60s, r10s, r1s)`);
  return { perClientPerSecond: 1 / seconds, hot: false };
}

export function parseMapRates(raw: string): string[] {
  const ids = [...new Set(toList(raw))];
  if (ids.length === 0) throw new UsageError('--map-rates needs at least one rate (e.g. idle,r10s,hot)');
  for (const id of ids) parseMapRate(id);
  return ids;
}

export function parseMapClients(raw: string): number[] {
  const list = [...new Set(toList(raw))].map((v) => {
    if (!/^\d+$/.test(v) || Number(v) < 1) throw new UsageError(`--map-clients must be whole numbers ≥ 1, e.g. 100,1000,5000; got "${v}"`);
    return Number(v);
  });
  if (list.length === 0) throw new UsageError('--map-clients needs at least one client count');
  return list;
}

/** A number in words, with thousands separators: 1000 → 1,000. */
const words = (n: number): string => n.toLocaleString('en-US', { maximumFractionDigits: 3 });

function rateLabel(id: string): string {
  if (id === 'idle') return 'idle';
  if (id === 'hot') return `one room at ${HOT_ROOM_RATE} msg/s`;
  const seconds = 1 / parseMapRate(id).perClientPerSecond;
  if (seconds === 1) return '1 msg per client per s';
  return seconds % 60 === 0 ? `1 msg per client per ${seconds === 60 ? 'minute' : `${seconds / 60} min`}` : `1 msg per client per ${words(seconds)} s`;
}

/** The options of one cell: clients, rooms, rate and senders set, the rest the bench's. */
export function cellOptions(options: BenchOptions, clients: number, rateId: string): BenchOptions {
  const { perClientPerSecond, hot } = parseMapRate(rateId);
  const rate = hot ? HOT_ROOM_RATE : Math.round(clients * perClientPerSecond * 1e6) / 1e6;
  const rooms = hot ? 1 : Math.max(1, Math.min(clients, Math.round(clients / MAP_ROOM_SIZE)));
  return { ...options, clients, rooms, rate, senders: rate > 0 ? Math.max(1, options.senders) : 0 };
}

export function isMap(options: BenchOptions): boolean {
  return options.mapClients !== undefined;
}

/** Every cell of the grid with its options, clients outer, rates inner (as listed). */
export function mapSteps(options: BenchOptions): { cell: MapCell; options: BenchOptions }[] {
  const clients = options.mapClients ?? MAP_CLIENTS;
  const rates = options.mapRates ?? MAP_RATES;
  return clients.flatMap((n) => rates.map((rateId) => {
    const cellOpts = cellOptions(options, n, rateId);
    const id = `c${n}-${rateId}`;
    return { cell: { id, label: `${words(n)} clients · ${rateLabel(rateId)}`, workload: workloadOf(cellOpts, id) }, options: cellOpts };
  }));
}

/**
 * A polling transport's window is rounded up to whole client cycles (poll intervals, holds):
 * clients connect within the warm-up, so a window of whole cycles sees every client poll the
 * same number of times, and the idle cells measure 1/interval and ≈ 1/hold exactly rather than
 * a phase-dependent share of it.
 */
/**
 * Connections per second the map plans for in its warm-up, clients spread over it. Measured here
 * (2 cores, one load core): the load side joined about 850-950 WebSocket and about 600 long-poll
 * subscribers a second; with a flat 0.5 s warm-up 800-1,000 of 1,000 joined only after the
 * window opened and every 1,000- and 5,000-client cell was load-bound (late joins).
 */
export const MAP_CONNECTS_PER_SECOND = 700;

export function mapRunOptions(options: BenchOptions, transport: Transport): BenchOptions {
  const warmupMs = Math.max(options.warmupMs, Math.ceil((options.clients / MAP_CONNECTS_PER_SECOND) * 1000) + 500);
  const cycle = transport === 'short-polling' ? options.pollIntervalMs : transport === 'long-polling' ? options.holdMs : 0;
  if (cycle <= 0) return { ...options, warmupMs };
  return { ...options, warmupMs, durationMs: Math.ceil(options.durationMs / cycle) * cycle };
}
