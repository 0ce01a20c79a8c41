/**
 * WebSocket: one upgrade, then frames both ways. Joins and sends are frames answered by
 * `joined` / `ack` (or an `error` frame naming the same ref). When the connection drops the
 * client reconnects with backoff and joins every room again with `after` = the highest seq
 * it saw, so history fills the gap.
 */
import { ProtocolError, isErrorCode } from '../protocol/errors.ts';
import { CLOSE, type ServerFrame } from '../protocol/types.ts';
import { utf8Bytes } from '../protocol/validate.ts';
import { Backoff, sleep } from './backoff.ts';
import { BaseClient, TransportError, type Settler } from './base.ts';
import { WS_OPEN, type WebSocketFactory, type WebSocketLike } from './platform.ts';
import type { ClientOptions, ClientStats, SendResult } from './types.ts';

export class WebSocketClient extends BaseClient {
  readonly transport = 'websocket' as const;
  readonly #factory: WebSocketFactory;
  readonly #backoff: Backoff;
  #ws: WebSocketLike | undefined;
  #nextRef = 1;
  /** Awaited answers by ref; joins use `join:<room>`. */
  readonly #pending = new Map<string, Settler<ServerFrame>>();
  #connecting: Promise<void> | undefined;
  /** One reconnect loop at a time: every failed attempt's onclose would otherwise start another. */
  #reconnecting = false;
  /** Wire bytes of sockets already closed (live ones are read on demand). */
  #closedBytes = { sent: 0, received: 0 };
  /** Payload bytes, for platforms that cannot see the socket. */
  #payload = { sent: 0, received: 0 };
  readonly #abort = new AbortController();

  constructor(options: ClientOptions & { webSocket: WebSocketFactory }) {
    super(options);
    this.#factory = options.webSocket;
    this.#backoff = new Backoff(options.backoffMinMs, options.backoffMaxMs);
  }

  connect(): Promise<void> {
    this.#connecting ??= this.#open();
    return this.#connecting;
  }

  async join(room: string, after?: number): Promise<number> {
    this.rooms.add(room);
    if (after !== undefined) this.seen(room, after);
    await this.connect();
    const ref = `join:${room}`;
    const frame = await this.#request(ref, after === undefined ? { type: 'join', room, ref } : { type: 'join', room, after, ref });
    return frame.type === 'joined' ? frame.last : 0;
  }

  async leave(room: string): Promise<void> {
    this.rooms.delete(room);
    this.lastSeq.delete(room);
    if (this.#ws?.readyState === WS_OPEN) this.#write({ type: 'leave', room });
  }

  async send(room: string, text: string, sentAt?: number): Promise<SendResult> {
    await this.connect();
    const ref = `c${this.#nextRef++}`;
    const frame = await this.#request(ref, sentAt === undefined ? { type: 'send', room, text, ref } : { type: 'send', room, text, sentAt, ref });
    return frame.type === 'ack' ? { room: frame.room, seq: frame.seq } : { room, seq: 0 };
  }

  /** Counters include the live socket's bytes. */
  override get stats(): ClientStats {
    const s = this.counters;
    const live = this.#ws === undefined ? undefined : this.#factory.wireBytes?.(this.#ws);
    if (this.#factory.wireBytes === undefined) {
      s.bytesSent = this.#payload.sent;
      s.bytesReceived = this.#payload.received;
    } else {
      s.bytesSent = this.#closedBytes.sent + (live?.sent ?? 0);
      s.bytesReceived = this.#closedBytes.received + (live?.received ?? 0);
    }
    return s;
  }

  async close(): Promise<void> {
    this.setState('closed');
    this.#abort.abort();
    this.#failPending(new TransportError('client closed'));
    const ws = this.#ws;
    if (ws !== undefined && ws.readyState <= WS_OPEN) {
      await new Promise<void>((resolve) => {
        const done = setTimeout(resolve, 1000);
        ws.onclose = (event) => {
          this.#onClosed(ws, event.code);
          clearTimeout(done);
          resolve();
        };
        ws.close(CLOSE.normal, 'bye');
      });
    }
  }

  #open(): Promise<void> {
    this.setState('connecting');
    return new Promise((resolve, reject) => {
      const url = new URL(this.baseUrl.replace(/^http/, 'ws') + '/ws');
      url.searchParams.set('nick', this.nick);
      if (this.options.token !== undefined) url.searchParams.set('token', this.options.token);
      const ws = this.options.headers === undefined ? this.#factory.open(url.toString()) : this.#factory.open(url.toString(), this.options.headers.upgrade);
      this.#ws = ws;
      this.counters.requests++;
      let opened = false;
      ws.onopen = () => {
        opened = true;
        this.#backoff.reset();
        this.setState('open');
        resolve();
      };
      ws.onmessage = (event) => this.#onFrame(event.data);
      ws.onerror = () => {};
      ws.onclose = (event) => {
        this.#onClosed(ws, event.code);
        if (!opened) reject(new TransportError(`WebSocket closed before opening (${event.code})`));
        if (!this.closed) void this.#reconnect();
      };
    });
  }

