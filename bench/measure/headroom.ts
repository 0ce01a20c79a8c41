/**
 * Harness headroom: the load side's CPU per delivery (the load cores' busy time from
 * /proc/stat, bench/measure/load-cores.ts) beside the server's. A load generator that costs as
 * much per delivery as the server it measures runs out of CPU first, and the run then measures
 * the harness: such a run gets a warning. Pure: figures in, figures out.
 */
import type { LoadCoreFigures } from './load-cores.ts';
import type { Headroom, HeadroomSummary, RunResult, SummaryStat } from '../../results/types.ts';

/** Warn when the load side spends at least this multiple of the server's CPU per delivery. */
export const HEADROOM_WARN_RATIO = 1;

const us = (seconds: number, delivered: number): number => Math.round((seconds / delivered) * 1e6 * 100) / 100;

/** Undefined without deliveries, server CPU or a busy time for the load cores (not Linux). */
export function headroomOf(loadCores: LoadCoreFigures | undefined, serverCpuSeconds: number, delivered: number): Headroom | undefined {
  if (loadCores?.busyCoreSeconds === undefined || delivered <= 0 || serverCpuSeconds <= 0) return undefined;
  const shared = loadCores.sharedWithServer === true;
  // Watching every core (no taskset) counts the server too: take its own CPU back out.
  const loadSeconds = Math.max(0, loadCores.busyCoreSeconds - (shared ? serverCpuSeconds : 0));
  const loadUsPerDelivery = us(loadSeconds, delivered);
  const serverUsPerDelivery = us(serverCpuSeconds, delivered);
  return {
    loadUsPerDelivery,
    serverUsPerDelivery,
    loadToServer: Math.round((loadSeconds / serverCpuSeconds) * 100) / 100,
    ...(loadCores.processCpuSeconds === undefined ? {} : { harnessUsPerDelivery: us(loadCores.processCpuSeconds, delivered) }),
    loadCoreSeconds: Math.round(loadSeconds * 1000) / 1000,
    ...(shared ? { loadCoresShared: true } : {}),
  };
}

/** The warning line for a run whose load side cost at least the server per delivery, else undefined. */
export function headroomWarning(name: string, run: Pick<RunResult, 'workers'>): string | undefined {
  const h = run.workers.headroom;
  if (h === undefined || h.loadToServer < HEADROOM_WARN_RATIO) return undefined;
  const own = h.harnessUsPerDelivery === undefined ? '' : ` (the harness's own processes: ${h.harnessUsPerDelivery} µs; the rest is whatever else ran on the load cores)`;
  return `${name}: the load side spent ${h.loadUsPerDelivery} µs of CPU per delivery against the server's ${h.serverUsPerDelivery} µs (×${h.loadToServer})${own}: the harness, not the server, runs out of CPU first`;
}

/** Median, min, max over the repetitions that have headroom figures. */
export function headroomSummaryOf(runs: readonly Pick<RunResult, 'workers'>[], stat: (values: number[]) => SummaryStat): { headroom?: HeadroomSummary } {
  const hs = runs.flatMap((r) => (r.workers.headroom === undefined ? [] : [r.workers.headroom]));
  if (hs.length === 0) return {};
  const own = hs.flatMap((h) => (h.harnessUsPerDelivery === undefined ? [] : [h.harnessUsPerDelivery]));
  return { headroom: { ...(own.length === 0 ? {} : { harnessUsPerDelivery: stat(own) }), loadUsPerDelivery: stat(hs.map((h) => h.loadUsPerDelivery)), serverUsPerDelivery: stat(hs.map((h) => h.serverUsPerDelivery)), loadToServer: stat(hs.map((h) => h.loadToServer)) } };
}
