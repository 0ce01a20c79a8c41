/**
 * One Server-Sent Events stream: a Member of the core in each of its rooms. Until every room
 * is joined nothing is written (so an error can still be an HTTP error from the catalog);
 * then the head, `retry:`, one `joined` per room, and what the joins replayed, in order.
 *
 * The stream keeps its position in every room (the seq of the last message it wrote, or where
 * the join started) and writes it as each message's `id`, so a reconnect with
 * `Last-Event-ID` resumes every room with no gap and no duplicate.
 *
 * Memory: what only the start needs (where each room resumes, each join's `last`, the events
 * that came early) is dropped once the stream has started; the response's 'close' listener is
 * one function shared by every stream, not a closure and once() wrapper each.
 */
import type { ServerResponse } from 'node:http';
import { formatSseCursor } from '../../protocol/sse-cursor.ts';
import type { Member } from '../core/chat-core.ts';
import type { Envelope } from '../core/envelope.ts';
import type { ServerContext } from '../context.ts';
import { intern } from '../core/intern.ts';

/** Reconnect delay EventSource should use, ms (the protocol's `retry: 1000`). */
export const SSE_RETRY_MS = 1000;

export const SSE_HEADERS: Readonly<Record<string, string>> = {
  'content-type': 'text/event-stream',
  'cache-control': 'no-cache',
  // nginx (and proxies that honour it) must pass each event on at once, not buffer the stream.
  'x-accel-buffering': 'no',
};

const PING = ': ping\n\n';

/** What a join replayed before the head was written: a gap notice or a message. */
type Early = Envelope | { gapRoom: string; first: number };

/** The stream a response carries, for the 'close' listener every stream shares. */
const STREAM = Symbol('pushlab.sse-stream');
type Streaming = ServerResponse & { [STREAM]: SseStream };

/**
 * node keeps a response's head (`res._header`, read only as "headers sent" once written) for
 * the stream's life, built by ~20 string concatenations: a chain of ~20 string nodes (~700 B
 * an idle stream). Converting a string to a number makes V8 flatten it in place (the trick of
 * the `flatstr` package, as pino uses it): one flat copy (~200 B) then, the chain is garbage.
 */
function flattenHead(res: ServerResponse): void {
  const head = (res as ServerResponse & { _header?: unknown })._header;
  if (typeof head === 'string') Number(head);
}

function onResponseClose(this: Streaming): void {
  this[STREAM].gone();
}

export class SseStream implements Member {
  readonly rooms: readonly string[];
  readonly #res: ServerResponse;
  readonly #server: ServerContext;
  /** Where the stream is listed (the adapter's set): it leaves it on close. */
  readonly #list: Set<SseStream>;
  /** A stream of several rooms: room → position, in the order of `rooms`, the cursor written as each event's id. */
  readonly #positions: Map<string, number> | undefined;
  /** A stream of one room (most): its position, in a field rather than a Map (~200 B). */
  #position = 0;
  /** room → where the client asked to resume (Last-Event-ID or `after`); dropped once started. */
  #after: Map<string, number> | undefined = new Map();
  /** room → `last` of its join, for the `joined` events; dropped once started. */
  #joined: Map<string, number> | undefined = new Map();
  /** Replayed or live items that arrived while the other rooms were still joining. */
  #early: Early[] | undefined = [];
  #closed = false;

  constructor(res: ServerResponse, rooms: readonly string[], after: ReadonlyMap<string, number>, server: ServerContext, list: Set<SseStream>) {
    this.#res = res;
    this.#server = server;
    this.rooms = rooms.map(intern);
    this.#positions = rooms.length > 1 ? new Map() : undefined;
    for (const room of rooms) {
      const seq = after.get(room);
      if (seq !== undefined) this.#after?.set(room, seq);
    }
    this.#list = list;
    list.add(this);
    (res as Streaming)[STREAM] = this;
    res.on('close', onResponseClose);
  }

  get closed(): boolean {
    return this.#closed;
  }

