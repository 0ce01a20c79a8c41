/**
 * What every client shares: de-duplication by (room, seq), counters, state, and JSON calls
 * that turn the server's error bodies back into ProtocolErrors with the catalog's code.
 */
import { ProtocolError, isErrorCode } from '../protocol/errors.ts';
import type { ChatMessage, PublishAck, Transport } from '../protocol/types.ts';
import { Emitter } from './emitter.ts';
import type { HttpRequester } from './platform.ts';
import { TRANSPORT_HEADER } from '../protocol/defaults.ts';
import type { ChatClient, ClientEvents, ClientOptions, ClientState, ClientStats, SendResult } from './types.ts';

/** The server could not be reached, or answered something that is not the protocol. */
export class TransportError extends Error {
  override name = 'TransportError';
}

/** The two ends of a promise a frame or event will settle later (a pending ack, a join waiting for `joined`). */
export interface Settler<T> {
  resolve: (value: T) => void;
  reject: (error: Error) => void;
}

export abstract class BaseClient implements ChatClient {
  abstract readonly transport: Transport;
  readonly nick: string;
  protected readonly counters: ClientStats = { requests: 0, bytesSent: 0, bytesReceived: 0, reconnects: 0, duplicates: 0, delivered: 0 };
  readonly lastSeq = new Map<string, number>();
  /** Rooms joined (or being joined); messages of other rooms are dropped. */
  protected readonly rooms = new Set<string>();
  protected readonly baseUrl: string;
  protected readonly options: ClientOptions;
  readonly #emitter = new Emitter<ClientEvents>();
  #state: ClientState = 'idle';

  constructor(options: ClientOptions) {
    this.options = options;
    this.nick = options.nick;
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
  }

  abstract connect(): Promise<void>;
  abstract join(room: string, after?: number): Promise<number>;
  abstract leave(room: string): Promise<void>;
  abstract send(room: string, text: string, sentAt?: number): Promise<SendResult>;
  abstract close(): Promise<void>;

  get stats(): ClientStats {
    return this.counters;
  }

  get state(): ClientState {
    return this.#state;
  }

  /** A method, not `state === 'closed'`, so TypeScript does not narrow across awaits. */
  get closed(): boolean {
    return this.#state === 'closed';
  }

  on<E extends keyof ClientEvents>(event: E, listener: (value: ClientEvents[E]) => void): () => void {
    return this.#emitter.on(event, listener);
  }

  protected emit<E extends keyof ClientEvents>(event: E, value: ClientEvents[E]): void {
    this.#emitter.emit(event, value);
  }

  protected setState(state: ClientState): void {
    if (this.#state === state || this.#state === 'closed') return;
    this.#state = state;
    this.#emitter.emit('state', state);
  }

  /** options.clock() when the frame or response being handled arrived (see stampReceipt). */
  #receivedAt: number | undefined;

  /** Note the receipt time of what arrived, before parsing it (only with options.clock: no cost otherwise). */
  protected stampReceipt(): void {
    if (this.options.clock !== undefined) this.#receivedAt = this.options.clock();
  }

  /** Hand a received message to the application unless it is a duplicate or of a room we left. */
  protected accept(message: ChatMessage): void {
    if (!this.rooms.has(message.room)) return;
    // Raw, before de-duplication: a measuring tool sees the wire as it was (the bench's ledger).
    this.#emitter.emit('raw', { message, receivedAt: this.#receivedAt });
    const last = this.lastSeq.get(message.room) ?? 0;
    if (message.seq <= last) {
      this.counters.duplicates++;
      return;
    }
    this.lastSeq.set(message.room, message.seq);
    this.counters.delivered++;
    this.#emitter.emit('message', message);
  }

  /** Raise a room's high-water mark (a join's `last`), never lower it. */
  protected seen(room: string, seq: number): void {
    if (seq > (this.lastSeq.get(room) ?? -1)) this.lastSeq.set(room, seq);
  }

  /**
   * The server's newest seq for a room is below what we saw: its history restarted (a memory
   * backplane starts again at 1 when the server restarts). Forget our high-water mark, or every
   * new message would be dropped as a duplicate. True when it did.
   */
  protected restarted(room: string, last: number): boolean {
    if (last >= (this.lastSeq.get(room) ?? 0)) return false;
    this.lastSeq.set(room, 0);
    return true;
  }

  protected gap(room: string, from: number): void {
    this.#emitter.emit('gap', { room, from });
  }

  /** A JSON call to the server. Error bodies become ProtocolErrors; no answer is a TransportError. */
  /**
   * Publish over HTTP (every client but WebSocket). The `x-pushlab-transport` header names
   * this client's transport, so the server meters the publish under it: short and long
   * polling pay for their publishes as WebSocket pays for its send frames.
   */
  protected async publish(http: HttpRequester, room: string, text: string, sentAt?: number): Promise<SendResult> {
    const body = sentAt === undefined ? { from: this.nick, text } : { from: this.nick, text, sentAt };
    const ack = await this.call<PublishAck>(http, 'POST', `/rooms/${seg(room)}/messages`, body, { headers: { [TRANSPORT_HEADER]: this.transport } });
    return { room: ack.room, seq: ack.seq };
  }

  protected async call<T>(http: HttpRequester, method: string, path: string, body?: unknown, extra?: { signal?: AbortSignal; timeoutMs?: number; headers?: Record<string, string> }): Promise<T> {
    const headers: Record<string, string> = { ...this.options.headers?.fetch, ...extra?.headers };
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (this.options.token !== undefined) headers.authorization = `Bearer ${this.options.token}`;
    let result;
    try {
      result = await http.request({
        method,
        url: this.baseUrl + path,
        body: body === undefined ? undefined : JSON.stringify(body),
        headers,
        signal: extra?.signal,
        timeoutMs: extra?.timeoutMs ?? 30_000,
      });
    } catch (error) {
      throw new TransportError(`${method} ${path}: ${(error as Error).message}`);
    }
    this.stampReceipt();
    this.counters.requests++;
    this.counters.bytesSent += result.bytesSent;
    this.counters.bytesReceived += result.bytesReceived;
    if (result.status === 204) return undefined as T;
    let parsed: unknown;
    try {
      parsed = JSON.parse(result.text);
    } catch {
      throw new TransportError(`${method} ${path}: answered ${result.status} with a body that is not JSON`);
    }
    if (result.status >= 400) {
      const code = (parsed as { error?: { code?: unknown } }).error?.code;
      const message = (parsed as { error?: { message?: unknown } }).error?.message;
      if (isErrorCode(code)) throw new ProtocolError(code, typeof message === 'string' ? message : undefined);
      throw new TransportError(`${method} ${path}: answered ${result.status}`);
    }
    return parsed as T;
  }
}

/** Query-safe path segment. */
export function seg(value: string): string {
  return encodeURIComponent(value);
}
