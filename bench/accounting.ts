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
 * - expected: every subscriber of a room gets every message sent to it; lost = expected − delivered.
 */
import type { MessageTally } from './results.ts';

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

/** One subscriber's view: what it got, counted for messages of the window only. */
export class SubscriberLedger {
  readonly #seen = new Set<number>();
  /**
   * The p of every message received so far: k in here means a message sent only after k was
   * acknowledged has already arrived. (Only p itself is known to be acknowledged — a lower k
   * may still have been in flight — so membership, not a comparison.) k is unique across
   * senders, so one set serves them all.
   */
  readonly #preds = new Set<number>();
  delivered = 0;
  duplicates = 0;
  outOfOrder = 0;

  /** Returns false for a duplicate (the caller then records no latency). */
  receive(id: MessageId): boolean {
    if (id.pred >= 0) this.#preds.add(id.pred);
    if (this.#seen.has(id.k)) {
      this.duplicates++;
      return false;
    }
    this.#seen.add(id.k);
    this.delivered++;
    if (this.#preds.has(id.k)) this.outOfOrder++;
    return true;
  }
}

export type Tally = MessageTally;

/**
 * Sum up a run: `sentPerRoom` from the senders (acknowledged publishes of the window),
 * `subscribersPerRoom` from the plan, the rest from the subscribers' ledgers.
 */
export function tally(sentPerRoom: readonly number[], subscribersPerRoom: readonly number[], ledgers: { delivered: number; duplicates: number; outOfOrder: number }[]): Tally {
  let sent = 0;
  let expected = 0;
  sentPerRoom.forEach((n, room) => {
    sent += n;
    expected += n * (subscribersPerRoom[room] ?? 0);
  });
  let delivered = 0;
  let duplicates = 0;
  let outOfOrder = 0;
  for (const l of ledgers) {
    delivered += l.delivered;
    duplicates += l.duplicates;
    outOfOrder += l.outOfOrder;
  }
  return { sent, expected, delivered, lost: Math.max(0, expected - delivered), duplicates, outOfOrder };
}

/** Subscribers per room when subscriber i joins room i mod rooms. */
export function subscribersPerRoom(clients: number, rooms: number): number[] {
  return Array.from({ length: rooms }, (_, r) => Math.floor(clients / rooms) + (r < clients % rooms ? 1 : 0));
}
