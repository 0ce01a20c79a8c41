/**
 * What both lean Socket.IO subscribers share (lean-socketio-websocket.ts, lean-socketio-polling.ts):
 * engine.io v4 / socket.io v5 as `socket.io-client` 4.8 speaks it with the options of
 * bench/peers/socketio-client.ts (one engine per client, namespace "/", `auth: { nick }`, the
 * join as the first emit with an ack, so ack id 0). Per engine.io packet (one WebSocket frame,
 * or one `\x1e`-separated record of a poll's payload):
 *   `0{…}` open → the socket.io connect `40{"nick":…}`;  `2` ping → `3` pong;
 *   `40{…}` connected → `420["join",room]` (after the transport's re-poll: socket.io-client
 *   emits it a microtask later);  `430[{room,last}]` → joined;
 *   `42["message",{…}]` → read in place (lean-scan.ts), anything else of that kind parsed;
 *   `1` close, `41` disconnect, `44` connect error → stopped.
 * No reconnect: lean clients are not used where a run cuts connections (lean-clients.ts).
 */
import type { ChatMessage } from '../../../protocol/types.ts';
import { LeanBase } from './lean-base.ts';
import { hasAt, latin1Bytes, roomIs, scanMessage } from './lean-scan.ts';
import type { LeanOptions } from './lean-subscriber.ts';

/** Socket.IO's default path, as bench/peers/socketio-server.ts serves it. */
export const SIO_PATH = '/socket.io/';
/** engine.io's record separator between the packets of one polling payload. */
export const RECORD_SEPARATOR = 0x1e;
/** After `42`: the event the peer server broadcasts. */
const MESSAGE_EVENT = latin1Bytes('["message",');
const CLOSE_BRACKET = 0x5d;

/**
 * engine.io-client's cache-busting `t` (its util.ts randomString): the same shape, so the
 * request line has the same length (the wire-equivalence test normalises the value).
 */
export function randomString(): string {
  return Date.now().toString(36).substring(3) + Math.random().toString(36).substring(2, 5);
}

/** What the engine's open packet tells (ms). */
export interface EngineOpen {
  sid: string;
  pingInterval: number;
  pingTimeout: number;
}

export abstract class LeanSocketIoBase extends LeanBase {
  /** The engine's session id once open ('' before). */
  protected sid = '';
  protected pingIntervalMs = 25_000;
  protected pingTimeoutMs = 20_000;
  protected stopped = false;
  /** socket.io-client's ack ids: one counter per socket, from 0. */
  #ids = 0;
  #joinId = -1;
  /** Set by `40`: the join goes out in afterPackets(). */
  #joinDue = false;
  #waiter: { resolve: () => void; reject: (e: Error) => void } | undefined;

  constructor(options: LeanOptions) {
    super(options);
  }

  /** Put one engine.io packet on the wire as the engine's transport does. */
  protected abstract write(packet: string): void;
  /** Drop the transport (no more requests or frames). */
  protected abstract drop(): void;

  /** Resolves once the join's ack arrived; rejects if the connection fails before. */
  protected joined(): Promise<void> {
    return new Promise((resolve, reject) => (this.#waiter = { resolve, reject }));
  }

  close(): void {
    this.stopped = true;
    this.drop();
  }

  /** A failure: before the join it fails start(); after it the subscriber stops (no reconnect). */
  protected fail(error: Error): void {
    if (this.stopped) return;
    this.stopped = true;
    this.drop();
    this.#waiter?.reject(error);
    this.#waiter = undefined;
  }

  /** One engine.io packet, b[start, end). */
  protected packet(b: Buffer, start: number, end: number): void {
    switch (b[start]) {
      case 0x34: // message: a socket.io packet follows
        return this.#socketIo(b, start + 1, end);
      case 0x32: // ping
        return this.write('3');
      case 0x30:
        return this.#open(b.toString('utf8', start + 1, end));
      case 0x31:
        return this.fail(new Error('Socket.IO: the server closed the engine'));
      default: // 6 noop, 3 pong: nothing to do
    }
  }

  /** After a frame or a poll's payload (and, polling, its re-poll): the join, once connected. */
  protected afterPackets(): void {
    if (!this.#joinDue || this.stopped) return;
    this.#joinDue = false;
    this.#joinId = this.#ids++;
    this.write(`42${this.#joinId}${JSON.stringify(['join', this.o.room])}`);
  }

  #open(json: string): void {
    let open: EngineOpen;
    try {
      open = JSON.parse(json) as EngineOpen;
    } catch {
      return this.fail(new Error(`Socket.IO: malformed open packet ${json.slice(0, 200)}`));
    }
    this.sid = open.sid;
    this.pingIntervalMs = open.pingInterval;
    this.pingTimeoutMs = open.pingTimeout;
    this.write(`40${JSON.stringify({ nick: this.o.nick })}`);
  }

  #socketIo(b: Buffer, at: number, end: number): void {
    switch (b[at]) {
      case 0x32: // event
        if (!this.#scanEvent(b, at + 1, end)) this.#parseEvent(b.toString('utf8', at + 1, end));
        return;
      case 0x33: // ack
        return this.#ack(b.toString('utf8', at + 1, end));
      case 0x30: // connected to "/"
        this.#joinDue = true;
        return;
      case 0x31:
        return this.fail(new Error('Socket.IO: disconnected by the server'));
      case 0x34:
        return this.fail(new Error(`Socket.IO: connect refused ${b.toString('utf8', at + 1, end)}`));
      default:
    }
  }

  /** The fast path: `["message",{…}]` exactly, the message in the servers' layout. */
  #scanEvent(b: Buffer, at: number, end: number): boolean {
    if (!hasAt(b, at, MESSAGE_EVENT)) return false;
    const m = this.m;
    const after = scanMessage(b, at + MESSAGE_EVENT.length, end, this.run, m);
    if (after < 0 || b[after] !== CLOSE_BRACKET || after + 1 !== end) return false;
    if (roomIs(b, m, this.room)) this.deliver(m);
    return true;
  }

  /** The slow path: `[<ack id>]["message",{…}]` parsed, as socket.io-parser would. */
  #parseEvent(text: string): void {
    let event: unknown;
    try {
      event = JSON.parse(text.replace(/^[0-9]+/, ''));
    } catch {
      return;
    }
    if (!Array.isArray(event) || event[0] !== 'message') return;
    const message = event[1] as ChatMessage | undefined;
    if (typeof message === 'object' && message !== null) this.deliverParsed([message], 0);
  }

  /** `<id>[answer]`: the join's answer, `{ room, last }` or `{ error }`. */
  #ack(text: string): void {
    const digits = /^[0-9]+/.exec(text)?.[0] ?? '';
    if (digits === '' || Number(digits) !== this.#joinId || this.#waiter === undefined) return;
    let answer: { last?: unknown; error?: { code?: string; message?: string } } | undefined;
    try {
      answer = (JSON.parse(text.slice(digits.length)) as (typeof answer)[])[0];
    } catch {
      answer = undefined;
    }
    if (answer === undefined || answer.error !== undefined) return this.fail(new Error(`join: ${answer?.error?.code ?? 'malformed ack'} ${answer?.error?.message ?? text.slice(0, 200)}`.trim()));
    const waiter = this.#waiter;
    this.#waiter = undefined;
    const last = typeof answer.last === 'number' ? answer.last : 0;
    if (this.lastSeq === undefined || last > this.lastSeq) this.lastSeq = last;
    waiter.resolve();
  }
}
