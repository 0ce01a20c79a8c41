/**
 * The life of one demo pane's chat client, with no DOM in it (so Node tests can drive it):
 * make the client match the wanted nick, token and room, retrying until it does; replace it
 * when the nick or token changes; resume a room after its seq; and keep the counters of
 * clients already discarded, so the pane's totals never go back. The view (pane.ts) renders
 * what this reports through SessionEvents.
 */
import { ProtocolError } from '../../protocol/errors.ts';
import type { ChatMessage } from '../../protocol/types.ts';
import { sleep } from '../backoff.ts';
import type { ChatClient, ClientState, GapNotice } from '../types.ts';

/** Retry of a join or a first connection that failed: first delay and cap, ms. */
const RETRY_MIN_MS = 250;
const RETRY_MAX_MS = 5000;

/** A new client for a nick and token; `http` when the pane counts the client's fetches itself. */
export type ClientFactory = (nick: string, token: string | undefined) => { client: ChatClient; http: { readonly requests: number } | undefined };

export interface SessionEvents {
  message(message: ChatMessage): void;
  gap(gap: GapNotice): void;
  /** The state to show; while `failure` is set, the session is retrying. */
  state(state: ClientState): void;
  /** The client is in this room now (undefined: in none). */
  joined(room: string | undefined): void;
}

/** A person-readable reason for a failure the client is retrying. */
export function describeError(error: unknown): string {
  if (error instanceof ProtocolError) {
    switch (error.code) {
      case 'unknown_session':
        return 'session gone, starting a new one';
      case 'shutting_down':
        return 'server is shutting down';
      case 'unauthorized':
        return 'the server needs a valid token: enter one under Token';
      case 'backplane_unavailable':
        return 'server cannot reach its backplane';
      default:
        return error.message;
    }
  }
  return 'server unreachable, retrying';
}

export class PaneSession {
  readonly #factory: ClientFactory;
  readonly #events: SessionEvents;
  #nick: string;
  #token: string | undefined;
  #clientToken: string | undefined;
  #room: string;
  #client: ChatClient | undefined;
  /** The pane's own fetch counter (polling transports), if any. */
  #http: { readonly requests: number } | undefined;
  #detach: Array<() => void> = [];
  /** The room the current client has joined (undefined while (re)joining). */
  #joined: string | undefined;
  /** Where to resume a room after the client was replaced: its newest seq seen. */
  #resume: { room: string; seq: number } | undefined;
  #syncing = false;
  #closed = false;
  #failure: string | undefined;
  /** Counters of clients already discarded, so the totals never go back. */
  readonly #past = { requests: 0, bytesReceived: 0, reconnects: 0 };

  constructor(factory: ClientFactory, events: SessionEvents, nick: string, room: string) {
    this.#factory = factory;
    this.#events = events;
    this.#nick = nick;
    this.#room = room;
  }

  get nick(): string {
    return this.#nick;
  }

  get room(): string {
    return this.#room;
  }

  /** Why the session is retrying, for people; undefined when it is not. */
  get failure(): string | undefined {
    return this.#failure;
  }

  /** True when a message can be sent now: a client that has joined the wanted room. */
  get ready(): boolean {
    return this.#client !== undefined && this.#joined === this.#room;
  }

  /** Start (or continue) making the client match the wanted identity. */
  start(): void {
    this.#requestSync();
  }