  /**
   * Join every room, then write the stream's start. Rejects (having left every room, with
   * nothing written) when a join fails, so the route answers with the error catalog.
   */
  async start(): Promise<void> {
    const { core } = this.#server;
    try {
      await Promise.all(
        this.rooms.map(async (room) => {
          const after = this.#after?.get(room);
          // A position past the room's newest means its history started again (a memory backplane
          // restarted): everything it holds is new to this client, so replay it all.
          if (after !== undefined && after > (await core.backplane.last(room))) this.#after?.set(room, 0);
          await core.join(room, this, this.#after?.get(room));
        }),
      );
    } catch (error) {
      this.#leave();
      throw error;
    }
    if (this.#closed) {
      this.#leave();
      return;
    }
    const after = this.#after;
    const joined = this.#joined;
    this.#after = undefined;
    this.#joined = undefined;
    // In the rooms' order, whichever join finished first: where each room's join started.
    for (const room of this.rooms) {
      const position = after?.get(room) ?? joined?.get(room) ?? 0;
      if (this.#positions === undefined) this.#position = position;
      else this.#positions.set(room, position);
    }
    this.#res.writeHead(200, SSE_HEADERS);
    const id = this.#positions === undefined ? `${this.rooms[0] ?? ''}:${this.#position}` : formatSseCursor(this.#positions);
    let head = `retry: ${SSE_RETRY_MS}\n\n`;
    // Each joined event carries the position too: a stream cut before its first message still
    // resumes from here, rather than from "now" and losing what was sent in between.
    for (const room of this.rooms) head += `event: joined\ndata: {"room":${JSON.stringify(room)},"last":${joined?.get(room) ?? 0}}\nid: ${id}\n\n`;
    const early = this.#early ?? [];
    this.#early = undefined;
    if (!this.#write(head)) return;
    flattenHead(this.#res);
    for (const item of early) {
      if ('gapRoom' in item) {
        if (!this.#write(`event: gap\ndata: {"room":${JSON.stringify(item.gapRoom)},"first":${item.first}}\n\n`)) return;
      } else if (!this.#message(item)) return;
    }
  }

  joined(room: string, last: number, gap: number | undefined): void {
    this.#joined?.set(room, last);
    if (gap !== undefined) this.#early?.push({ gapRoom: room, first: gap });
  }

  deliver(envelope: Envelope): void {
    if (this.#early !== undefined) this.#early.push(envelope);
    else this.#message(envelope);
  }

  /** The heartbeat's comment line, so proxies and clients see the stream is alive. */
  ping(): void {
    if (this.#early === undefined) this.#write(PING);
  }

  /** End the stream (shutdown): EventSource reconnects with Last-Event-ID. */
  end(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#leave();
    if (this.#res.headersSent) this.#res.end();
  }

  #message(envelope: Envelope): boolean {
    // A replay and the live feed never overlap (the core sees to it); the seq checks are a last guard.
    const positions = this.#positions;
    let text: string;
    if (positions === undefined) {
      if (envelope.seq <= this.#position) return true;
      this.#position = envelope.seq;
      text = envelope.sseSingle;
    } else {
      if (envelope.seq <= (positions.get(envelope.room) ?? 0)) return true;
      positions.set(envelope.room, envelope.seq);
      text = `id: ${formatSseCursor(positions)}\n${envelope.sseEvent}`;
    }
    if (!this.#write(text)) return false;
    this.#server.metrics.countDelivered('sse', 1);
    return true;
  }

  /** Write; a consumer whose unsent data passes maxBufferedBytes is closed (it resumes with Last-Event-ID). */
  #write(text: string): boolean {
    const res = this.#res;
    if (this.#closed || res.destroyed) return false;
    res.write(text);
    // node:http corks the socket on a write and uncorks it on the next tick; an event is
    // complete as written, so send it now: that deferral cost ~0.4 ms of p50 per delivery
    // (measured on loopback against a WebSocket on the same server, which sends at once).
    const socket = res.socket;
    if (socket !== null && socket.writableCorked > 0) socket.uncork();
    if (res.writableLength > this.#server.options.maxBufferedBytes) {
      this.end();
      // A peer that reads nothing won't read the end either.
      setTimeout(() => res.destroy(), 2000).unref();
      return false;
    }
    return true;
  }

  #leave(): void {
    this.#server.core.leaveAll(this, this.rooms);
  }

  /** The response closed (the shared 'close' listener). */
  gone(): void {
    this.#closed = true;
    this.#list.delete(this);
    this.#leave();
  }
}
