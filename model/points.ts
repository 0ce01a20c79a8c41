/**
 * The map's measured cells, per target: each run with a `workload.cell` turned into per-second
 * figures (server CPU cores, requests/s, bytes/s each way, peak RSS and heap). Repetitions of a
 * cell are averaged over their runs that were not load-bound; a cell whose every run was
 * load-bound is kept, marked, and left out of the fit. A run that failed (`error`) measured
 * nothing usable and is skipped.
 */
import type { RunResult, RunTarget, Transport, Workload } from '../results/types.ts';
import type { Prediction } from './predict.ts';

/** A cell's measured figures: the same quantities a prediction gives. */
export type Measured = Prediction;

export interface CellPoint {
  cell: string;
  target: RunTarget;
  transport: Transport;
  workload: Workload;
  durationSeconds: number;
  loadBound: boolean;
  measured: Measured;
}

function measuredOf(run: RunResult): Measured {
  const seconds = Math.max(1e-9, run.durationSeconds);
  return {
    cpuCores: run.server.cpuSeconds / seconds,
    requestsPerSecond: run.requests.total / seconds,
    bytesOutPerSecond: run.bytes.out / seconds,
    bytesInPerSecond: run.bytes.in / seconds,
    rssBytes: run.server.rssPeakBytes,
    heapBytes: run.server.heapPeakBytes,
  };
}

function mean(list: readonly Measured[]): Measured {
  const avg = (key: keyof Measured): number => list.reduce((s, m) => s + m[key], 0) / Math.max(1, list.length);
  return { cpuCores: avg('cpuCores'), requestsPerSecond: avg('requestsPerSecond'), bytesOutPerSecond: avg('bytesOutPerSecond'), bytesInPerSecond: avg('bytesInPerSecond'), rssBytes: avg('rssBytes'), heapBytes: avg('heapBytes') };
}

/** Every (target, cell) measured, in the order first met. */
export function cellPoints(runs: readonly RunResult[]): CellPoint[] {
  const groups = new Map<string, RunResult[]>();
  for (const run of runs) {
    const cell = run.workload?.cell;
    if (cell === undefined || run.error !== undefined) continue;
    const key = `${run.target}\u0000${cell}`;
    groups.set(key, [...(groups.get(key) ?? []), run]);
  }
  return [...groups.values()].map((group) => {
    const first = group[0] as RunResult;
    const usable = group.filter((r) => !r.workers.loadBound);
    const used = usable.length > 0 ? usable : group;
    return {
      cell: first.workload?.cell as string,
      target: first.target,
      transport: first.transport,
      workload: first.workload as Workload,
      durationSeconds: used.reduce((s, r) => s + r.durationSeconds, 0) / used.length,
      loadBound: usable.length === 0,
      measured: mean(used.map(measuredOf)),
    };
  });
}
