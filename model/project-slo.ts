/**
 * `pushlab project --slo-p99 MS`: can a transport meet p99 ≤ MS at the projected workload?
 *
 * Two sources, the stricter wins:
 * - the latency floor of short polling: a message waits for the next poll, uniformly within one
 *   interval, so p99 ≥ 0.99 × interval whatever the hardware;
 * - the measured SLO capacity (results.slo, bench/slo/): the highest message rate one process
 *   held under p99 ≤ its bound. Rooms are taken as spread evenly over the instances, so each
 *   instance carries rate ÷ instances; above the measured capacity (a server bound) it fails,
 *   above a lower bound (the load generator saturated first) it is unknown.
 */
import type { BenchResults, CostModel } from '../results/types.ts';

export interface SloMark {
  p99Ms: number;
  /** `fails`: cannot meet it; `meets`: measured to meet it at this per-instance rate; `unknown`: no evidence either way. */
  verdict: 'meets' | 'fails' | 'unknown';
  reasons: string[];
}

/** p99 of a short-poll wait: the 99th percentile of a uniform wait over one interval. */
export const SHORT_POLL_P99_SHARE = 0.99;

const n = (v: number): string => String(Number(v.toPrecision(3)));

export function sloMark(results: BenchResults, model: CostModel, sloP99Ms: number, w: { ratePerSecond: number }, instances: number): SloMark {
  const reasons: string[] = [];
  let verdict: SloMark['verdict'] = 'unknown';
  const law = model.requests;
  if (law.kind === 'interval' && law.intervalMs !== undefined) {
    const floor = SHORT_POLL_P99_SHARE * law.intervalMs;
    if (floor > sloP99Ms) {
      verdict = 'fails';
      reasons.push(`latency floor: a message waits for the next poll, so p99 ≥ ${n(floor)} ms at a ${n(law.intervalMs)} ms interval`);
    }
  }
  const capacity = results.slo?.capacities.find((c) => c.target === model.target && c.kind === 'rate');
  if (capacity === undefined) {
    reasons.push('no measured SLO capacity for it in these results');
    return { p99Ms: sloP99Ms, verdict, reasons };
  }
  const perInstance = Number.isFinite(instances) && instances > 0 ? w.ratePerSecond / instances : w.ratePerSecond;
  const at = `p99 ≤ ${n(capacity.sloP99Ms)} ms`;
  if (capacity.bound === 'not-met') {
    // It missed a bound at least as loose as the one asked even at the lowest rate tried.
    if (capacity.sloP99Ms >= sloP99Ms) {
      verdict = 'fails';
      reasons.push(`measured: even the lowest rate tried missed ${at}`);
    } else reasons.push(`measured: missed the stricter ${at} at every rate; not measured at ${n(sloP99Ms)} ms`);
  } else if (capacity.sloP99Ms > sloP99Ms) {
    reasons.push(`measured at the looser ${at} only (up to ${n(capacity.value)} msg/s per process)`);
  } else if (perInstance <= capacity.value) {
    if (verdict !== 'fails') verdict = 'meets';
    reasons.push(`measured: one process held ${at} up to ${n(capacity.value)} msg/s; each of ${n(instances)} instances carries ${n(perInstance)} msg/s`);
  } else if (capacity.bound === 'server') {
    verdict = 'fails';
    reasons.push(`measured: one process held ${at} only up to ${n(capacity.value)} msg/s; each of ${n(instances)} instances would carry ${n(perInstance)} msg/s`);
  } else {
    reasons.push(`measured: ${n(capacity.value)} msg/s held ${at} (a lower bound: ${capacity.bound}); each instance would carry ${n(perInstance)} msg/s`);
  }
  return { p99Ms: sloP99Ms, verdict, reasons };
}
