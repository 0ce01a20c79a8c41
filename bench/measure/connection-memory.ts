/**
 * Heap per client connection, from the samples of one run: the lowest heap sampled in the
 * window (the nearest to a just-collected heap: samples between collections carry garbage)
 * minus the heap sampled before the first client connected, divided by the connections held.
 * The sampler's first sample is taken at the moment clients start connecting (bench/measure/sampler.ts
 * starts on the whole second of the warm-up's start), so it is the server with no client.
 */
import type { Sample } from './sampler.ts';

/**
 * `connectStartT`: the window-relative second at which clients start connecting (−warm-up);
 * only a sample at or before it counts as "before". Undefined when there is none, no window
 * sample, or no connection.
 */
export function heapPerConnection(samples: readonly Sample[], connections: number, connectStartT: number, durationSeconds: number): number | undefined {
  if (connections <= 0) return undefined;
  const good = samples.filter((s) => !s.scrapeFailed && s.heapUsedBytes > 0);
  const before = good.filter((s) => s.t <= connectStartT).sort((a, b) => a.t - b.t)[0];
  const inWindow = good.filter((s) => s.t >= 0 && s.t <= durationSeconds);
  if (before === undefined || inWindow.length === 0) return undefined;
  const lowest = Math.min(...inWindow.map((s) => s.heapUsedBytes));
  return Math.max(0, Math.round((lowest - before.heapUsedBytes) / connections));
}
