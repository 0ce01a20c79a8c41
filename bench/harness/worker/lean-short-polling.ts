/**
 * The lean short-polling subscriber: the same requests as clients/short-polling.ts — the
 * interval armed at connect, the join's `?limit=0`, then `?after=<highest seq seen>` every
 * interval (a tick skipped while a poll is out) — on a raw keep-alive socket, each page
 * scanned in place (lean-scan.ts). One interval timer per client, none per poll or message.
 */
import type { HistoryPage } from '../../../protocol/types.ts';
import { LeanHttpBase } from './lean-base.ts';
import { headTail, type HttpHandler, type LeanOrigin, type LeanPool } from './lean-http.ts';
import { hasAt, latin1Bytes, scanList } from './lean-scan.ts';
import { leanJson, type LeanOptions, type LeanSubscriber } from './lean-subscriber.ts';

const ROOM = latin1Bytes('{"room":');
const MESSAGES = latin1Bytes(',"messages":');

const seg = encodeURIComponent;

export class LeanShortPolling extends LeanHttpBase implements LeanSubscriber, HttpHandler {
  /** `"<room>"` as JSON: the page's room field, checked as bytes. */
  readonly #roomJson: Buffer;
  #inFlight = false;
  #failing = false;
  #timer: ReturnType<typeof setInterval> | undefined;
  /** The poll's head up to `after=` and after the number: built once, not per poll. */
  readonly #pollPath: string;
  readonly #pollTail: string;
  readonly #connections: LeanOrigin;

  constructor(options: LeanOptions, pool: LeanPool) {
    super(options, pool);
    this.#roomJson = Buffer.from(JSON.stringify(options.room));
    this.#pollPath = `GET /rooms/${seg(options.room)}/messages?after=`;
    this.#pollTail = headTail('GET', this.fetchLines, this.origin.hostHeader, undefined);
    this.#connections = pool.origin(this.origin.host, this.origin.port);
  }

  async start(): Promise<void> {
    // As the product: the interval is armed at connect, before the join answers.
    this.#timer = setInterval(() => this.#tick(), this.o.pollIntervalMs);
    const page = await leanJson<HistoryPage>(this.pool, this.origin, this.counters, 'GET', `/rooms/${seg(this.o.room)}/messages?limit=0`, this.fetch);
    if (this.lastSeq === undefined || page.last > this.lastSeq) this.lastSeq = page.last;
  }

  close(): void {
    clearInterval(this.#timer);
  }

  #tick(): void {
    // The product's room is in its set from join() on, so a tick during the join polls too (after=0).
    if (this.#inFlight) return;
    this.#inFlight = true;
    // Exactly requestHead('GET', `/rooms/<room>/messages?after=<seq>`, …): only the seq changes.
    this.#connections.acquire().send(this.#pollPath + (this.lastSeq ?? 0) + this.#pollTail, undefined, this, Math.max(this.o.pollIntervalMs * 5, 10_000));
  }

  response(status: number, b: Buffer, start: number, end: number, sent: number, received: number): void {
    this.answered(sent, received);
    this.#inFlight = false;
    if (status !== 200) return this.failed(new Error(`poll answered ${status}`));
    if (!this.#scan(b, start, end)) this.#parse(b.toString('utf8', start, end), scanList.scanned);
    if (this.#failing) {
      this.#failing = false;
      this.counters.reconnects++;
    }
  }

  #scan(b: Buffer, start: number, end: number): boolean {
    if (!hasAt(b, start, ROOM) || !hasAt(b, start + ROOM.length, this.#roomJson)) return false;
    const at = start + ROOM.length + this.#roomJson.length;
    if (!hasAt(b, at, MESSAGES)) return false;
    return scanList(b, at + MESSAGES.length, end, this.run, this.room, this.m, this.each) >= 0;
  }

  #parse(text: string, skip: number): void {
    this.deliverParsed((JSON.parse(text) as HistoryPage).messages, skip);
  }

  /** As the product: a failed poll is simply tried again at the next tick, from the same `after`. */
  failed(_error: Error): void {
    this.#inFlight = false;
    this.#failing = true;
  }
}
