/**
 * The lean load clients' HTTP/1.1: raw keep-alive sockets, one LIFO pool of free ones per
 * origin (as the product's shared http.Agent keeps them: clients/node/http.ts), requests
 * written as the exact bytes node:http writes for the product's NodeHttp (same header order
 * and case: test/wire-equivalence.test.ts checks it), responses read by a tiny parser
 * (lean-http-head.ts) into the caller's handler object — no ClientRequest, no promise, no
 * closure and no timer per request. Deadlines are swept once a second per worker, not armed
 * per request.
 *
 * Reads skip the socket's Readable stream: `onread` (node ≥ 12.1) has libuv read into one
 * buffer shared by every socket of the process and calls back with the byte count — no Buffer
 * object, no push/emit per read. A response that arrives whole in one read (the usual case)
 * is handed to its handler in that buffer, copied nowhere; one split over reads is gathered
 * into a buffer of its own.
 */
import net from 'node:net';
import { dechunk, head, INCOMPLETE, MALFORMED, readHead } from './lean-http-head.ts';

export { headerLines, headTail, requestHead } from './lean-http-head.ts';

/** Whoever waits on an exchange: one object per client. */
export interface HttpHandler {
  /**
   * The answer; its body is `body[start, end)`. `body` may be the shared read buffer, which
   * the next read overwrites: read it during this call, copy whatever is kept.
   */
  response(status: number, body: Buffer, start: number, end: number, bytesSent: number, bytesReceived: number): void;
  failed(error: Error): void;
}

/** The shared read buffer's size, bytes: node's own read size (64 KiB). */
const READ_BYTES = 64 * 1024;
let shared: Buffer | undefined;
/**
 * One read buffer for every lean socket, HTTP and stream alike (lean-base.ts): libuv reads one
 * socket at a time and `onread` hands each read over synchronously, and it is parsed before the
 * next read lands (one thread).
 */
export function readBuffer(): Buffer {
  shared ??= Buffer.allocUnsafe(READ_BYTES);
  return shared;
}

/** A keep-alive connection: one exchange at a time. */
export class LeanConnection {
  readonly socket: net.Socket;
  readonly #origin: LeanOrigin;
  handler: HttpHandler | undefined;
  /** Date.now() ms by which the exchange out must be answered, 0 when none is out. */
  deadline = 0;
  /** A response split over reads: its bytes so far (copied out of the shared buffer). */
  #pending: Buffer | undefined;
  #pendingBytes = 0;
  #sent = 0;
  #close = false;

  constructor(origin: LeanOrigin) {
    this.#origin = origin;
    this.socket = net.connect({
      host: origin.host,
      port: origin.port,
      noDelay: true,
      keepAlive: true,
      keepAliveInitialDelay: 1000,
      onread: { buffer: readBuffer(), callback: (n: number, b: Uint8Array) => this.#read(b as Buffer, n) },
    });
    this.socket.on('error', () => {});
    this.socket.on('close', () => this.#closed());
  }

  /** Write one request (latin1 head, optional utf8 body) for `handler`, due within `timeoutMs`. */
  send(head: string, body: string | undefined, handler: HttpHandler, timeoutMs: number): void {
    this.handler = handler;
    this.deadline = Date.now() + timeoutMs;
    if (body === undefined) {
      // latin1: one byte per character.
      this.#sent = head.length;
      this.socket.write(head, 'latin1');
      return;
    }
    // Head and body in one write (one segment, one syscall), as node:http sends a small request.
    const out = Buffer.allocUnsafe(head.length + Buffer.byteLength(body));
    out.write(head, 0, 'latin1');
    out.write(body, head.length, 'utf8');
    this.#sent = out.length;
    this.socket.write(out);
  }

  /** onread: `n` new bytes at the start of `b` (the shared buffer); true: go on reading. */
  #read(b: Buffer, n: number): boolean {
    if (this.#pending === undefined) this.#take(b, n);
    else this.#take(this.#append(b, n), this.#pendingBytes);
    return true;
  }

  /** Whatever has arrived of the response: answer the handler once it is whole. */
  #take(b: Buffer, n: number): void {
    const bodyStart = readHead(b, n);
    if (bodyStart === INCOMPLETE) return this.#wait(b, n, n * 2);
    if (bodyStart === MALFORMED) return this.#fail(new Error('malformed HTTP response'));
    const { status, close } = head;
    if (head.chunked) {
      const decoded = dechunk(b, bodyStart, n);
      if (decoded === undefined) return this.#wait(b, n, n * 2);
      return this.#finish(status, close, decoded.body, 0, decoded.body.length, decoded.end);
    }
    const bodyEnd = bodyStart + head.length;
    if (n < bodyEnd) return this.#wait(b, n, bodyEnd);
    this.#finish(status, close, b, bodyStart, bodyEnd, bodyEnd);
  }

  /** Not whole yet: keep the `n` bytes that came, in room for `size` (the whole response when known). */
  #wait(b: Buffer, n: number, size: number): void {
    if (b !== this.#pending) {
      const kept = Buffer.allocUnsafe(Math.max(size, 1024));
      b.copy(kept, 0, 0, n);
      this.#pending = kept;
    }
    this.#pendingBytes = n;
  }

