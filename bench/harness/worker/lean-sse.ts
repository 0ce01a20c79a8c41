/**
 * The lean SSE subscriber: the same stream request as clients/sse.ts over
 * clients/node/event-source.ts (`GET /sse?nick=…&rooms=…`, accept and cache-control first, then
 * the --headers set), on its own keep-alive socket, with the chunked body and the event
 * stream taken apart in place: a `message` event's data is scanned (lean-scan.ts), a `joined`
 * parsed. One data listener per stream; nothing allocated per event on the usual path (one
 * event per TCP read). Like the other lean clients it does not reconnect (see lean-clients.ts).
 */
import type { ChatMessage } from '../../../protocol/types.ts';
import { headerLines, requestHead } from './lean-http.ts';
import { Carry, LeanStreamBase } from './lean-base.ts';
import { hasAt, latin1Bytes, roomIs, scanMessage } from './lean-scan.ts';
import { originOf, type LeanSubscriber } from './lean-subscriber.ts';

const MESSAGE = latin1Bytes('event: message\n');
const JOINED = latin1Bytes('event: joined\n');
const DATA = latin1Bytes('data: ');
const HEAD_END = Buffer.from('\r\n\r\n');
const CRLF = Buffer.from('\r\n');
const LF = 0x0a;

export class LeanSse extends LeanStreamBase implements LeanSubscriber {
  /** Bytes not yet taken apart (copied out of the shared read buffer): the response head, a chunk's size line or its CRLF. */
  readonly #carry = new Carry();
  #head = true;
  /** Body bytes left in the current chunk; -1 = a chunk-size line comes next. */
  #chunkLeft = -1;
  /** Event-stream bytes waiting for their blank line (a copy). */
  #events: Buffer | undefined;
  #joined: { resolve: () => void; reject: (e: Error) => void } | undefined;

  start(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.#joined = { resolve, reject };
      const origin = originOf(this.o.baseUrl);
      // Built as the product builds it: URL search params, then the EventSource's headers.
      const url = new URL(`${this.o.baseUrl.replace(/\/+$/, '')}/sse`);
      url.searchParams.set('nick', this.o.nick);
      url.searchParams.set('rooms', this.o.room);
      const headers = { accept: 'text/event-stream', 'cache-control': 'no-cache', ...this.o.headers?.stream };
      const socket = this.openSocket({ host: origin.host, port: origin.port, keepAlive: true, keepAliveInitialDelay: 1000 });
      this.counters.requests++;
      socket.write(requestHead('GET', url.pathname + url.search, headerLines(headers), origin.hostHeader, undefined), 'latin1');
    });
  }

  close(): void {
    this.socket?.destroy();
  }

  protected ended(error: Error | undefined): void {
    this.#fail(error ?? new Error('the event stream closed'));
  }

  #fail(error: Error): void {
    this.#joined?.reject(error);
    this.#joined = undefined;
  }

  /** One read, chunk[0, n) (shared: whatever is kept past this call is copied). */
  protected bytes(chunk: Buffer, n: number): void {
    const carry = this.#carry;
    carry.join(chunk, n);
    const { buf: b, end } = carry;
    let i = 0;
    if (this.#head) {
      const headEnd = b.subarray(0, end).indexOf(HEAD_END);
      if (headEnd < 0) {
        carry.keep(0);
        return;
      }
      const status = b.toString('latin1', 9, 12);
      if (status !== '200') {
        this.#fail(new Error(`the event stream was refused (${status})`));
        this.socket?.destroy();
        return;
      }
      this.#head = false;
      i = headEnd + 4;
    }
    while (i < end) {
      if (this.#chunkLeft < 0) {
        const eol = b.indexOf(CRLF, i);
        if (eol < 0 || eol + 2 > end) {
          carry.keep(i);
          return;
        }
        this.#chunkLeft = Number.parseInt(b.toString('latin1', i, eol), 16);
        i = eol + 2;
        if (this.#chunkLeft === 0) {
          this.socket?.destroy();
          return;
        }
        continue;
      }
      const take = Math.min(this.#chunkLeft, end - i);
      this.#feed(b, i, i + take);
      i += take;
      this.#chunkLeft -= take;
      if (this.#chunkLeft === 0) {
        // The chunk's trailing CRLF, possibly in the next read.
        if (end - i < 2) {
          carry.keep(i);
          return;
        }
        i += 2;
        this.#chunkLeft = -1;
      }
    }
  }

  /** Event-stream bytes [start, end): whole events (up to a blank line) are dispatched. */
  #feed(b: Buffer, start: number, end: number): void {
    let s = b;
    let from = start;
    let to = end;
    if (this.#events !== undefined) {
      s = Buffer.concat([this.#events, b.subarray(start, end)]);
      this.#events = undefined;
      from = 0;
      to = s.length;
    }
    let at = from;
    for (let i = from; i + 1 < to; i++) {
      if (s[i] !== LF || s[i + 1] !== LF) continue;
      this.#event(s, at, i + 1);
      at = i + 2;
      i++;
    }
    if (at < to) this.#events = Buffer.from(s.subarray(at, to));
  }

  /** One event [start, end) (end at its last line's LF): id, event and data lines. */
  #event(b: Buffer, start: number, end: number): void {
    let i = start;
    let kind: 'message' | 'joined' | undefined;
    while (i < end) {
      const eol = b.indexOf(LF, i);
      const lineEnd = eol < 0 || eol > end ? end : eol;
      if (hasAt(b, i, MESSAGE)) kind = 'message';
      else if (hasAt(b, i, JOINED)) kind = 'joined';
      else if (hasAt(b, i, DATA) && kind !== undefined) return this.#dataLine(kind, b, i + DATA.length, lineEnd);
      i = lineEnd + 1;
    }
  }

  #dataLine(kind: 'message' | 'joined', b: Buffer, start: number, end: number): void {
    if (kind === 'message') {
      const after = scanMessage(b, start, end, this.run, this.m);
      if (after !== end) this.deliverParsed([JSON.parse(b.toString('utf8', start, end)) as ChatMessage], 0);
      else if (roomIs(b, this.m, this.room)) this.deliver(this.m);
      return;
    }
    const joined = JSON.parse(b.toString('utf8', start, end)) as { room?: string };
    if (joined.room === this.o.room) {
      this.#joined?.resolve();
      this.#joined = undefined;
    }
  }
}
