/**
 * Server-Sent Events: one stream (`GET /sse`) carries every joined room; publishing is the
 * shared `POST /rooms/:room/messages`. A stream's rooms are fixed when it opens, so joining or
 * leaving opens a new stream with `after` = the highest seq seen per room: history fills the
 * switch, de-duplication drops the overlap.
 *
 * Reconnecting is EventSource's own job (it resends the last event's id as Last-Event-ID
 * after the server's `retry:`). When it gives up — the server answered something other than
 * a stream, e.g. 503 while draining — this client opens a new stream itself, with backoff.
 */
import { ProtocolError, isErrorCode } from '../protocol/errors.ts';
import { formatSseCursor } from '../protocol/sse-cursor.ts';
import type { ChatMessage, SseGap, SseJoined } from '../protocol/types.ts';
import { room as validRoom, utf8Bytes } from '../protocol/validate.ts';
import { Backoff } from './backoff.ts';
import { BaseClient, TransportError, type Settler } from './base.ts';
import { ES_CLOSED, type EventSourceFactory, type EventSourceLike, type HttpRequester } from './platform.ts';
import type { ClientOptions, ClientStats, SendResult } from './types.ts';

export class SseClient extends BaseClient {
  readonly transport = 'sse' as const;
  readonly #http: HttpRequester;
  readonly #factory: EventSourceFactory;
  readonly #backoff: Backoff;
  #source: EventSourceLike | undefined;
  /** Joins waiting for their room's `joined` event. */
  readonly #waiting = new Map<string, Settler<number>[]>();
  /** The stream dropped since it last opened: the next open is a reconnect. */
  #lost = false;
  #retry: ReturnType<typeof setTimeout> | undefined;
  /** Requests and bytes of sources already replaced (the live one is read on demand). */
  readonly #past = { requests: 0, sent: 0, received: 0 };
  /** Payload bytes, for platforms that cannot see the wire. */
  #payloadReceived = 0;

  constructor(options: ClientOptions & { http: HttpRequester; eventSource: EventSourceFactory }) {
    super(options);
    this.#http = options.http;
    this.#factory = options.eventSource;
    this.#backoff = new Backoff(options.backoffMinMs, options.backoffMaxMs);
  }

  /** Nothing to open until a room is joined (a stream names its rooms). */
  connect(): Promise<void> {
    if (this.state === 'idle') this.setState('open');
    return Promise.resolve();
  }

  join(room: string, after?: number): Promise<number> {
    validRoom(room);
    this.rooms.add(room);
    if (after !== undefined) this.lastSeq.set(room, after);
    const joined = new Promise<number>((resolve, reject) => {
      const list = this.#waiting.get(room) ?? [];
      list.push({ resolve, reject });
      this.#waiting.set(room, list);
    });
    this.#open();
    return joined;
  }

  async leave(room: string): Promise<void> {
    this.rooms.delete(room);
    this.lastSeq.delete(room);
    if (this.rooms.size > 0) this.#open();
    else this.#drop();
  }

