/**
 * Short polling: every `pollIntervalMs`, start to start, ask each joined room for what is
 * past the highest seq seen. A tick is skipped while the previous poll is still out. A
 * failed poll is simply retried at the next tick from the same `after`: nothing is lost
 * while history holds it.
 */
import { DEFAULTS } from '../protocol/defaults.ts';
import type { HistoryPage } from '../protocol/types.ts';
import { BaseClient, seg } from './base.ts';
import type { HttpRequester } from './platform.ts';
import type { ClientOptions, SendResult } from './types.ts';

export class ShortPollingClient extends BaseClient {
  readonly transport = 'short-polling' as const;
  readonly pollIntervalMs: number;
  readonly #http: HttpRequester;
  #timer: ReturnType<typeof setInterval> | undefined;
  #inFlight = false;
  #failing = false;
  readonly #abort = new AbortController();

  constructor(options: ClientOptions & { http: HttpRequester }) {
    super(options);
    this.#http = options.http;
    this.pollIntervalMs = options.pollIntervalMs ?? DEFAULTS.pollIntervalMs;
  }

  connect(): Promise<void> {
    if (this.#timer === undefined) {
      this.#timer = setInterval(() => void this.pollNow(), this.pollIntervalMs);
      this.setState('open');
    }
    return Promise.resolve();
  }

  async join(room: string, after?: number): Promise<number> {
    this.rooms.add(room);
    // limit=0 reads only `last`: without `after` the client starts from now.
    const page = await this.call<HistoryPage>(this.#http, 'GET', `/rooms/${seg(room)}/messages?limit=0`);
    this.seen(room, after ?? page.last);
    return page.last;
  }

  leave(room: string): Promise<void> {
    this.rooms.delete(room);
    this.lastSeq.delete(room);
    return Promise.resolve();
  }

  async send(room: string, text: string, sentAt?: number): Promise<SendResult> {
    return this.publish(this.#http, room, text, sentAt);
  }

  /** One poll of every joined room now (the timer calls this; tests may too). */
  async pollNow(): Promise<void> {
    if (this.#inFlight || this.closed) return;
    this.#inFlight = true;
    try {
      await Promise.all([...this.rooms].map((room) => this.#pollRoom(room)));
      if (this.#failing) {
        this.#failing = false;
        this.counters.reconnects++;
        this.setState('open');
      }
    } catch (error) {
      if (this.closed) return;
      this.#failing = true;
      this.setState('reconnecting');
      this.emit('error', error as Error);
    } finally {
      this.#inFlight = false;
    }
  }

  async #pollRoom(room: string): Promise<void> {
    const after = this.lastSeq.get(room) ?? 0;
    const page = await this.call<HistoryPage>(this.#http, 'GET', `/rooms/${seg(room)}/messages?after=${after}`, undefined, {
      signal: this.#abort.signal,
      // A poll still out after an interval makes the next tick skip; give up after a few.
      timeoutMs: Math.max(this.pollIntervalMs * 5, 10_000),
    });
    // A restarted server starts its seqs again: fetch its history from the start.
    if (page.last < after && this.restarted(room, page.last)) return this.#pollRoom(room);
    if (page.gap === true && page.messages[0] !== undefined) this.gap(room, after + 1);
    for (const message of page.messages) this.accept(message);
    // A page is at most 1000 messages: if more remain, the next tick continues from here.
  }

  close(): Promise<void> {
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#timer = undefined;
    this.#abort.abort();
    this.setState('closed');
    return Promise.resolve();
  }
}
