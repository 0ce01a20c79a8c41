/**
 * The lean SSE subscriber: the same stream request as clients/sse.ts over
 * clients/node/event-source.ts (`GET /sse?nick=…&rooms=…`, accept and cache-control first, then
 * the --headers set), on its own keep-alive socket read through the shared buffer of
 * lean-base.ts (no stream, no Buffer per read), with the chunked body and the event stream
 * taken apart in place: a `message` event's data is scanned (lean-scan.ts), a `joined`
 * parsed. Nothing is allocated per event on the usual path (one event per TCP read); a partial
 * event or chunk line is copied out. Like the other lean clients it does not reconnect (see
 * lean-clients.ts).
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
/** An event's kind, as small integers (no string compare per event). */
const NONE = 0;
const KIND_MESSAGE = 1;
const KIND_JOINED = 2;

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
        this.#chunkLeft = hexAt(b, i, eol);
        i = eol + 2;
        if (Number.isNaN(this.#chunkLeft)) {
          this.#fail(new Error('the event stream sent a malformed chunk'));
          this.socket?.destroy();
          return;
        }
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

  /**
   * Event-stream bytes [start, end), in one pass: field lines up to each blank line, which
   * dispatches the event. A message event's data line is scanned where it starts (its JSON
   * holds no raw LF), so its ~250 bytes are walked once, not once for the line and again for
   * the scan; other lines are walked to their LF. An event not ended in these bytes is kept
   * (a copy) and read again from its start with the next bytes.
   */
  #feed(b: Buffer, start: number, end: number): void {
    let s = b;
    let i = start;
    let to = end;
    if (this.#events !== undefined) {
      s = Buffer.concat([this.#events, b.subarray(start, end)]);
      this.#events = undefined;
      i = 0;
      to = s.length;
    }
    let at = i;
    let kind = NONE;
    let data = -1;
    let dataEnd = -1;
    let scanned = false;
    while (i < to) {
      if (s[i] === LF) {
        // A blank line: the event ends.
        if (kind !== NONE && data >= 0) this.#event(kind, s, data, dataEnd, scanned);
        i++;
        at = i;
        kind = NONE;
        data = -1;
        continue;
      }
      if (hasAt(s, i, MESSAGE)) {
        kind = KIND_MESSAGE;
        i += MESSAGE.length;
        continue;
      }
      if (hasAt(s, i, JOINED)) {
        kind = KIND_JOINED;
        i += JOINED.length;
        continue;
      }
      const isData = data < 0 && hasAt(s, i, DATA);
      if (isData && kind === KIND_MESSAGE) {
        const after = scanMessage(s, i + DATA.length, to, this.run, this.m);
        if (after > 0 && after < to && s[after] === LF) {
          data = i + DATA.length;
          dataEnd = after;
          scanned = true;
          i = after + 1;
          continue;
        }
      }
      let eol = i;
      while (eol < to && s[eol] !== LF) eol++;
      if (eol === to) break;
      // Only the first data line counts (the servers write one per event).
      if (isData) {
        data = i + DATA.length;
        dataEnd = eol;
        scanned = false;
      }
      i = eol + 1;
    }
    if (at < to) this.#events = Buffer.from(s.subarray(at, to));
  }

  /** A whole event's data b[start, end): a message (already scanned, or parsed now) or a joined. */
  #event(kind: number, b: Buffer, start: number, end: number, scanned: boolean): void {
    if (kind === KIND_MESSAGE) {
      if (!scanned) this.deliverParsed([JSON.parse(b.toString('utf8', start, end)) as ChatMessage], 0);
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

/** A chunk-size line's hex number b[start, end) (extensions after ';' ignored); NaN if none. */
function hexAt(b: Buffer, start: number, end: number): number {
  let value = 0;
  let i = start;
  for (; i < end; i++) {
    const c = b[i] as number;
    const d = c >= 0x30 && c <= 0x39 ? c - 0x30 : c >= 0x61 && c <= 0x66 ? c - 0x57 : c >= 0x41 && c <= 0x46 ? c - 0x37 : -1;
    if (d < 0) break;
    value = value * 16 + d;
  }
  return i === start ? Number.NaN : value;
}
