/**
 * The lean long-polling subscriber: the same requests as clients/long-polling.ts (session,
 * poll with the cursor at once after every answer, join), in the same order with the same
 * bytes, but each poll is one pre-built request head on a raw keep-alive socket and each
 * answer is scanned in place (lean-scan.ts). The client object is its own poll handler: no
 * promise, closure or timer per poll. An expired session is replaced as the product does.
 */
import { Backoff } from '../../../clients/backoff.ts';
import type { JoinedRoom, PollBatch, SessionCreated } from '../../../protocol/types.ts';
import { LeanHttpBase } from './lean-base.ts';
import { headTail, type HttpHandler, type LeanOrigin } from './lean-http.ts';
import { hasAt, latin1Bytes, num, readNumber, scanList } from './lean-scan.ts';
import { leanCall, leanJson, type LeanSubscriber } from './lean-subscriber.ts';

/** Slack on top of the server's hold before a poll counts as lost, ms (as the product client). */
const POLL_SLACK_MS = 10_000;
const MESSAGES = latin1Bytes('{"messages":');
const CURSOR = latin1Bytes(',"cursor":');

const seg = encodeURIComponent;

export class LeanLongPolling extends LeanHttpBase implements LeanSubscriber, HttpHandler {
  readonly #backoff = new Backoff();
  #session = '';
  #holdMs = 20_000;
  #cursor = 0;
  #failing = false;
  #needSession = false;
  #closed = false;
  /** The poll's head up to the cursor and after it: built once per session, not per poll. */
  #pollPath = '';
  #pollTail = '';
  #connections: LeanOrigin | undefined;

  async start(): Promise<void> {
    await this.#createSession([]);
    // As the product: the poll loop starts as the session exists, then the join goes out.
    this.#poll();
    const joined = await leanJson<JoinedRoom>(this.pool, this.origin, this.counters, 'POST', `/lp/sessions/${seg(this.#session)}/rooms/${seg(this.o.room)}`, this.fetch);
    if (this.lastSeq === undefined || joined.last > this.lastSeq) this.lastSeq = joined.last;
  }

  async #createSession(rooms: string[]): Promise<void> {
    const after: Record<string, number> = {};
    if (rooms.length > 0 && this.lastSeq !== undefined) after[this.o.room] = this.lastSeq;
    const body = JSON.stringify({ nick: this.o.nick, rooms, after });
    const created = await leanJson<SessionCreated>(this.pool, this.origin, this.counters, 'POST', '/lp/sessions', { ...this.fetch, 'content-type': 'application/json' }, body);
    this.#session = created.session;
    this.#holdMs = created.holdMs;
    this.#cursor = created.cursor;
    this.#pollPath = `GET /lp/sessions/${seg(this.#session)}/poll?cursor=`;
    this.#pollTail = headTail('GET', this.fetchLines, this.origin.hostHeader, undefined);
    this.#connections ??= this.pool.origin(this.origin.host, this.origin.port);
  }

  close(): void {
    this.#closed = true;
  }

  #poll(): void {
    if (this.#closed) return;
    // Exactly requestHead('GET', `/lp/sessions/<session>/poll?cursor=<cursor>`, …): only the cursor changes.
    (this.#connections as LeanOrigin).acquire().send(this.#pollPath + this.#cursor + this.#pollTail, undefined, this, this.#holdMs + POLL_SLACK_MS);
  }

  response(status: number, b: Buffer, start: number, end: number, sent: number, received: number): void {
    this.answered(sent, received);
    if (status !== 200) return this.#refused(status, b.toString('utf8', start, end));
    if (!this.#scan(b, start, end)) this.#parse(b.toString('utf8', start, end), scanList.scanned);
    if (this.#failing) {
      this.#failing = false;
      this.counters.reconnects++;
    }
    this.#backoff.reset();
    this.#poll();
  }

  /** The fast path: messages, then the cursor (a `gap` after it is not needed by the bench). */
  #scan(b: Buffer, start: number, end: number): boolean {
    if (!hasAt(b, start, MESSAGES)) return false;
    const i = scanList(b, start + MESSAGES.length, end, this.run, this.room, this.m, this.each);
    if (i < 0 || !hasAt(b, i, CURSOR) || !readNumber(b, i + CURSOR.length, end)) return false;
    this.#cursor = num.value;
    return true;
  }

  /** The slow path: the whole batch parsed; the first `skip` messages were already handed over. */
  #parse(text: string, skip: number): void {
    const batch = JSON.parse(text) as PollBatch;
    this.deliverParsed(batch.messages, skip);
    this.#cursor = batch.cursor;
  }

  #refused(status: number, text: string): void {
    let code: unknown;
    try {
      code = (JSON.parse(text) as { error?: { code?: unknown } }).error?.code;
    } catch {
      code = undefined;
    }
    if (code === 'unknown_session' || code === 'invalid_cursor') this.#needSession = true;
    this.failed(new Error(`poll answered ${status}`));
  }

  failed(_error: Error): void {
    if (this.#closed) return;
    this.#failing = true;
    setTimeout(() => void this.#retry(), this.#backoff.next());
  }

  /** After a failure: a new session if the old one is gone (resuming from lastSeq), then poll again. */
  async #retry(): Promise<void> {
    try {
      if (this.#needSession) {
        await this.#createSession([this.o.room]);
        this.#needSession = false;
        await this.#rejoinRestarted();
        this.counters.reconnects++;
        this.#failing = false;
      }
      this.#poll();
    } catch (error) {
      this.failed(error as Error);
    }
  }

  /** As the product: a room whose history restarted (its `last` below ours) is joined again from 0. */
  async #rejoinRestarted(): Promise<void> {
    if ((this.lastSeq ?? 0) === 0) return;
    const page = await leanJson<{ last: number }>(this.pool, this.origin, this.counters, 'GET', `/rooms/${seg(this.o.room)}/messages?limit=0`, this.fetch);
    if (page.last >= (this.lastSeq ?? 0)) return;
    this.lastSeq = 0;
    await leanCall(this.pool, this.origin, this.counters, 'POST', `/lp/sessions/${seg(this.#session)}/rooms/${seg(this.o.room)}`, { ...this.fetch, 'content-type': 'application/json' }, '{"after":0}');
  }
}
