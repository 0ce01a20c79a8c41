/**
 * Lazy history replay for a long-poll session. A session created (or a room joined)
 * with `after` used to copy every replayed envelope into its queue at once: 1,000 sessions ×
 * 12 rooms × 1,000 messages took ~577 KB each before any of them polled. Instead the session
 * keeps, per room, a cursor into the room's history — the next seq to replay and the newest
 * seq it owes — and its queue is filled from history a page at a time, when a poll asks.
 *
 * While a room is replaying, its live messages are not queued either: they are in history
 * too, so they only move the cursor's end (`extend`). That keeps each room's messages in seq
 * order in the queue, replay first. Once the cursor catches up, the room goes back to live
 * delivery. A replay that history no longer fully holds is recorded as a gap in the queue.
 */
import type { HistoryResult } from './backplane.ts';
import type { Envelope } from './envelope.ts';
import type { SessionQueue } from './session-queue.ts';

export type HistoryReader = (room: string, after: number, limit: number) => Promise<HistoryResult>;

interface Range {
  /** Next seq to queue. */
  next: number;
  /** Newest seq owed: the room's last at join, moved on by live messages while replaying. */
  upTo: number;
}

/** Most messages asked of history in one read (the history page maximum). */
const READ_LIMIT = 1000;

export class ReplayCursors {
  readonly #ranges = new Map<string, Range>();

  /** Rooms still replaying. */
  get size(): number {
    return this.#ranges.size;
  }

  /** Replay `room` from after + 1 up to `last` (nothing to do when after ≥ last). */
  start(room: string, after: number, last: number): void {
    if (after < last) this.#ranges.set(room, { next: after + 1, upTo: last });
    else this.#ranges.delete(room);
  }

  stop(room: string): void {
    this.#ranges.delete(room);
  }

  clear(): void {
    this.#ranges.clear();
  }

  /** A live message: true when its room is replaying (the message will come from history). */
  extend(envelope: Envelope): boolean {
    const range = this.#ranges.get(envelope.room);
    if (range === undefined) return false;
    if (envelope.seq > range.upTo) range.upTo = envelope.seq;
    return true;
  }

  /**
   * Queue replayed messages, room by room, oldest first, until about `maxBytes` (at least one
   * message when the queue is empty, so a replay always progresses).
   */
  async fill(queue: SessionQueue, read: HistoryReader, maxBytes: number): Promise<void> {
    let allowance = maxBytes;
    for (const [room, range] of [...this.#ranges]) {
      while (this.#ranges.get(room) === range && range.next <= range.upTo) {
        const page = await read(room, range.next - 1, Math.min(READ_LIMIT, range.upTo - range.next + 1));
        // The room was left or joined again while history was read.
        if (this.#ranges.get(room) !== range) break;
        if (page.gap) queue.markGap(room, range.next);
        let moved = false;
        for (const envelope of page.messages) {
          if (envelope.seq < range.next) continue;
          if (envelope.seq > range.upTo) break;
          if (envelope.bytes > allowance && queue.length > 0) return;
          queue.push(envelope);
          range.next = envelope.seq + 1;
          allowance -= envelope.bytes;
          moved = true;
        }
        // History holds nothing more of what is owed (a restarted backplane): stop here.
        if (!moved) range.next = range.upTo + 1;
      }
      if (this.#ranges.get(room) === range && range.next > range.upTo) this.#ranges.delete(room);
    }
  }
}
