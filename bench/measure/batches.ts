/**
 * Messages per response, for the polling transports: every message of one HTTP response is
 * stamped with the same receipt time (the clients stamp a response once, before parsing it),
 * so consecutive raw deliveries to a subscriber with the same stamp are one batch. Empty polls
 * carry no message and are not seen here (they are in `requests`). Power-of-two buckets.
 */
import { BATCH_BUCKETS } from '../../results/schema/run-extras.ts';
import type { BatchSizes } from '../../results/types.ts';

export type { BatchSizes };

function bucketOf(n: number): number {
  return Math.min(BATCH_BUCKETS.length - 1, Math.max(0, Math.ceil(Math.log2(n))));
}

export class BatchCounter {
  readonly #open = new Map<number, { stamp: number; count: number }>();
  readonly #counts: number[] = BATCH_BUCKETS.map(() => 0);
  #responses = 0;
  #messages = 0;

  /** One message delivered to subscriber `slot`, stamped `stamp` at receipt. */
  record(slot: number, stamp: number): void {
    const open = this.#open.get(slot);
    if (open !== undefined && open.stamp === stamp) {
      open.count++;
      return;
    }
    if (open !== undefined) this.#close(open.count);
    this.#open.set(slot, { stamp, count: 1 });
  }

  #close(count: number): void {
    this.#responses++;
    this.#messages += count;
    const b = bucketOf(count);
    this.#counts[b] = (this.#counts[b] ?? 0) + 1;
  }

  result(): BatchSizes {
    for (const open of this.#open.values()) this.#close(open.count);
    this.#open.clear();
    return {
      responses: this.#responses,
      messages: this.#messages,
      mean: this.#responses > 0 ? Math.round((this.#messages / this.#responses) * 100) / 100 : 0,
      buckets: Object.fromEntries(BATCH_BUCKETS.map((label, i) => [label, this.#counts[i] ?? 0])) as BatchSizes['buckets'],
    };
  }
}

/** Sum the workers' batch figures. */
export function mergeBatches(list: readonly BatchSizes[]): BatchSizes | undefined {
  if (list.length === 0) return undefined;
  const responses = list.reduce((s, b) => s + b.responses, 0);
  const messages = list.reduce((s, b) => s + b.messages, 0);
  const buckets = Object.fromEntries(BATCH_BUCKETS.map((label) => [label, list.reduce((s, b) => s + (b.buckets[label] ?? 0), 0)])) as BatchSizes['buckets'];
  return { responses, messages, mean: responses > 0 ? Math.round((messages / responses) * 100) / 100 : 0, buckets };
}