  #onClosed(ws: WebSocketLike, _code: number): void {
    const bytes = this.#factory.wireBytes?.(ws);
    if (bytes !== undefined) {
      this.#closedBytes.sent += bytes.sent;
      this.#closedBytes.received += bytes.received;
    }
    if (this.#ws === ws) this.#ws = undefined;
    this.#failPending(new TransportError('connection closed'));
  }

  async #reconnect(): Promise<void> {
    if (this.#reconnecting) return;
    this.#reconnecting = true;
    try {
      await this.#reconnectLoop();
    } finally {
      this.#reconnecting = false;
    }
  }

  async #reconnectLoop(): Promise<void> {
    this.setState('reconnecting');
    while (!this.closed) {
      await sleep(this.#backoff.next(), this.#abort.signal);
      if (this.closed) return;
      try {
        this.#connecting = this.#open();
        await this.#connecting;
        this.counters.reconnects++;
        // Rejoin from the last seq seen: history replays what was missed while away.
        await Promise.all(
          [...this.rooms].map((room) => {
            const after = this.lastSeq.get(room) ?? 0;
            this.seen(room, after);
            return this.#request(`join:${room}`, { type: 'join', room, after, ref: `join:${room}` });
          }),
        );
        return;
      } catch (error) {
        this.setState('reconnecting');
        this.emit('error', error as Error);
        // #open's onclose schedules the next attempt when an opened socket drops again.
        if (this.#ws !== undefined) return;
      }
    }
  }

  #write(frame: object): void {
    const text = JSON.stringify(frame);
    this.#payload.sent += utf8Bytes(text);
    this.#ws?.send(text);
  }

  #request(key: string, frame: object): Promise<ServerFrame> {
    if (this.#ws?.readyState !== WS_OPEN) return Promise.reject(new TransportError('not connected'));
    const previous = this.#pending.get(key);
    return new Promise((resolve, reject) => {
      this.#pending.set(key, {
        resolve: (value) => {
          previous?.resolve(value);
          resolve(value);
        },
        reject: (error) => {
          previous?.reject(error);
          reject(error);
        },
      });
      this.#write(frame);
    });
  }

  #settle(key: string, frame: ServerFrame, error?: Error): void {
    const pending = this.#pending.get(key);
    if (pending === undefined) return;
    this.#pending.delete(key);
    if (error === undefined) pending.resolve(frame);
    else pending.reject(error);
  }

  #failPending(error: Error): void {
    const pending = [...this.#pending.values()];
    this.#pending.clear();
    for (const p of pending) p.reject(error);
  }

  #onFrame(data: unknown): void {
    this.stampReceipt();
    const text = typeof data === 'string' ? data : String(data);
    this.#payload.received += utf8Bytes(text);
    let frame: ServerFrame;
    try {
      frame = JSON.parse(text) as ServerFrame;
    } catch {
      this.emit('error', new TransportError('the server sent a frame that is not JSON'));
      return;
    }
    switch (frame.type) {
      case 'message':
        this.accept(frame.message);
        return;
      case 'joined':
        // A join that named `after` keeps its mark, so the replay that follows is not taken for
        // duplicates; only a join from now starts at `last`. A restarted server (its `last` below
        // ours) is joined again from its start.
        if (!this.lastSeq.has(frame.room)) this.seen(frame.room, frame.last);
        else if (this.restarted(frame.room, frame.last)) this.#write({ type: 'join', room: frame.room, after: 0 });
        if (frame.gap !== undefined) this.gap(frame.room, frame.gap);
        this.#settle(`join:${frame.room}`, frame);
        return;
      case 'ack':
        if (frame.ref !== undefined) this.#settle(frame.ref, frame);
        return;
      case 'error': {
        const error = isErrorCode(frame.code) ? new ProtocolError(frame.code, frame.message) : new TransportError(frame.message);
        if (frame.ref !== undefined) this.#settle(frame.ref, frame, error);
        else this.emit('error', error);
        return;
      }
      default:
        return;
    }
  }
}