  async send(room: string, text: string, sentAt?: number): Promise<SendResult> {
    return this.publish(this.#http, room, text, sentAt);
  }

  override get stats(): ClientStats {
    const s = this.counters;
    const live = this.#source === undefined ? undefined : this.#factory.stats?.(this.#source);
    // counters.requests/bytes hold the POSTs (BaseClient.call); streams are added on top.
    return {
      ...s,
      requests: s.requests + this.#past.requests + (live?.requests ?? 0),
      bytesSent: s.bytesSent + this.#past.sent + (live?.sent ?? 0),
      bytesReceived: s.bytesReceived + (this.#factory.stats === undefined ? this.#payloadReceived : this.#past.received + (live?.received ?? 0)),
    };
  }

  async close(): Promise<void> {
    this.setState('closed');
    this.#drop();
    this.#failWaiting(() => new TransportError('client closed'));
  }

  /** (Re)open the stream for the rooms joined now, resuming each from the highest seq seen. */
  #open(): void {
    this.#drop();
    if (this.closed || this.rooms.size === 0) return;
    const url = new URL(`${this.baseUrl}/sse`);
    url.searchParams.set('nick', this.nick);
    url.searchParams.set('rooms', [...this.rooms].join(','));
    const positions = new Map<string, number>();
    for (const room of this.rooms) {
      const seq = this.lastSeq.get(room);
      if (seq !== undefined) positions.set(room, seq);
    }
    if (positions.size > 0) url.searchParams.set('after', formatSseCursor(positions));
    // EventSource in browsers cannot set headers, hence ?token= (as on the WebSocket upgrade).
    if (this.options.token !== undefined) url.searchParams.set('token', this.options.token);
    const source = this.#factory.open(url.toString(), { ...this.options.headers?.stream });
    if (this.#factory.stats === undefined) this.#past.requests++;
    this.#source = source;
    const mine = (): boolean => this.#source === source;
    source.onopen = () => {
      if (!mine()) return;
      if (this.#lost) this.counters.reconnects++;
      this.#lost = false;
      this.#backoff.reset();
      this.setState('open');
    };
    source.onerror = () => {
      if (mine()) this.#onError(source);
    };
    this.#on(source, 'joined', (data) => this.#onJoined(parse<SseJoined>(data)));
    this.#on(source, 'message', (data) => this.accept(parse<ChatMessage>(data)));
    this.#on(source, 'gap', (data) => {
      const gap = parse<SseGap>(data);
      this.gap(gap.room, gap.first);
    });
  }

  /** Listen to one event type of the current source; a bad event is reported, never thrown (an EventTarget would make it uncaught). */
  #on(source: EventSourceLike, type: string, handle: (data: string) => void): void {
    source.addEventListener(type, (event) => {
      if (this.#source !== source) return;
      this.stampReceipt();
      const text = typeof event.data === 'string' ? event.data : String(event.data);
      if (this.#factory.stats === undefined) this.#payloadReceived += utf8Bytes(text);
      try {
        handle(text);
      } catch (error) {
        this.emit('error', new TransportError(`a bad ${type} event: ${(error as Error).message}`));
      }
    });
  }

  #onJoined(joined: SseJoined): void {
    // A first join starts at `last`; a resume keeps its mark (the replay follows). A server
    // whose `last` is below our mark restarted its history: it replays all of it, so start over.
    if (!this.lastSeq.has(joined.room)) this.seen(joined.room, joined.last);
    else this.restarted(joined.room, joined.last);
    const list = this.#waiting.get(joined.room);
    this.#waiting.delete(joined.room);
    for (const w of list ?? []) w.resolve(joined.last);
  }

  #onError(source: EventSourceLike): void {
    if (this.closed) return;
    this.#lost = true;
    this.setState('reconnecting');
    // Still CONNECTING: EventSource reconnects by itself with Last-Event-ID (one more request,
    // which a platform that cannot see the wire counts here).
    if (source.readyState !== ES_CLOSED) {
      if (this.#factory.stats === undefined) this.#past.requests++;
      return;
    }
    const refusal = this.#factory.refusal?.(source);
    const error = refusalError(refusal);
    this.emit('error', error);
    // The joins waiting on this stream fail (their callers may retry). A request the server
    // will never accept (a bad room, a bad token) also drops the rooms that asked for it, so
    // the stream carries on with those that worked; anything else is tried again below.
    if (refusal !== undefined && refusal.status < 500 && refusal.status !== 429 && refusal.status !== 408) {
      for (const room of this.#waiting.keys()) {
        this.rooms.delete(room);
        this.lastSeq.delete(room);
      }
    }
    this.#failWaiting(() => error);
    this.#drop();
    this.#retry = setTimeout(() => this.#open(), this.#backoff.next());
  }

  /** Close the current source (keeping its counts) and any pending retry. */
  #drop(): void {
    if (this.#retry !== undefined) clearTimeout(this.#retry);
    this.#retry = undefined;
    const source = this.#source;
    if (source === undefined) return;
    this.#source = undefined;
    source.close();
    const s = this.#factory.stats?.(source);
    if (s !== undefined) {
      this.#past.requests += s.requests;
      this.#past.sent += s.sent;
      this.#past.received += s.received;
    }
  }

  #failWaiting(error: () => Error): void {
    const lists = [...this.#waiting.values()];
    this.#waiting.clear();
    for (const list of lists) for (const w of list) w.reject(error());
  }
}

function parse<T>(text: string): T {
  return JSON.parse(text) as T;
}

/** The catalog's error from a refused stream's body, or a TransportError when it has none. */
function refusalError(refusal: { status: number; text: string } | undefined): Error {
  if (refusal === undefined) return new TransportError('the event stream failed');
  try {
    const body = JSON.parse(refusal.text) as { error?: { code?: unknown; message?: unknown } };
    if (isErrorCode(body.error?.code)) return new ProtocolError(body.error.code, typeof body.error.message === 'string' ? body.error.message : undefined);
  } catch {
    // not JSON: fall through
  }
  return new TransportError(`the event stream was refused (${refusal.status})`);
}
