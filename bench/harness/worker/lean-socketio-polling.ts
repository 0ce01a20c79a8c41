/**
 * The lean subscriber of the Socket.IO peer on engine.io long polling (peer-socketio-polling):
 * the requests engine.io-client 6.6 makes in Node through its XMLHttpRequest polyfill
 * (xmlhttprequest-ssl), byte for byte — `GET|POST /socket.io/?EIO=4&transport=polling&t=<random>[&sid=…]`
 * with its heads (User-Agent: node-XMLHttpRequest, Accept, a POST's Content-type before Host
 * and Content-Length after it, Connection: keep-alive) — in the same order: the handshake
 * GET; the connect POST before the first poll; a new GET as soon as a poll is answered; a
 * pong POST as a ping is read, before the re-poll; one POST at a time, packets written
 * meanwhile queued and sent together, `\x1e`-separated (engine.io-client's writeBuffer).
 * Each poll is one pre-built head on the worker's keep-alive pool (lean-http.ts) and each
 * answer is split on `\x1e` and read in place (lean-socketio-base.ts): no XMLHttpRequest, no
 * promise, closure or timer per poll; the client object is its own poll handler.
 */
import type { ClientStats } from '../../../clients/types.ts';
import type { HttpHandler, LeanPool } from './lean-http.ts';
import { LeanSocketIoBase, RECORD_SEPARATOR, SIO_PATH, randomString } from './lean-socketio-base.ts';
import { originOf, type LeanOptions, type LeanSubscriber, type Origin } from './lean-subscriber.ts';

/** Slack on top of the engine's ping interval and timeout before a poll counts as lost, ms. */
const POLL_SLACK_MS = 10_000;
/** A POST's deadline (the server answers `ok` at once), ms. */
const POST_TIMEOUT_MS = 30_000;
/** xmlhttprequest-ssl's default header, then engine.io-client's Accept (in that order). */
const FIRST_LINES = 'User-Agent: node-XMLHttpRequest\r\nAccept: */*\r\n';

export class LeanSocketIoPolling extends LeanSocketIoBase implements LeanSubscriber, HttpHandler {
  readonly #pool: LeanPool;
  readonly #origin: Origin;
  /** `GET|POST` heads after the request target: the lines up to Host and the host itself. */
  readonly #getTail: string;
  readonly #postLines: string;
  /** `&sid=…` once the engine is open. */
  #sidParam = '';
  /** A POST is out (engine.io-client's transport not `writable`). */
  #posting = false;
  /** Packets written while a POST was out, `\x1e`-joined ('' when none). */
  #queue = '';
  /** The POSTs' handler: one object per client, made once. */
  readonly #post: HttpHandler;

  constructor(options: LeanOptions, pool: LeanPool) {
    super(options);
    this.#pool = pool;
    this.#origin = originOf(options.baseUrl);
    this.#getTail = ` HTTP/1.1\r\n${FIRST_LINES}Host: ${this.#origin.hostHeader}\r\nConnection: keep-alive\r\n\r\n`;
    this.#postLines = ` HTTP/1.1\r\n${FIRST_LINES}Content-type: text/plain;charset=UTF-8\r\nHost: ${this.#origin.hostHeader}\r\nContent-Length: `;
    this.#post = { response: (status, _b, _s, _e, sent, received) => this.#posted(status, sent, received), failed: (e) => this.fail(e) };
  }

  start(): Promise<void> {
    const joined = this.joined();
    this.#poll();
    return joined;
  }

  /** The request target: the query's keys in engine.io-client's order (t was set before sid). */
  #target(): string {
    if (this.#sidParam === '' && this.sid !== '') this.#sidParam = `&sid=${encodeURIComponent(this.sid)}`;
    return `${SIO_PATH}?EIO=4&transport=polling&t=${randomString()}${this.#sidParam}`;
  }

  #poll(): void {
    if (this.stopped) return;
    const head = `GET ${this.#target()}${this.#getTail}`;
    this.#pool.acquire(this.#origin.host, this.#origin.port).send(head, undefined, this, this.pingIntervalMs + this.pingTimeoutMs + POLL_SLACK_MS);
  }

  /** A poll answered: its packets in order, the re-poll, then what the packets made due (the join). */
  response(status: number, b: Buffer, start: number, end: number, sent: number, received: number): void {
    this.#count(sent, received);
    this.receivedAt = this.o.clock();
    if (status !== 200) return this.fail(new Error(`Socket.IO poll answered ${status}: ${b.toString('utf8', start, Math.min(end, start + 200))}`));
    let i = start;
    while (i < end && !this.stopped) {
      let j = b.indexOf(RECORD_SEPARATOR, i);
      if (j < 0 || j > end) j = end;
      this.packet(b, i, j);
      i = j + 1;
    }
    this.#poll();
    this.afterPackets();
  }

  failed(error: Error): void {
    this.fail(error);
  }

  protected write(packet: string): void {
    if (this.stopped) return;
    if (this.#posting) {
      this.#queue = this.#queue === '' ? packet : `${this.#queue}\x1e${packet}`;
      return;
    }
    this.#send(packet);
  }

  #send(body: string): void {
    this.#posting = true;
    const head = `POST ${this.#target()}${this.#postLines}${Buffer.byteLength(body)}\r\nConnection: keep-alive\r\n\r\n`;
    this.#pool.acquire(this.#origin.host, this.#origin.port).send(head, body, this.#post, POST_TIMEOUT_MS);
  }

  #posted(status: number, sent: number, received: number): void {
    this.#count(sent, received);
    this.#posting = false;
    if (status !== 200) return this.fail(new Error(`Socket.IO POST answered ${status}`));
    if (this.#queue === '' || this.stopped) return;
    const body = this.#queue;
    this.#queue = '';
    this.#send(body);
  }

  #count(sent: number, received: number): void {
    const s: ClientStats = this.counters;
    s.requests++;
    s.bytesSent += sent;
    s.bytesReceived += received;
  }

  /** Nothing to tear down: the pool's sockets are the worker's; an outstanding poll is simply not renewed. */
  protected drop(): void {}
}
