/**
 * One direction of an emulated network path: when may a chunk that arrived now leave?
 * The model is a store-and-forward link (serialization at the configured bandwidth, then
 * propagation of RTT/2 ± jitter). Order is kept: a chunk never leaves before the one ahead of
 * it, so jitter stretches gaps but never reorders (TCP would hide reordering anyway).
 * Times are ms on any monotonic clock (the proxy uses performance.now()).
 */

/** What `--rtt/--jitter/--bandwidth` asked for; its schema: results/schema/checks.ts. */
import type { PathSpec } from '../../results/types.ts';

export type { PathSpec };

export class OneWayLink {
  readonly #delayMs: number;
  readonly #jitterMs: number;
  readonly #bps: number;
  readonly #random: () => number;
  /** When the link finishes serializing what it has been given, ms. */
  #linkFreeAt: number;
  #lastRelease = -Infinity;

  /** `earliestMs`: nothing starts before this (the client→server side of a fresh connection waits out its handshake). */
  constructor(spec: PathSpec, random: () => number = Math.random, earliestMs = -Infinity) {
    this.#delayMs = spec.rttMs / 2;
    this.#jitterMs = spec.jitterMs;
    this.#bps = spec.bandwidthBps ?? 0;
    this.#random = random;
    this.#linkFreeAt = earliestMs;
  }

  /** The time a chunk of `bytes` that arrived at `nowMs` leaves the far end. */
  releaseAt(nowMs: number, bytes: number): number {
    const start = Math.max(nowMs, this.#linkFreeAt);
    this.#linkFreeAt = start + (this.#bps > 0 ? (bytes * 8 * 1000) / this.#bps : 0);
    const jitter = this.#jitterMs > 0 ? (this.#random() * 2 - 1) * this.#jitterMs : 0;
    const at = Math.max(this.#linkFreeAt + Math.max(0, this.#delayMs + jitter), this.#lastRelease);
    this.#lastRelease = at;
    return at;
  }
}

/** True when the spec adds anything to the path. */
export function isEmulated(spec: PathSpec | undefined): spec is PathSpec {
  return spec !== undefined && (spec.rttMs > 0 || spec.jitterMs > 0 || (spec.bandwidthBps ?? 0) > 0);
}

const RATE_UNITS: Record<string, number> = { bit: 1, kbit: 1e3, mbit: 1e6, gbit: 1e9, b: 8, kb: 8e3, mb: 8e6, gb: 8e9 };

/** `2mbit`, `2Mbit/s`, `500kbit`, `1.5MB/s` (bytes), `0` → bits per second; undefined when not a rate. */
export function parseBandwidth(raw: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?)\s*([kmg]?(?:bit|b))?(?:\/s|ps)?$/i.exec(raw.trim());
  if (m === null) return undefined;
  const n = Number(m[1]);
  // A bare number is bits/s (a config file or results.json holds the number).
  if (m[2] === undefined) return Math.round(n);
  const unit = m[2];
  // `B` (capital) is bytes, `b`/`bit` bits: 2MB/s is 16 Mbit/s.
  const key = /bit$/i.test(unit) ? unit.toLowerCase() : unit.endsWith('B') ? unit.toLowerCase() : `${unit.slice(0, -1).toLowerCase()}bit`;
  const factor = RATE_UNITS[key];
  return factor === undefined ? undefined : Math.round(n * factor);
}

/** `150 ms RTT, ±10 ms jitter, 2 Mbit/s` for reports and progress lines. */
export function describePath(spec: PathSpec): string {
  const parts = [`${spec.rttMs} ms RTT`];
  if (spec.jitterMs > 0) parts.push(`±${spec.jitterMs} ms jitter`);
  if ((spec.bandwidthBps ?? 0) > 0) parts.push(`${(spec.bandwidthBps as number) / 1e6} Mbit/s per connection`);
  return parts.join(', ');
}
