/**
 * The lean load clients' HTTP/1.1: raw keep-alive sockets, one LIFO pool of free ones per
 * worker (as the product's shared http.Agent keeps them: clients/node/http.ts), requests
 * written as the exact bytes node:http writes for the product's NodeHttp (same header order
 * and case: test/wire-equivalence.test.ts checks it), responses read by a tiny parser into
 * the caller's handler object — no ClientRequest, no promise, no closure and no timer per
 * request. Deadlines are swept once a second per worker, not armed per request.
 */
import net from 'node:net';

/** Whoever waits on an exchange: one object per client, called back with the body's bytes. */
export interface HttpHandler {
  response(status: number, body: Buffer, start: number, end: number, bytesSent: number, bytesReceived: number): void;
  failed(error: Error): void;
}

const CRLF2 = Buffer.from('\r\n\r\n');

/** A keep-alive connection: one exchange at a time. */
export class LeanConnection {
  readonly socket: net.Socket;
  readonly #pool: LeanPool;
  handler: HttpHandler | undefined;
  /** clockless deadline (Date.now() ms) of the exchange out, 0 when none. */
  deadline = 0;
  #buffer: Buffer | undefined;
  #sent = 0;
  #close = false;

  constructor(pool: LeanPool, host: string, port: number) {
    this.#pool = pool;
    this.socket = net.connect({ host, port, noDelay: true, keepAlive: true, keepAliveInitialDelay: 1000 });
    this.socket.on('data', (chunk: Buffer) => this.#data(chunk));
    this.socket.on('error', () => {});
    this.socket.on('close', () => this.#closed());
  }

  /** Write one request (latin1 head, optional utf8 body) for `handler`, due within `timeoutMs`. */
  send(head: string, body: string | undefined, handler: HttpHandler, timeoutMs: number): void {
    this.handler = handler;
    this.deadline = Date.now() + timeoutMs;
    this.#sent = Buffer.byteLength(head, 'latin1') + (body === undefined ? 0 : Buffer.byteLength(body));
    this.socket.write(head, 'latin1');
    if (body !== undefined) this.socket.write(body);
  }

  #data(chunk: Buffer): void {
    const b = this.#buffer === undefined ? chunk : Buffer.concat([this.#buffer, chunk]);
    const headEnd = b.indexOf(CRLF2);
    if (headEnd < 0) {
      this.#buffer = b;
      return;
    }
    const head = readHead(b, headEnd);
    if (head === undefined) return this.#fail(new Error('malformed HTTP response'));
    const bodyStart = headEnd + 4;
    let bodyEnd: number;
    let body = b;
    if (head.chunked) {
      const decoded = dechunk(b, bodyStart);
      if (decoded === undefined) {
        this.#buffer = b;
        return;
      }
      body = decoded.body;
      bodyEnd = body.length;
      this.#finish(head.status, head.close, body, 0, bodyEnd, decoded.end);
      return;
    }
    bodyEnd = bodyStart + head.length;
    if (b.length < bodyEnd) {
      this.#buffer = b;
      return;
    }
    this.#finish(head.status, head.close, body, bodyStart, bodyEnd, bodyEnd);
  }

  #finish(status: number, close: boolean, body: Buffer, start: number, end: number, consumed: number): void {
    this.#buffer = undefined;
    const handler = this.handler;
    this.handler = undefined;
    this.deadline = 0;
    this.#close = close;
    if (close) this.socket.destroy();
    else this.#pool.release(this);
    handler?.response(status, body, start, end, this.#sent, consumed);
  }

  #fail(error: Error): void {
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
    this.#pool.forget(this);
    if (this.handler !== undefined && !this.#close) this.#fail(new Error('socket hang up'));
  }
}

interface Head {
  status: number;
  length: number;
  chunked: boolean;
  close: boolean;
}

const lower = (c: number): number => (c >= 0x41 && c <= 0x5a ? c + 32 : c);
function nameIs(b: Buffer, at: number, name: string): boolean {
  for (let i = 0; i < name.length; i++) if (lower(b[at + i] as number) !== name.charCodeAt(i)) return false;
  return true;
}

/** A decimal header value (leading spaces skipped), NaN if none. */
function digitsAt(b: Buffer, at: number, end: number): number {
  let value = 0;
  let seen = false;
  for (let i = at; i < end; i++) {
    const c = b[i] as number;
    if (c === 0x20 && !seen) continue;
    if (c < 0x30 || c > 0x39) break;
    value = value * 10 + (c - 0x30);
    seen = true;
  }
  return seen ? value : Number.NaN;
}

/** Status, Content-Length, chunked and Connection: close from the head's bytes. */
function readHead(b: Buffer, headEnd: number): Head | undefined {
  if (!nameIs(b, 0, 'http/1.1 ')) return undefined;
  const status = (b[9] as number) * 100 + (b[10] as number) * 10 + (b[11] as number) - 0x30 * 111;
  const head: Head = { status, length: 0, chunked: false, close: false };
  let line = b.indexOf(10, 0) + 1;
  while (line > 0 && line < headEnd) {
    const next = b.indexOf(10, line) + 1;
    if (nameIs(b, line, 'content-length:')) head.length = digitsAt(b, line + 15, next);
    else if (nameIs(b, line, 'transfer-encoding:')) head.chunked = true;
    else if (nameIs(b, line, 'connection:')) head.close = nameIs(b, line + 11, ' close') || nameIs(b, line + 11, 'close');
    line = next;
  }
  return Number.isFinite(head.length) ? head : undefined;
}

/** A chunked body from `at`, or undefined while incomplete. Rare here: the servers send Content-Length. */
function dechunk(b: Buffer, at: number): { body: Buffer; end: number } | undefined {
  const parts: Buffer[] = [];
  let i = at;
  for (;;) {
    const eol = b.indexOf('\r\n', i);
    if (eol < 0) return undefined;
    const size = Number.parseInt(b.toString('latin1', i, eol), 16);
    if (size === 0) return b.length >= eol + 4 ? { body: Buffer.concat(parts), end: eol + 4 } : undefined;
    if (b.length < eol + 2 + size + 2) return undefined;
    parts.push(b.subarray(eol + 2, eol + 2 + size));
    i = eol + 2 + size + 2;
  }
}

/** A worker's free keep-alive connections per origin, newest first out (lifo, like the agent). */
export class LeanPool {
  readonly #free = new Map<string, LeanConnection[]>();
  readonly #busy = new Set<LeanConnection>();
  readonly #origins = new Map<LeanConnection, string>();
  #sweep: ReturnType<typeof setInterval> | undefined;

