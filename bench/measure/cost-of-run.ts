/**
 * A run's fixed/marginal split from its samples (bench/measure/fixed-cost.ts): the idle phase after
 * the drain when there was one, the window itself when the rate is 0.
 */
import type { Transport } from '../../protocol/types.ts';
import { deltaBetween, splitCost, type CostSplit } from './fixed-cost.ts';
import type { IdleSpan } from '../harness/idle-phase.ts';
import type { BenchOptions } from '../../results/types.ts';
import type { Sample } from './sampler.ts';

/** How often an idle client of this transport asks the server anything, ms (0: push, nothing). */
export function idleCycleMs(transport: Transport, options: Pick<BenchOptions, 'pollIntervalMs' | 'holdMs'>): number {
  if (transport === 'short-polling') return options.pollIntervalMs;
  if (transport === 'long-polling') return options.holdMs;
  return 0;
}

export function costOf(options: BenchOptions, transport: Transport, samples: readonly Sample[], idle: IdleSpan | undefined, delivered: number, connections: number, heapPerConnectionBytes: number | undefined): { cost?: CostSplit } {
  if (connections <= 0) return {};
  const seconds = Math.round(options.durationMs / 1000);
  const window = deltaBetween(samples, 0, seconds);
  if (window === undefined) return {};
  const cycle = idleCycleMs(transport, options);
  if (options.rate === 0) return { cost: splitCost(window, window, 0, connections, 'window', cycle, heapPerConnectionBytes) };
  if (idle === undefined) return {};
  const phase = deltaBetween(samples, idle.fromT, idle.toT);
  return phase === undefined ? {} : { cost: splitCost(phase, window, delivered, connections, 'idle-phase', cycle, heapPerConnectionBytes) };
}
