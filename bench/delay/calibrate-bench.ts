/**
 * Calibrate every distinct path a bench runs (one per swept RTT, or the one of `--rtt`): the
 * floors crossing that path less the same floors on loopback, checked against what was asked
 * (bench/delay/path.ts). The bench's own floors (measured across its base path) are reused
 * rather than measured twice.
 */
import type { BenchOptions, FloorResult } from '../../results/types.ts';
import { calibrate, pathOf, type PathCalibration } from './path.ts';
import type { PathSpec } from './link.ts';

export async function calibratePaths(
  steps: readonly { options: BenchOptions; sweepValue?: number | string }[],
  base: { spec: PathSpec | undefined; floors: readonly FloorResult[]; loopback: readonly FloorResult[] },
  measure: (spec: PathSpec) => Promise<FloorResult[]>,
): Promise<PathCalibration[]> {
  const seen = new Set<string>();
  const out: PathCalibration[] = [];
  for (const step of steps) {
    const spec = pathOf(step.options);
    if (spec === undefined) continue;
    const key = JSON.stringify(spec);
    if (seen.has(key)) continue;
    seen.add(key);
    const floors = base.spec !== undefined && JSON.stringify(base.spec) === key ? base.floors : await measure(spec).catch(() => []);
    out.push(calibrate(spec, floors, base.loopback, step.options.sweep?.option === 'rtt' ? step.sweepValue : undefined));
  }
  return out;
}
