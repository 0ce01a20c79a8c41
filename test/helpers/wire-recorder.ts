/**
 * A recording TCP proxy for wire comparisons: every byte passes through unchanged, and each
 * direction of each connection is taken apart as it goes — HTTP/1.1 requests (method, path,
 * header names and value sizes in order, body), responses (status, body size or chunks), and
 * WebSocket frames after an upgrade (client frames unmasked). Events carry one arrival order
 * across all connections. The upstream can be switched between exchanges, so two clients
 * recorded one after the other see the same proxy port (and send the same Host header).
 */
import net from 'node:net';

export interface WireEvent {
  dir: 'up' | 'down';
  conn: number;
  kind: 'request' | 'response' | 'frame' | 'chunk';
  /** request: `METHOD path`; response: status; frame: opcode + payload; chunk: its text. */
  line: string;
  /** Header names with their value sizes, in order (`name:size`). */
  headers: string[];
  /** Body, frame or chunk payload size, bytes. */
  bytes: number;
  body: string;
}

const CRLF2 = Buffer.from('\r\n\r\n');

/** One direction of one connection: HTTP messages, then WebSocket frames after a 101. */
class Direction {
  #buf = Buffer.alloc(0);
  #ws = false;
  /** down only: inside a chunked body (an event stream). */
  #chunked = false;
  readonly #dir: 'up' | 'down';
  readonly #conn: number;
  readonly #emit: (e: WireEvent) => void;

  constructor(dir: 'up' | 'down', conn: number, emit: (e: WireEvent) => void) {
    this.#dir = dir;
    this.#conn = conn;
    this.#emit = emit;
  }

  feed(chunk: Buffer): void {
    this.#buf = Buffer.concat([this.#buf, chunk]);
    while (this.#step());
  }

  #event(kind: WireEvent['kind'], line: string, headers: string[], body: Buffer): void {
    this.#emit({ dir: this.#dir, conn: this.#conn, kind, line, headers, bytes: body.length, body: body.toString('utf8') });
  }

  #step(): boolean {
    const b = this.#buf;
    if (this.#ws) return this.#frame();
    if (this.#chunked) return this.#chunk();
    const end = b.indexOf(CRLF2);
    if (end < 0) return false;
    const lines = b.toString('latin1', 0, end).split('\r\n');
    const first = lines.shift() ?? '';
    const headers: string[] = [];
    let length = 0;
    let chunked = false;
    let upgrade = false;
    for (const l of lines) {
      const colon = l.indexOf(':');
      const name = l.slice(0, colon);
      const value = l.slice(colon + 1).trim();
      headers.push(`${name}:${name.toLowerCase() === 'sec-websocket-key' || name.toLowerCase() === 'sec-websocket-accept' ? 'key' : value.length}`);
      if (name.toLowerCase() === 'content-length') length = Number(value);
      if (name.toLowerCase() === 'transfer-encoding' && value === 'chunked') chunked = true;
      if (name.toLowerCase() === 'upgrade') upgrade = true;
    }
    const start = end + 4;
    if (this.#dir === 'up') {
      if (chunked) throw new Error('a chunked request body: not expected from these clients');
      if (b.length < start + length) return false;
      this.#event('request', first.replace(/ HTTP\/1\.1$/, ''), headers, b.subarray(start, start + length));
      this.#buf = b.subarray(start + length);
      if (upgrade) this.#ws = true;
      return true;
    }
    const status = first.split(' ')[1] ?? '';
    if (status === '101') {
      this.#event('response', status, headers, Buffer.alloc(0));
      this.#buf = b.subarray(start);
      this.#ws = true;
      return true;
    }
    if (chunked) {
      this.#event('response', status, headers, Buffer.alloc(0));
      this.#buf = b.subarray(start);
      this.#chunked = true;
      return true;
    }
    if (b.length < start + length) return false;
    this.#event('response', status, headers, b.subarray(start, start + length));
    this.#buf = b.subarray(start + length);
    return true;
  }

  #chunk(): boolean {
    const b = this.#buf;
    const eol = b.indexOf('\r\n');
    if (eol < 0) return false;
    const size = Number.parseInt(b.toString('latin1', 0, eol), 16);
    if (b.length < eol + 2 + size + 2) return false;
    this.#event('chunk', 'chunk', [], b.subarray(eol + 2, eol + 2 + size));
    this.#buf = b.subarray(eol + 4 + size);
    if (size === 0) this.#chunked = false;
    return true;
  }

  #frame(): boolean {
    const b = this.#buf;
    if (b.length < 2) return false;
    const opcode = (b[0] as number) & 0x0f;
    const masked = ((b[1] as number) & 0x80) !== 0;
    let len = (b[1] as number) & 0x7f;
    let at = 2;
    if (len === 126) {
      if (b.length < 4) return false;
      len = b.readUInt16BE(2);
      at = 4;
    } else if (len === 127) {
      if (b.length < 10) return false;
      len = Number(b.readBigUInt64BE(2));
      at = 10;
    }
    const mask = masked ? b.subarray(at, at + 4) : undefined;
    if (masked) at += 4;
    if (b.length < at + len) return false;
    const payload = Buffer.from(b.subarray(at, at + len));
    if (mask !== undefined) for (let i = 0; i < payload.length; i++) payload[i] = (payload[i] as number) ^ (mask[i % 4] as number);
    this.#event('frame', `op${opcode}`, [], payload);
    this.#buf = b.subarray(at + len);
    return true;
  }
}

export class WireRecorder {
  readonly events: WireEvent[] = [];
  upstreamPort = 0;
  #server: net.Server | undefined;
  readonly #sockets = new Set<net.Socket>();
  #conns = 0;

  async listen(): Promise<number> {
    this.#server = net.createServer((client) => {
      const conn = this.#conns++;
      const emit = (e: WireEvent): void => void this.events.push(e);
      const up = new Direction('up', conn, emit);
      const down = new Direction('down', conn, emit);
      const server = net.connect({ host: '127.0.0.1', port: this.upstreamPort });
      for (const s of [client, server]) {
        this.#sockets.add(s);
        s.on('error', () => {});
        s.on('close', () => {
          this.#sockets.delete(s);
          client.destroy();
          server.destroy();
        });
      }
      client.on('data', (d: Buffer) => {
        up.feed(d);
        server.write(d);
      });
      server.on('data', (d: Buffer) => {
        down.feed(d);
        client.write(d);
      });
    });
    await new Promise<void>((resolve) => this.#server?.listen(0, '127.0.0.1', resolve));
    return (this.#server?.address() as net.AddressInfo).port;
  }

  /** Forget what was recorded and drop every connection (the next exchange starts clean). */
  reset(): void {
    this.events.length = 0;
    for (const s of this.#sockets) s.destroy();
  }

  async close(): Promise<void> {
    this.reset();
    await new Promise<void>((resolve) => (this.#server === undefined ? resolve() : this.#server.close(() => resolve())));
  }
}