  acquire(host: string, port: number): LeanConnection {
    const origin = `${host}:${port}`;
    const free = this.#free.get(origin);
    let c = free?.pop();
    if (c === undefined) {
      c = new LeanConnection(this, host, port);
      this.#origins.set(c, origin);
    }
    this.#busy.add(c);
    this.#sweep ??= setInterval(() => this.#expire(), 1000).unref();
    return c;
  }

  release(c: LeanConnection): void {
    this.#busy.delete(c);
    const origin = this.#origins.get(c) as string;
    let free = this.#free.get(origin);
    if (free === undefined) this.#free.set(origin, (free = []));
    free.push(c);
  }

  forget(c: LeanConnection): void {
    this.#busy.delete(c);
    const free = this.#free.get(this.#origins.get(c) ?? '');
    const i = free?.indexOf(c) ?? -1;
    if (i >= 0) free?.splice(i, 1);
    this.#origins.delete(c);
  }

  #expire(): void {
    const now = Date.now();
    for (const c of this.#busy) if (c.deadline > 0 && c.deadline < now) c.expire();
  }
}

/** The request head node:http writes for NodeHttp: method line, given headers in order, content-length, Host, Connection. */
export function requestHead(method: string, path: string, headerLines: string, host: string, body: string | undefined): string {
  if (body !== undefined) return `${method} ${path} HTTP/1.1\r\n${headerLines}content-length: ${Buffer.byteLength(body)}\r\nHost: ${host}\r\nConnection: keep-alive\r\n\r\n`;
  // node:http adds Content-Length: 0 to a body-less POST (after Connection); a GET or DELETE gets none.
  const empty = method === 'POST' || method === 'PUT' || method === 'PATCH' ? 'Content-Length: 0\r\n' : '';
  return `${method} ${path} HTTP/1.1\r\n${headerLines}Host: ${host}\r\nConnection: keep-alive\r\n${empty}\r\n`;
}

/** Header lines `name: value\r\n`, in the given order. */
export function headerLines(headers: Record<string, string>): string {
  let lines = '';
  for (const [name, value] of Object.entries(headers)) lines += `${name}: ${value}\r\n`;
  return lines;
}
