/**
 * The emulated path of a bench: which one ran, what it cost, and whether it held what was
 * asked. The floors (TCP, ws and HTTP echo) cross the same proxy as the load clients; the
 * path's measured round trip is their p50 less the same floor measured straight on loopback in
 * the same bench (the endpoints' own time — a busy machine's 0.5–2 ms — is not the path's). A
 * path that adds more or less than the asked RTT by over 1 ms + 2% of it fails the bench,
 * since every latency figure would be off too.
 */
import { PATH_MODE } from '../../results/schema/run-extras.ts';
import type { BenchOptions, FloorResult, PathCalibration, PathCheck, PathRunCost } from '../../results/types.ts';
import { describePath, isEmulated, type PathSpec } from './link.ts';

// The shapes live in the results schema (results/schema/checks.ts, run-extras.ts); the bench makes them here.
export { PATH_MODE, type PathCalibration, type PathCheck, type PathRunCost };

/** Allowed error of the measured round trip: this many ms plus this share of the asked RTT. */
export const PATH_TOLERANCE = { ms: 1, share: 0.02 };

export function pathOf(options: Pick<BenchOptions, 'rttMs' | 'jitterMs' | 'bandwidthBps'>): PathSpec | undefined {
  const spec: PathSpec = { rttMs: options.rttMs ?? 0, jitterMs: options.jitterMs ?? 0, ...(options.bandwidthBps === undefined ? {} : { bandwidthBps: options.bandwidthBps }) };
  return isEmulated(spec) ? spec : undefined;
}

export function toleranceMs(rttMs: number): number {
  return PATH_TOLERANCE.ms + PATH_TOLERANCE.share * rttMs;
}

/**
 * Check the floors measured across the path. With jitter the round trip's median is still
 * RTT (symmetric jitter); with a bandwidth cap a 64-byte echo adds well under a millisecond
 * at any rate above 1 Mbit/s, so the same tolerance applies.
 */
export function calibrate(spec: PathSpec, floors: readonly FloorResult[], loopback: readonly FloorResult[] = [], sweepValue?: number | string): PathCalibration {
  const tolerance = toleranceMs(spec.rttMs);
  const checks = floors.map((f): PathCheck => {
    const direct = loopback.find((l) => l.name === f.name)?.latencyMs.p50;
    const offBy = Math.round((f.latencyMs.p50 - (direct ?? 0) - spec.rttMs) * 1000) / 1000;
    return { floor: f.name, p50Ms: f.latencyMs.p50, ...(direct === undefined ? {} : { loopbackP50Ms: direct }), askedMs: spec.rttMs, offByMs: offBy, toleranceMs: Math.round(tolerance * 1000) / 1000, ok: Math.abs(offBy) <= tolerance };
  });
  return {
    mode: PATH_MODE,
    description: describePath(spec),
    spec,
    ...(sweepValue === undefined ? {} : { sweepValue }),
    checks,
    ok: checks.length > 0 && checks.every((c) => c.ok),
  };
}

/** Warnings for a calibration that failed (the bench then fails: results.ok = false). */
export function calibrationWarnings(calibrations: readonly PathCalibration[]): string[] {
  const out: string[] = [];
  for (const c of calibrations) {
    const where = c.sweepValue === undefined ? '' : ` [rtt=${String(c.sweepValue)}]`;
    if (c.checks.length === 0) out.push(`path${where}: not calibrated (no floor measured across it): the run fails`);
    for (const k of c.checks) {
      const less = k.loopbackP50Ms === undefined ? '' : ` less ${k.loopbackP50Ms} ms on loopback`;
      if (!k.ok) out.push(`path${where}: ${k.floor} p50 ${k.p50Ms} ms${less} vs asked ${k.askedMs} ms RTT (off by ${k.offByMs} ms, tolerance ${k.toleranceMs} ms): the emulated path is not what was asked, the run fails`);
    }
  }
  return out;
}
