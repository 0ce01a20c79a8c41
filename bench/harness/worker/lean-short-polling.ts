/**
 * The lean short-polling subscriber: the same requests as clients/short-polling.ts — the
 * interval armed at connect, the join's `?limit=0`, then `?after=<highest seq seen>` every
 * interval (a tick skipped while a poll is out) — on a raw keep-alive socket, each page
 * scanned in place (lean-scan.ts). One interval timer per client, none per poll or message.
 */
import type { ChatMessage, HistoryPage } from '../../../protocol/types.ts';
import { headerLines, requestHead, type HttpHandler, type LeanPool } from './lean-http.ts';
import { hasAt, latin1Bytes, scanList, scannedMessage, type ScannedMessage } from './lean-scan.ts';
import { fillFromParsed, leanJson, newStats, originOf, type LeanOptions, type LeanSubscriber, type Origin } from './lean-subscriber.ts';

const ROOM = latin1Bytes('{"room":');
const MESSAGES = latin1Bytes(',"messages":');

const seg = encodeURIComponent;

export class LeanShortPolling implements LeanSubscriber, HttpHandler {
  readonly stats = newStats();
  readonly #o: LeanOptions;
  readonly #pool: LeanPool;
  readonly #origin: Origin;
  readonly #room: Buffer;
  /** `"<room>"` as JSON: the page's room field, checked as bytes. */
  readonly #roomJson: Buffer;
  readonly #run: Buffer;
  readonly #fetch: Record<string, string>;
  readonly #fetchLines: string;
  readonly #m: ScannedMessage = scannedMessage();
  readonly #each = (m: ScannedMessage): void => this.#deliver(m);
  #lastSeq: number | undefined;
  #inFlight = false;
  #failing = false;
  #receivedAt = 0;
  #timer: ReturnType<typeof setInterval> | undefined;

  constructor(options: LeanOptions, pool: LeanPool) {
    this.#o = options;
    this.#pool = pool;
    this.#origin = originOf(options.baseUrl);
    this.#room = Buffer.from(options.room);
    this.#roomJson = Buffer.from(JSON.stringify(options.room));
    this.#run = Buffer.from(options.run);
    this.#fetch = { ...options.headers?.fetch };
    this.#fetchLines = headerLines(this.#fetch);
  }

  async start(): Promise<void> {
    // As the product: the interval is armed at connect, before the join answers.
    this.#timer = setInterval(() => this.#tick(), this.#o.pollIntervalMs);
    const page = await leanJson<HistoryPage>(this.#pool, this.#origin, this.stats, 'GET', `/rooms/${seg(this.#o.room)}/messages?limit=0`, this.#fetch);
    if (this.#lastSeq === undefined || page.last > this.#lastSeq) this.#lastSeq = page.last;
  }

  close(): void {
    clearInterval(this.#timer);
  }

  #tick(): void {
    // The product's room is in its set from join() on, so a tick during the join polls too (after=0).
    if (this.#inFlight) return;
    this.#inFlight = true;
    const head = requestHead('GET', `/rooms/${seg(this.#o.room)}/messages?after=${this.#lastSeq ?? 0}`, this.#fetchLines, this.#origin.hostHeader, undefined);
    this.#pool.acquire(this.#origin.host, this.#origin.port).send(head, undefined, this, Math.max(this.#o.pollIntervalMs * 5, 10_000));
  }

  response(status: number, b: Buffer, start: number, end: number, sent: number, received: number): void {
    this.#receivedAt = this.#o.clock();
    const s = this.stats;
    s.requests++;
    s.bytesSent += sent;
    s.bytesReceived += received;
    this.#inFlight = false;
    if (status !== 200) return this.failed(new Error(`poll answered ${status}`));
    if (!this.#scan(b, start, end)) this.#parse(b.toString('utf8', start, end), scanList.scanned);
    if (this.#failing) {
      this.#failing = false;
      s.reconnects++;
    }
  }

  #scan(b: Buffer, start: number, end: number): boolean {
    if (!hasAt(b, start, ROOM) || !hasAt(b, start + ROOM.length, this.#roomJson)) return false;
    const at = start + ROOM.length + this.#roomJson.length;
    if (!hasAt(b, at, MESSAGES)) return false;
    return scanList(b, at + MESSAGES.length, end, this.#run, this.#room, this.#m, this.#each) >= 0;
  }

  #parse(text: string, skip: number): void {
    const page = JSON.parse(text) as HistoryPage;
    const m = this.#m;
    page.messages.slice(skip).forEach((message: ChatMessage) => {
      if (message.room !== this.#o.room) return;
      fillFromParsed(message, this.#o.run, m);
      this.#deliver(m);
    });
  }

  #deliver(m: ScannedMessage): void {
    // The product's de-duplication raises its mark only: the next `after` is the highest seq seen.
    if (this.#lastSeq === undefined || m.seq > this.#lastSeq) this.#lastSeq = m.seq;
    this.#o.sink.deliver(this.#o.slot, this.#receivedAt, m);
  }

  /** As the product: a failed poll is simply tried again at the next tick, from the same `after`. */
  failed(_error: Error): void {
    this.#inFlight = false;
    this.#failing = true;
  }
}