  /** Nick, token or room changed: a new nick or token needs a new client; a new room is left and joined. */
  setIdentity(nick: string, room: string, token?: string): void {
    if (nick === this.#nick && room === this.#room && token === this.#token) return;
    this.#nick = nick;
    this.#room = room;
    this.#token = token;
    this.#requestSync();
  }

  /** Send to the wanted room; throws when not ready (see `ready`) or when the client fails. */
  async send(text: string): Promise<void> {
    const client = this.#client;
    if (client === undefined || !this.ready) throw new Error('not connected');
    await client.send(this.#room, text, Date.now());
  }

  /** Totals over every client this session had. Requests: see `#requests`. */
  totals(): { requests: number; bytesReceived: number; reconnects: number } {
    const stats = this.#client?.stats;
    return { requests: this.#requests(), bytesReceived: this.#past.bytesReceived + (stats?.bytesReceived ?? 0), reconnects: this.#past.reconnects + (stats?.reconnects ?? 0) };
  }

  /** Stop: the client is closed and no retry continues. */
  async close(): Promise<void> {
    this.#closed = true;
    await this.#discardClient();
  }

  /**
   * HTTP requests made so far. Polling panes count every fetch, answered or not (the shared
   * client counts only answered ones); a WebSocket counts each upgrade it tries.
   */
  #requests(): number {
    const current = this.#http?.requests ?? this.#client?.stats.requests ?? 0;
    return this.#past.requests + current;
  }

  /** One sync loop at a time. */
  #requestSync(): void {
    if (this.#syncing) return;
    this.#syncing = true;
    void this.#sync();
  }

  async #sync(): Promise<void> {
    let delay = RETRY_MIN_MS;
    for (;;) {
      if (this.#closed) return;
      const nick = this.#nick;
      const room = this.#room;
      const token = this.#token;
      try {
        if (this.#client === undefined || this.#client.nick !== nick || this.#clientToken !== token) await this.#replaceClient(nick, token);
        const client = this.#client;
        if (client !== undefined && this.#joined !== room) {
          const old = this.#joined;
          this.#setJoined(undefined);
          if (old !== undefined) await client.leave(old).catch(() => {});
          const after = this.#resume?.room === room ? this.#resume.seq : undefined;
          await client.join(room, after);
          this.#setJoined(room);
          this.#resume = undefined;
        }
        if (this.#failure !== undefined) {
          this.#failure = undefined;
          this.#events.state(this.#client?.state ?? 'idle');
        }
        if (nick === this.#nick && room === this.#room && token === this.#token) {
          this.#syncing = false;
          return;
        }
        delay = RETRY_MIN_MS;
      } catch (error) {
        // A first connection that failed can leave a client unusable: start over with a fresh one.
        await this.#discardClient();
        this.#failure = describeError(error);
        this.#events.state('reconnecting');
        await sleep(delay);
        delay = Math.min(delay * 2, RETRY_MAX_MS);
      }
    }
  }

  #setJoined(room: string | undefined): void {
    this.#joined = room;
    this.#events.joined(room);
  }

  async #replaceClient(nick: string, token: string | undefined): Promise<void> {
    await this.#discardClient();
    const { client, http } = this.#factory(nick, token);
    this.#client = client;
    this.#clientToken = token;
    this.#http = http;
    this.#detach = [
      client.on('message', (message) => this.#events.message(message)),
      client.on('state', (state) => {
        if (state === 'open') this.#failure = undefined;
        this.#events.state(state);
      }),
      client.on('error', (error) => {
        this.#failure = describeError(error);
        if (client.state === 'reconnecting') this.#events.state('reconnecting');
      }),
      client.on('gap', (gap) => this.#events.gap(gap)),
    ];
    await client.connect();
  }

  async #discardClient(): Promise<void> {
    const client = this.#client;
    if (client === undefined) return;
    for (const off of this.#detach) off();
    this.#detach = [];
    this.#client = undefined;
    const joined = this.#joined;
    const seq = joined === undefined ? undefined : client.lastSeq.get(joined);
    if (joined !== undefined && seq !== undefined) this.#resume = { room: joined, seq };
    this.#setJoined(undefined);
    const http = this.#http;
    this.#http = undefined;
    const requests = (): number => http?.requests ?? client.stats.requests;
    const before = requests();
    const stats = client.stats;
    this.#past.requests += before;
    this.#past.bytesReceived += stats.bytesReceived;
    this.#past.reconnects += stats.reconnects;
    await client.close().catch(() => {});
    // close() may make a last request (a long-poll session's DELETE).
    this.#past.requests += requests() - before;
  }
}
