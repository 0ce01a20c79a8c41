/**
 * Correctness accounting from ids the senders write into each message's text:
 *
 *   `<run>:<sender>:<k>:<p>:<a>:` then padding to --size
 *
 * base 36; run = the run's id, k = the message's index in the schedule, p = the highest k
 * this sender had seen *acknowledged* in the same room before it sent k (-1: none), a = how
 * late the send was against the schedule, µs. Per subscriber:
 * - delivered: distinct k of the window received; duplicates: a k received again;
 * - out of order: k received after a message that was sent only once k was acknowledged
 *   (its p = k) — the server had already given k the lower seq, so the subscriber got them in
 *   the wrong order. Concurrent sends of one sender have no order to break, so none is claimed.
 * - expected: every subscriber of a room gets every message the schedule sends to it in the
 *   window, whether or not its publish was acknowledged; lost is counted per subscriber.
 */
import type { MessageTally } from '../../results/types.ts';

export interface MessageId {
  run: string;
  sender: number;
  k: number;
  pred: number;
  lateUs: number;
}

export function encodeMessageText(id: MessageId, size: number): string {
  const head = `${id.run}:${id.sender.toString(36)}:${id.k.toString(36)}:${id.pred < 0 ? '-' : id.pred.toString(36)}:${Math.max(0, Math.round(id.lateUs)).toString(36)}:`;
  return head.length >= size ? head : head + 'x'.repeat(size - head.length);
}

export function decodeMessageText(text: string): MessageId | undefined {
  const parts = text.split(':', 5);
  if (parts.length < 5) return undefined;
  const [run, s, k, p, a] = parts as [string, string, string, string, string];
  const sender = parseInt(s, 36);
  const kk = parseInt(k, 36);
  const lateUs = parseInt(a, 36);
  const pred = p === '-' ? -1 : parseInt(p, 36);
  if (!Number.isFinite(sender) || !Number.isFinite(kk) || !Number.isFinite(lateUs) || !Number.isFinite(pred)) return undefined;
  return { run, sender, k: kk, pred, lateUs };
}

/**
 * One subscriber's view of the window's messages, kept on *raw* deliveries — before the
 * client's de-duplication by (room, seq), so what the wire did is seen as it was:
 * - delivered: distinct k received before the drain ended; late: distinct k received after;
 * - wireDuplicates: a k received again with the same seq (a replay: the client drops it);
 * - duplicates: a k received again with another seq (published twice: the user sees it twice);
 * - outOfOrder: a new k whose seq is below the highest seq already received (a true regression)
 *   — unless the server accepted it later (its `ts` is past that message's): then the room's
 *   numbering started again (a restarted server on a memory backplane), not a reordering;
 * - lost (lostOf): scheduled for this subscriber's room but never received, per message.
 */
export class SubscriberLedger {
  readonly #seqOf = new Map<number, number>();
  #maxSeq = 0;
  /** Server ts of the message with #maxSeq. */
  #maxTs = -Infinity;
  delivered = 0;
  late = 0;
  duplicates = 0;
  wireDuplicates = 0;
  outOfOrder = 0;

  /** Whether message k was received at all (in time or late). */
  has(k: number): boolean {
    return this.#seqOf.has(k);
  }

  /** Returns false for a repeat (the caller then records no latency). */
  receive(id: MessageId, seq: number, late = false, ts = -Infinity): boolean {
    const before = this.#seqOf.get(id.k);
    if (before !== undefined) {
      if (before === seq) this.wireDuplicates++;
      else this.duplicates++;
      return false;
    }
    this.#seqOf.set(id.k, seq);
    if (seq < this.#maxSeq && ts <= this.#maxTs) this.outOfOrder++;
    else {
      this.#maxSeq = seq;
      this.#maxTs = ts;
    }
    if (late) this.late++;
    else this.delivered++;
    return true;
  }

  /** Messages of the window this subscriber should have had (`expected`, late joins' `beforeJoin` already taken off) and never got. */
  lostOf(expected: number): number {
    return Math.max(0, expected - this.delivered - this.late);
  }
}

export type Tally = MessageTally;

/** What the senders and subscribers report, summed over workers. */
export interface Counts {
  /** Messages the schedule holds for the window (all rooms). */
  scheduled: number;
  /** Per (subscriber, message) of the schedule: what every subscriber should get. */
  expected: number;
  /** Messages a late-joining subscriber was not owed: scheduled before it joined, never received (bench/measure/late-joins.ts). */
  beforeJoin: number;
  acked: number;
  failed: number;
  unanswered: number;
  delivered: number;
  late: number;
  lost: number;
  duplicates: number;
  wireDuplicates: number;
  outOfOrder: number;
}

/** The run's tally: `sent` is the acknowledged publishes; `expected` comes from the schedule, never from what was acknowledged. */
export function tally(c: Counts): Tally {
  return { scheduled: c.scheduled, sent: c.acked, failed: c.failed, unanswered: c.unanswered, expected: c.expected, beforeJoin: c.beforeJoin, delivered: c.delivered, late: c.late, lost: c.lost, duplicates: c.duplicates, wireDuplicates: c.wireDuplicates, outOfOrder: c.outOfOrder };
}

/** Messages of the window the schedule sends to room `room` (k mod rooms = room). */
export function scheduledForRoom(window: { first: number; end: number }, rooms: number, room: number): number {
  const upTo = (n: number): number => (n <= room ? 0 : Math.floor((n - room - 1) / rooms) + 1);
  return upTo(window.end) - upTo(window.first);
}

/** Subscribers per room when subscriber i joins room i mod rooms. */
export function subscribersPerRoom(clients: number, rooms: number): number[] {
  return Array.from({ length: rooms }, (_, r) => Math.floor(clients / rooms) + (r < clients % rooms ? 1 : 0));
}
