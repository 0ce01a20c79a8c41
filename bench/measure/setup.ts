/**
 * Connection setup as a measured figure, per subscriber: from "client starts" (connect() is
 * called) to joined (TCP, TLS when on, session creation or upgrade or stream, and the join all
 * done) and to the first message received. Under `--rtt` these are the round trips a phone
 * pays before it shows anything. The first message also waits for the next scheduled send
 * (up to 1/rate), so `joined` is the cleaner figure of the two. Beside the times, the bytes a
 * new connection costs before it has joined (both directions, as the client counts them: the
 * requests and answers of session creation and join, or the upgrade and the join frames, or
 * the SSE request and its opening events) — what `--headers browser` makes grow.
 */
import { createHistogram, encodeHistogram, mergeEncoded, recordMs, summarize } from '../../results/histogram.ts';
import type { ConnectionSetup } from '../../results/types.ts';
import { clockMs } from './clock.ts';

export class SetupTimes {
  readonly #joined = createHistogram();
  readonly #first = createHistogram();
  readonly #seen = new Set<number>();
  #joins = 0;
  #bytesSent = 0;
  #bytesReceived = 0;

  /** One subscriber joined `ms` after it started, having sent and received these bytes on the way. */
  joined(ms: number, bytes?: { sent: number; received: number }): void {
    recordMs(this.#joined, ms);
    if (bytes === undefined) return;
    this.#joins++;
    this.#bytesSent += bytes.sent;
    this.#bytesReceived += bytes.received;
  }

  /** The first message of subscriber `slot` (later ones, and reconnections, are not setup). */
  firstMessage(slot: number, startedAtMs: number): void {
    if (this.#seen.has(slot)) return;
    this.#seen.add(slot);
    recordMs(this.#first, clockMs() - startedAtMs);
  }

  encoded(): EncodedSetup {
    return { joined: encodeHistogram(this.#joined), firstMessage: encodeHistogram(this.#first), joins: this.#joins, bytesSent: this.#bytesSent, bytesReceived: this.#bytesReceived };
  }
}

/** What a worker sends back: histograms encoded, bytes summed over `joins` subscribers. */
export interface EncodedSetup {
  joined: string;
  firstMessage: string;
  joins?: number;
  bytesSent?: number;
  bytesReceived?: number;
}

/** results.json `connectionSetup` of a run (results/schema/run-extras.ts): client start → joined / → first message, ms, and bytes per new connection. */
export function summarizeSetup(parts: readonly (EncodedSetup | undefined)[]): ConnectionSetup | undefined {
  const present = parts.filter((p): p is EncodedSetup => p !== undefined);
  if (present.length === 0) return undefined;
  const joins = present.reduce((n, p) => n + (p.joins ?? 0), 0);
  const mean = (key: 'bytesSent' | 'bytesReceived'): number => Math.round(present.reduce((n, p) => n + (p[key] ?? 0), 0) / joins);
  return {
    joinedMs: summarize(mergeEncoded(present.map((p) => p.joined))),
    firstMessageMs: summarize(mergeEncoded(present.map((p) => p.firstMessage))),
    ...(joins > 0 ? { bytesPerConnection: { sent: mean('bytesSent'), received: mean('bytesReceived') } } : {}),
  };
}
