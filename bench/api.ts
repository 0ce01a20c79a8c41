/**
 * The bench as a library: options are data, not argv. `benchOptions({ scenario: 'smoke',
 * clients: 5 })` fills the rest from the option table and the scenario preset and checks the
 * whole (UsageError on a bad combination); `runBench(options, hooks)` runs it. `pushlab bench`
 * (cli/bench.ts) is one caller: it parses argv into the same options.
 */
import { resolveBenchOptions, validate } from './config/options.ts';
import type { BenchOptions } from '../results/types.ts';
import { topologiesOf } from './config/topology.ts';

export { runBench, type RunBenchHooks } from './harness/run.ts';
export { BENCH_FLAG_SPECS } from './config/options.ts';
export type { BenchOptions, BenchResults } from '../results/types.ts';

/** A scenario's options (default: the `default` scenario) with `overrides` laid over, checked. */
export function benchOptions(overrides: Partial<BenchOptions> = {}): BenchOptions {
  const { options } = resolveBenchOptions(overrides.scenario === undefined ? {} : { scenario: overrides.scenario });
  // The scenario's ladder was derived from its own instances/backplane: derive it again from the result.
  delete options.topologies;
  const merged = validate({ ...options, ...overrides });
  const topologies = topologiesOf(merged);
  if (topologies !== undefined) merged.topologies = topologies;
  return merged;
}
