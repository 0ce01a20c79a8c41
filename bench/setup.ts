/**
 * Connection setup as a measured figure, per subscriber: from "client starts" (connect() is
 * called) to joined (TCP, TLS when on, session creation or upgrade or stream, and the join all
 * done) and to the first message received. Under `--rtt` these are the round trips a phone
 * pays before it shows anything. The first message also waits for the next scheduled send
 * (up to 1/rate), so `joined` is the cleaner figure of the two.
 */
import { createHistogram, encodeHistogram, mergeEncoded, recordMs, summarize } from '../results/histogram.ts';
import type { ConnectionSetup } from '../results/types.ts';
import { clockMs } from './clock.ts';

export class SetupTimes {
  readonly #joined = createHistogram();
  readonly #first = createHistogram();
  readonly #seen = new Set<number>();

  joined(ms: number): void {
    recordMs(this.#joined, ms);
  }

  /** The first message of subscriber `slot` (later ones, and reconnections, are not setup). */
  firstMessage(slot: number, startedAtMs: number): void {
    if (this.#seen.has(slot)) return;
    this.#seen.add(slot);
    recordMs(this.#first, clockMs() - startedAtMs);
  }

  encoded(): { joined: string; firstMessage: string } {
    return { joined: encodeHistogram(this.#joined), firstMessage: encodeHistogram(this.#first) };
  }
}

/** results.json `connectionSetup` of a run (results/schema/run-extras.ts): client start → joined / → first message, ms. */
export function summarizeSetup(parts: readonly ({ joined: string; firstMessage: string } | undefined)[]): ConnectionSetup | undefined {
  const present = parts.filter((p): p is { joined: string; firstMessage: string } => p !== undefined);
  if (present.length === 0) return undefined;
  return { joinedMs: summarize(mergeEncoded(present.map((p) => p.joined))), firstMessageMs: summarize(mergeEncoded(present.map((p) => p.firstMessage))) };
}
