/**
 * Fixed and marginal cost: what staying connected costs per client-second, apart from what
 * each delivered message costs. One blended ratio (CPU per message) crowns whichever
 * transport batches best at the one workload point measured; an architect with a few
 * messages a minute needs the two terms apart.
 *
 * Fixed = the server's CPU, bytes (in + out) and requests over an *idle phase* — every client
 * still connected, no message scheduled — per client-second; it runs right after the drain
 * (`--idle`, default 4 s), or is the window itself when the rate is 0 (the idle scenario).
 * Marginal = (the window's cost − fixed rate × clients × window) ÷ delivered messages.
 * Memory per connection is the existing heap figure (bench/measure/connection-memory.ts).
 */
import type { Sample } from './sampler.ts';
import type { CostSplit, FixedCost, MarginalCost } from '../../results/types.ts';

// The shapes are results.json's (results/schema/costs.ts); re-exported for the bench's modules.
export type { CostSplit, FixedCost, MarginalCost };

/** Server counters between two samples. */
export interface CounterDelta {
  cpuSeconds: number;
  bytes: number;
  requests: number;
  seconds: number;
}

/** The sample nearest to second t that scraped, and the counters between two such seconds. */
export function deltaBetween(samples: readonly Sample[], fromT: number, toT: number): CounterDelta | undefined {
  const good = samples.filter((s) => !s.scrapeFailed);
  const near = (t: number): Sample | undefined => good.reduce<Sample | undefined>((best, s) => (best === undefined || Math.abs(s.t - t) < Math.abs(best.t - t) ? s : best), undefined);
  const a = near(fromT);
  const b = near(toT);
  if (a === undefined || b === undefined || b.atMs <= a.atMs) return undefined;
  return { cpuSeconds: b.cpuSeconds - a.cpuSeconds, bytes: b.bytesIn + b.bytesOut - (a.bytesIn + a.bytesOut), requests: b.requests - a.requests, seconds: (b.atMs - a.atMs) / 1000 };
}

const round = (n: number, digits: number): number => Math.round(n * 10 ** digits) / 10 ** digits;

/**
 * Split a run's window cost. `idle` is the idle phase's counters (the window's own when the
 * rate is 0); `cycleMs` is how often an idle client asks anything (poll interval, hold; 0 for push).
 */
export function splitCost(idle: CounterDelta, window: CounterDelta, delivered: number, connections: number, source: CostSplit['source'], cycleMs: number, heapPerConnectionBytes?: number): CostSplit {
  const clientSeconds = Math.max(1e-9, connections * idle.seconds);
  const fixed: FixedCost = {
    cpuMsPerClientSecond: round((idle.cpuSeconds * 1000) / clientSeconds, 5),
    bytesPerClientSecond: round(idle.bytes / clientSeconds, 2),
    requestsPerClientSecond: round(idle.requests / clientSeconds, 4),
    ...(heapPerConnectionBytes === undefined ? {} : { heapPerConnectionBytes }),
  };
  const split: CostSplit = { source, idleSeconds: round(idle.seconds, 2), connections, fixed };
  if (delivered > 0 && source === 'idle-phase') {
    // The fixed part of the window: what the same clients would have cost with no message.
    const share = window.seconds / Math.max(1e-9, idle.seconds);
    split.marginal = {
      cpuSecondsPer1kDelivered: round(((window.cpuSeconds - idle.cpuSeconds * share) / delivered) * 1000, 4),
      bytesPerDelivered: round((window.bytes - idle.bytes * share) / delivered, 1),
      requestsPerDelivered: round((window.requests - idle.requests * share) / delivered, 4),
    };
  }
  if (cycleMs > idle.seconds * 1000) split.note = `the idle phase (${round(idle.seconds, 1)} s) is shorter than one client cycle (${cycleMs / 1000} s): renewals are under-sampled, fixed requests and bytes read low (raise --idle)`;
  return split;
}