  /** The next read's `n` bytes after what is pending; the buffer that now holds them all. */
  #append(b: Buffer, n: number): Buffer {
    let kept = this.#pending as Buffer;
    const total = this.#pendingBytes + n;
    if (total > kept.length) {
      const larger = Buffer.allocUnsafe(Math.max(total, kept.length * 2));
      kept.copy(larger, 0, 0, this.#pendingBytes);
      kept = larger;
      this.#pending = larger;
    }
    b.copy(kept, this.#pendingBytes, 0, n);
    this.#pendingBytes = total;
    return kept;
  }

  #finish(status: number, close: boolean, body: Buffer, start: number, end: number, consumed: number): void {
    this.#pending = undefined;
    this.#pendingBytes = 0;
    const handler = this.handler;
    this.handler = undefined;
    this.deadline = 0;
    this.#close = close;
    if (close) this.socket.destroy();
    else this.#origin.release(this);
    handler?.response(status, body, start, end, this.#sent, consumed);
  }

  #fail(error: Error): void {
    this.#pending = undefined;
    const handler = this.handler;
    this.handler = undefined;
    this.deadline = 0;
    this.socket.destroy();
    handler?.failed(error);
  }

  /** The sweep found the exchange past its deadline. */
  expire(): void {
    this.#fail(new Error('no answer in time'));
  }

  #closed(): void {
    this.#origin.forget(this);
    if (this.handler !== undefined && !this.#close) this.#fail(new Error('socket hang up'));
  }
}

/** The free keep-alive connections to one host:port, newest first out (lifo, like the agent). */
export class LeanOrigin {
  readonly host: string;
  readonly port: number;
  readonly #pool: LeanPool;
  readonly #free: LeanConnection[] = [];

  constructor(pool: LeanPool, host: string, port: number) {
    this.#pool = pool;
    this.host = host;
    this.port = port;
  }

  /** A free connection, or a new one. */
  acquire(): LeanConnection {
    const free = this.#free.pop();
    if (free !== undefined) return free;
    const c = new LeanConnection(this);
    this.#pool.opened(c);
    return c;
  }

  release(c: LeanConnection): void {
    this.#free.push(c);
  }

  forget(c: LeanConnection): void {
    const i = this.#free.indexOf(c);
    if (i >= 0) this.#free.splice(i, 1);
    this.#pool.closed(c);
  }
}

/** A worker's connections, by origin; one sweep a second fails the exchanges past their deadline. */
export class LeanPool {
  readonly #origins = new Map<string, LeanOrigin>();
  readonly #open = new Set<LeanConnection>();
  #sweep: ReturnType<typeof setInterval> | undefined;

  /** The connections to host:port: a client keeps this and acquires from it without a lookup. */
  origin(host: string, port: number): LeanOrigin {
    const key = `${host}:${port}`;
    let origin = this.#origins.get(key);
    if (origin === undefined) {
      origin = new LeanOrigin(this, host, port);
      this.#origins.set(key, origin);
    }
    return origin;
  }

  acquire(host: string, port: number): LeanConnection {
    return this.origin(host, port).acquire();
  }

  opened(c: LeanConnection): void {
    this.#open.add(c);
    this.#sweep ??= setInterval(() => this.#expire(), 1000).unref();
  }

  closed(c: LeanConnection): void {
    this.#open.delete(c);
  }

  #expire(): void {
    const now = Date.now();
    for (const c of this.#open) if (c.deadline > 0 && c.deadline < now) c.expire();
  }
}
