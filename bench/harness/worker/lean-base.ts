/**
 * What every lean subscriber holds (lean-*.ts): its options, room and run id as bytes, one
 * scratch message for the scanner, its counters, the receipt stamp of what is being read and
 * the highest seq seen; a delivery raises that mark and goes to the sink as fields. The HTTP
 * ones add the worker's socket pool and their request headers; the streaming ones read their
 * wire bytes off their socket.
 */
import net from 'node:net';
import type { ClientStats } from '../../../clients/types.ts';
import type { ChatMessage } from '../../../protocol/types.ts';
import { headerLines, readBuffer, type LeanPool } from './lean-http.ts';
import { scannedMessage, type ScannedMessage } from './lean-scan.ts';
import { fillFromParsed, newStats, originOf, type LeanOptions, type Origin } from './lean-subscriber.ts';

export abstract class LeanBase {
  protected readonly counters: ClientStats = newStats();
  protected readonly o: LeanOptions;
  protected readonly room: Buffer;
  protected readonly run: Buffer;
  protected readonly m: ScannedMessage = scannedMessage();
  /** options.clock() when what is being read arrived (before reading it). */
  protected receivedAt = 0;
  /** Highest seq seen: the product's de-duplication mark (a poll's `after`, a session's resume point). */
  protected lastSeq: number | undefined;
  /** The scanner's per-message callback, made once per client. */
  protected readonly each = (m: ScannedMessage): void => this.deliver(m);

  constructor(options: LeanOptions) {
    this.o = options;
    this.room = Buffer.from(options.room);
    this.run = Buffer.from(options.run);
  }

  get stats(): ClientStats {
    return this.counters;
  }

  protected deliver(m: ScannedMessage): void {
    if (this.lastSeq === undefined || m.seq > this.lastSeq) this.lastSeq = m.seq;
    this.o.sink.deliver(this.o.slot, this.receivedAt, m);
  }

  /** The slow path for messages the scanner declined: parsed; the first `skip` were handed over already. */
  protected deliverParsed(messages: readonly ChatMessage[], skip: number): void {
    for (let i = skip; i < messages.length; i++) {
      const message = messages[i] as ChatMessage;
      if (message.room !== this.o.room) continue;
      fillFromParsed(message, this.o.run, this.m);
      this.deliver(this.m);
    }
  }
}

/** A lean subscriber over HTTP requests (the polling transports). */
export abstract class LeanHttpBase extends LeanBase {
  protected readonly pool: LeanPool;
  protected readonly origin: Origin;
  protected readonly fetch: Record<string, string>;
  protected readonly fetchLines: string;

  constructor(options: LeanOptions, pool: LeanPool) {
    super(options);
    this.pool = pool;
    this.origin = originOf(options.baseUrl);
    this.fetch = { ...options.headers?.fetch };
    this.fetchLines = headerLines(this.fetch);
  }

  /** An answer arrived: stamp it, count its request and wire bytes. */
  protected answered(sent: number, received: number): void {
    this.receivedAt = this.o.clock();
    const s = this.counters;
    s.requests++;
    s.bytesSent += sent;
    s.bytesReceived += received;
  }
}

/*
 * Every lean stream socket's reads land in the one read buffer of lean-http.ts (`onread`):
 * bytes go straight from the socket to the subscriber's parser, without a Buffer per read or
 * the Readable stream's 'data' machinery, which cost the load side more than its parsing
 * (docs/performance.md). No parser keeps a reference into it past its call: partial frames and
 * events are copied out (Carry below), and nothing written to a socket points into it.
 */

/**
 * The bytes a parser carries from one read to the next (a frame or event split across reads):
 * kept as a copy, since the read buffer is shared and reused, and joined with the next read
 * in one fresh buffer — only when there is such a tail; otherwise the read is parsed in place.
 */
export class Carry {
  #tail: Buffer | undefined;
  /** What to parse now, [0, end): the read itself, or the tail joined with it. */
  buf: Buffer = Buffer.alloc(0);
  end = 0;

  /** A read b[0, n) arrived: set buf and end. */
  join(b: Buffer, n: number): void {
    if (this.#tail === undefined) {
      this.buf = b;
      this.end = n;
      return;
    }
    this.buf = Buffer.concat([this.#tail, b.subarray(0, n)]);
    this.end = this.buf.length;
    this.#tail = undefined;
  }

  /** Keep buf[from, end) (a copy) for the next read. */
  keep(from: number): void {
    if (from < this.end) this.#tail = Buffer.from(this.buf.subarray(from, this.end));
  }

  /** Forget any tail (the stream is done). */
  drop(): void {
    this.#tail = undefined;
  }
}

/** How a stream socket is opened: the product's socket options (not on the wire, but kept alike). */
export interface StreamSocketOptions {
  host: string;
  port: number;
  keepAlive?: boolean;
  keepAliveInitialDelay?: number;
}

/** A lean subscriber on one long-lived socket (WebSocket, event stream): wire bytes off that socket. */
export abstract class LeanStreamBase extends LeanBase {
  protected socket: net.Socket | undefined;

  override get stats(): ClientStats {
    const s = this.counters;
    if (this.socket !== undefined) {
      s.bytesSent = this.socket.bytesWritten;
      s.bytesReceived = this.socket.bytesRead;
    }
    return s;
  }

  /** Connect; each read is stamped on arrival (before any parsing: the issue-10 rule) and handed to bytes(). */
  protected openSocket(options: StreamSocketOptions): net.Socket {
    const socket = net.connect({
      host: options.host,
      port: options.port,
      noDelay: true,
      keepAlive: options.keepAlive ?? false,
      keepAliveInitialDelay: options.keepAliveInitialDelay ?? 0,
      onread: {
        buffer: readBuffer(),
        callback: (n: number, b: Uint8Array): boolean => {
          this.receivedAt = this.o.clock();
          this.bytes(b as Buffer, n);
          return true;
        },
      },
    });
    this.socket = socket;
    socket.on('error', (error) => this.ended(error));
    socket.on('close', () => this.ended(undefined));
    return socket;
  }

  /** The bytes of one read, b[0, n): valid only during the call (b is shared and reused). */
  protected abstract bytes(b: Buffer, n: number): void;

  /** The socket failed (`error`) or closed (undefined). */
  protected abstract ended(error: Error | undefined): void;
}
