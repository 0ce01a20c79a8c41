/**
 * The Redis backplane's share of a projection, from a scale-out ladder in the same results (runs
 * with a `topology` and per-part cost `parts`, part `redis`; results/topology.ts).
 *
 * Every instance subscribes to the rooms it has subscribers in (servers/core/backplane.ts), so
 * Redis handles each publish once and sends it on to each subscribed instance. Its CPU is taken
 * as proportional to publishes × subscribed instances: measured per (publish × subscribed
 * instance) on the ladder's Redis rungs, projected at the workload's rate and the expected
 * number of instances a room's subscribers land on (spread evenly at random, as nginx does).
 */
import type { BenchResults, RunResult, RunTarget } from '../results/types.ts';
import { parseTopology } from '../results/topology.ts';

export type BackplaneShare =
  | {
      kind: 'measured';
      /** Redis CPU ÷ every part's CPU (instances + redis + nginx) on the ladder's largest Redis rung, 0–1. */
      share: number;
      /** The rung `share` was read on, e.g. `redis · 2 · nginx`. */
      rung: string;
      /** Redis core-seconds per publish per subscribed instance (median over the Redis rungs). */
      coreSecondsPerFanout: number;
      /** Expected instances a room's subscribers are spread over at the projection. */
      instancesPerRoom: number;
      /** Projected Redis CPU, cores (one redis-server is one thread). */
      redisCores: number;
    }
  | { kind: 'none'; note: string };

export const NO_LADDER = 'no scale-out ladder in these results';

/** Expected distinct instances among `roomSize` subscribers spread at random over `instances`. */
export function instancesPerRoom(instances: number, roomSize: number): number {
  if (!Number.isFinite(instances) || instances <= 1) return 1;
  return instances * (1 - (1 - 1 / instances) ** roomSize);
}

function redisRuns(results: BenchResults, target: RunTarget): RunResult[] {
  return results.runs.filter((r) => {
    if (r.target !== target || r.topology === undefined || r.error !== undefined) return false;
    if (!(r.parts ?? []).some((p) => p.part === 'redis')) return false;
    try {
      return parseTopology(r.topology).backplane === 'redis';
    } catch {
      return false;
    }
  });
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

export function backplaneShare(results: BenchResults, target: RunTarget, w: { ratePerSecond: number; roomSize: number }, instances: number): BackplaneShare {
  const anyLadder = results.runs.some((r) => r.topology !== undefined);
  const runs = redisRuns(results, target);
  if (runs.length === 0) return { kind: 'none', note: anyLadder ? `the scale-out ladder in these results did not measure ${target} on Redis` : NO_LADDER };
  const perFanout = runs
    .map((r) => {
      const redis = r.parts?.find((p) => p.part === 'redis')?.cpuSeconds ?? 0;
      const k = parseTopology(r.topology as string).instances;
      const runRoomSize = r.workload === undefined ? results.options.clients / Math.max(1, results.options.rooms) : r.workload.clients / Math.max(1, r.workload.rooms);
      const fanout = r.messages.sent * instancesPerRoom(k, runRoomSize);
      return fanout > 0 ? redis / fanout : undefined;
    })
    .filter((v): v is number => v !== undefined);
  // The largest rung shows the share at the most scale-out measured.
  const largest = runs.reduce((a, b) => (parseTopology(b.topology as string).instances > parseTopology(a.topology as string).instances ? b : a));
  const total = (largest.parts ?? []).reduce((s, p) => s + p.cpuSeconds, 0);
  const redis = largest.parts?.find((p) => p.part === 'redis')?.cpuSeconds ?? 0;
  const coreSecondsPerFanout = perFanout.length > 0 ? median(perFanout) : 0;
  const perRoom = instancesPerRoom(instances, w.roomSize);
  return {
    kind: 'measured',
    share: total > 0 ? redis / total : 0,
    rung: largest.topology as string,
    coreSecondsPerFanout,
    instancesPerRoom: perRoom,
    redisCores: coreSecondsPerFanout * w.ratePerSecond * perRoom,
  };
}
