/**
 * A long-poll client's queue (engine.io's writeBuffer, kept apart from the HTTP that drains it).
 *
 * - Every queued message takes the next value of the session's own cursor (1, 2, 3 …).
 * - A poll naming cursor C acknowledges everything ≤ C; only acknowledged messages are
 *   dropped, so a batch lost on the way is sent again by the next poll.
 * - The queue is bounded by `maxBytes` of serialized messages. Past it, the oldest are
 *   dropped and the loss is recorded per room as the first seq dropped; every batch says so
 *   until a poll acknowledges a message queued after the drop (proof a batch carrying the
 *   gap arrived).
 * - Entries are references to the envelopes history already holds, never copies; their
 *   serialized bytes count against this queue's bound and the server's shared budget.
 */
import type { Envelope } from './envelope.ts';

interface Gap {
  /** First seq dropped. */
  seq: number;
  /** Cleared once a poll acknowledges this cursor. */
  clearAt: number;
}

export interface Batch {
  envelopes: Envelope[];
  /** Cursor of the last message in the batch. */
  cursor: number;
  /** room → first seq missed, when messages were dropped. */
  gap: Record<string, number> | undefined;
}

/** Bytes queued across every session of a server, against one bound (`maxTotalQueueBytes`). */
export class QueueBudget {
  readonly max: number;
  used = 0;

  constructor(max: number) {
    this.max = max;
  }

  get remaining(): number {
    return Math.max(0, this.max - this.used);
  }
}

export class SessionQueue {
  /** Bound on queued bytes (sum of `Envelope.bytes`). */
  readonly maxBytes: number;
  readonly #budget: QueueBudget | undefined;
  /**
   * Queued envelopes, oldest first: references only (8 bytes a slot, no wrapper object). Their
   * cursors are implied: contiguous, the last one is `#newest`.
   */
  #entries: Envelope[] = [];
  /** Index of the oldest live entry in #entries (avoids O(n) shift per ack). */
  #head = 0;
  #bytes = 0;
  #newest = 0;
  /** Per room, from its first drop until acknowledged; undefined without any (most queues, always: an empty Map is ~150 B). */
  #gaps: Map<string, Gap> | undefined;
  /** Messages dropped for overflow, over the queue's life. */
  dropped = 0;

  constructor(maxBytes: number, budget?: QueueBudget) {
    this.maxBytes = maxBytes;
    this.#budget = budget;
  }

  /** Cursor of the newest message ever queued (0 before the first). */
  get newest(): number {
    return this.#newest;
  }

  get bytes(): number {
    return this.#bytes;
  }

  get length(): number {
    return this.#entries.length - this.#head;
  }

  push(envelope: Envelope): number {
    const cursor = ++this.#newest;
    this.#entries.push(envelope);
    this.#add(envelope.bytes);
    // Keep at least the newest message, even if it alone is over the bound.
    while (this.#bytes > this.maxBytes && this.length > 1) {
      const dropped = this.#entries[this.#head++] as Envelope;
      this.#add(-dropped.bytes);
      this.dropped++;
      const room = dropped.room;
      const gap = this.#gaps?.get(room);
      if (gap === undefined) (this.#gaps ??= new Map()).set(room, { seq: dropped.seq, clearAt: cursor });
      else gap.clearAt = cursor;
    }
    this.#compact();
    return cursor;
  }

  /** Record that messages of `room` from `seq` on were never queued (history no longer held them). */
  markGap(room: string, seq: number): void {
    const clearAt = this.#newest + 1;
    const gap = this.#gaps?.get(room);
    if (gap === undefined) (this.#gaps ??= new Map()).set(room, { seq, clearAt });
    else gap.clearAt = Math.max(gap.clearAt, clearAt);
  }

  /** Drop everything ≤ cursor. The caller has checked cursor ≤ newest. */
  ack(cursor: number): void {
    // The entry at index i has cursor newest - (length - 1 - i).
    const last = this.#entries.length - 1;
    while (this.#head <= last) {
      if (this.#newest - (last - this.#head) > cursor) break;
      this.#add(-(this.#entries[this.#head] as Envelope).bytes);
      this.#head++;
    }
    // Everything acknowledged: let the grown array go (≥ 17 slots once anything was queued)
    // rather than keep it for an idle client.
    if (this.#head > 0 && this.#head === this.#entries.length) {
      this.#entries = [];
      this.#head = 0;
    }
    const gaps = this.#gaps;
    if (gaps !== undefined) {
      for (const [room, gap] of gaps) if (gap.clearAt <= cursor) gaps.delete(room);
      if (gaps.size === 0) this.#gaps = undefined;
    }
    this.#compact();
  }

  /** Everything queued past `cursor` (call `ack(cursor)` first), or undefined when nothing is. */
  batch(): Batch | undefined {
    if (this.length === 0) return undefined;
    const envelopes: Envelope[] = [];
    for (let i = this.#head; i < this.#entries.length; i++) envelopes.push(this.#entries[i] as Envelope);
    let gap: Record<string, number> | undefined;
    if (this.#gaps !== undefined) {
      gap = {};
      for (const [room, g] of this.#gaps) gap[room] = g.seq;
    }
    return { envelopes, cursor: this.#newest, gap };
  }

  /** Drop everything (the session ended): its bytes go back to the shared budget. */
  clear(): void {
    this.#add(-this.#bytes);
    this.#entries = [];
    this.#head = 0;
    this.#gaps = undefined;
  }

  #add(bytes: number): void {
    this.#bytes += bytes;
    if (this.#budget !== undefined) this.#budget.used += bytes;
  }

  #compact(): void {
    // Reclaim the consumed prefix once it is at least half the array.
    if (this.#head > 32 && this.#head * 2 >= this.#entries.length) {
      this.#entries = this.#entries.slice(this.#head);
      this.#head = 0;
    }
  }
}
