/**
 * What the SLO search tries: the two searches per target, their ladders and resolution, and the
 * options of one step (a short bench run). Sized so 4 transports + 2 baselines search in about
 * 5 minutes on 2 cores: each step is ~1 s of warm-up, a --slo-window (2 s) window and ~3 s of
 * start, drain and teardown; short polling fails its first step of each search (a 2 s interval
 * cannot meet a 100 ms p99), and a load-bound step ends a search at once.
 */
import { baseOptions, validate } from '../config/options.ts';
import type { Transport } from '../../protocol/types.ts';
import type { BenchOptions } from '../../results/types.ts';
import type { SearchPlan } from './search.ts';

export type SloKind = 'rate' | 'idle-connections';
export const SLO_KINDS: readonly SloKind[] = ['rate', 'idle-connections'];

/**
 * Rate (`--slo-rates`, default 100…3,200 doubling): total msg/s at the bench's clients and
 * rooms, from 100 (the default scenario's rate, which every push transport meets on loopback);
 * doubling, not ×4, because a load-bound step ends the search and the lower bound it leaves is
 * then within ×2. After the first failure two geometric bisections, to within 25%.
 */
const RATE_SEARCH = { resolution: 1.25, maxBisections: 2 };

/**
 * Idle connections (`--slo-clients`, default 200…12,800, ×4): the top keeps server and load
 * workers under the 20,000 open files of this machine and the 28k loopback ports; then two
 * bisections, to within 50% — counts are cheap to be coarse about and costly to step through.
 */
const IDLE_SEARCH = { resolution: 1.5, maxBisections: 2 };

/**
 * The idle search's latency probe: an idle connection has no latency, so a trickle of
 * PROBE_RATE msg/s goes to rooms of PROBE_ROOM_SIZE subscribers (message k to room k mod rooms):
 * nearly every connection stays idle, and the p99 is of deliveries at that connection count
 * (10 msg/s × 10 subscribers × a 2 s window = 200 samples).
 */
export const PROBE_RATE = 10;
export const PROBE_ROOM_SIZE = 10;

/** Warm-up of a step, ms: enough for senders to reach their schedule before the window. */
export const STEP_WARMUP_MS = 1000;
/** Connections the load workers open per second in an idle step's warm-up (late joins make a step load-bound). */
export const CONNECTS_PER_SECOND = 2000;

/** The SLO settings a bench runs with; an older results file (`--from`) lacks them: the option table's defaults. */
export function sloSettings(options: BenchOptions): { p99Ms: number; windowMs: number } {
  const defaults = baseOptions();
  const p99Ms = options.sloP99Ms ?? defaults.sloP99Ms;
  const windowMs = options.sloWindowMs ?? defaults.sloWindowMs;
  if (p99Ms === undefined || windowMs === undefined) throw new Error('the option table declares no --slo-p99 or --slo-window default');
  return { p99Ms, windowMs };
}

/**
 * Why a transport cannot meet `p99Ms` at any load, by its design, or undefined. Short polling:
 * a message waits for the next poll, uniform over the interval, so p99 ≈ 0.99 × interval (+ one
 * RTT under --rtt; bench/measure/model.ts checks the same law on every run).
 */
export function cannotMeet(transport: Transport, options: BenchOptions, p99Ms: number): string | undefined {
  if (transport !== 'short-polling') return undefined;
  const floorMs = 0.99 * options.pollIntervalMs + (options.rttMs ?? 0);
  if (floorMs <= p99Ms) return undefined;
  return `short polling every ${options.pollIntervalMs} ms answers p99 ≈ 0.99 × interval${(options.rttMs ?? 0) > 0 ? ' + RTT' : ''} = ${Math.round(floorMs)} ms > ${p99Ms} ms at any load`;
}

/** The ladder of `kind` this bench runs with (the option table's default when an older results file lacks it). */
function ladderOf(options: BenchOptions, kind: SloKind): number[] {
  const ladder = kind === 'rate' ? (options.sloRates ?? baseOptions().sloRates) : (options.sloClients ?? baseOptions().sloClients);
  if (ladder === undefined || ladder.length === 0) throw new Error(`the option table declares no --slo-${kind === 'rate' ? 'rates' : 'clients'} default`);
  return ladder;
}

export function planFor(options: BenchOptions, kind: SloKind): SearchPlan {
  return { ladder: ladderOf(options, kind), ...(kind === 'rate' ? RATE_SEARCH : IDLE_SEARCH) };
}

/** A step's bench options: the bench's own, narrowed to one short measured window at `value`. */
export function stepOptions(options: BenchOptions, kind: SloKind, value: number): BenchOptions {
  const { sweep: _sweep, phases: _phases, ...rest } = options;
  const base: BenchOptions = { ...rest, repeat: 1, durationMs: sloSettings(options).windowMs, idleMs: 0, faults: false, restartServer: false };
  if (kind === 'rate') {
    return validate({ ...base, rate: value, senders: Math.max(1, options.senders), warmupMs: STEP_WARMUP_MS });
  }
  const warmupMs = Math.max(STEP_WARMUP_MS, Math.ceil((value / CONNECTS_PER_SECOND) * 1000));
  return validate({ ...base, clients: value, rooms: Math.max(1, Math.ceil(value / PROBE_ROOM_SIZE)), senders: 1, rate: PROBE_RATE, warmupMs });
}

/** The steps' workload in words, for results and the table. */
export function describeWorkload(options: BenchOptions, kind: SloKind): string {
  const ladder = ladderOf(options, kind);
  const range = `${ladder[0]}…${ladder.at(-1)}`;
  if (kind === 'rate') {
    const rooms = `${options.rooms} room${options.rooms === 1 ? '' : 's'}`;
    return `${options.clients} clients in ${rooms}, ${Math.max(1, options.senders)} senders, ${options.size}-byte messages; total rate laddered ${range} msg/s`;
  }
  return `clients laddered ${range} in rooms of ${PROBE_ROOM_SIZE}, a ${PROBE_RATE} msg/s probe (1 sender) for latency, ${options.size}-byte messages`;
}
