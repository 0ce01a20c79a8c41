/**
 * One interface for a chat client over any transport. The benchmark, the tests and the
 * browser demo all drive clients through it, so they compare transports, not client code.
 */
import type { ChatMessage, Transport } from '../protocol/types.ts';
import type { EventSourceFactory, HttpRequester, WebSocketFactory } from './platform.ts';

export type ClientState = 'idle' | 'connecting' | 'open' | 'reconnecting' | 'closed';

export interface ClientStats {
  /** HTTP requests made (a WebSocket counts its upgrade, an event stream each GET of it). */
  requests: number;
  /** Bytes sent and received; on the socket in Node (headers and frames included), payload only in browsers. */
  bytesSent: number;
  bytesReceived: number;
  /** Times the client lost its connection or session and made a new one. */
  reconnects: number;
  /** Messages received again and dropped by de-duplication on (room, seq). */
  duplicates: number;
  /** Messages delivered to the application. */
  delivered: number;
}

export interface GapNotice {
  room: string;
  /** First seq the client will never get (history no longer holds it). */
  from: number;
}

export interface ClientEvents {
  message: ChatMessage;
  gap: GapNotice;
  state: ClientState;
  /** Something went wrong that the client is handling (it retries); for logs and the demo. */
  error: Error;
  /**
   * Every message of a joined room as it came off the wire, before de-duplication by
   * (room, seq), stamped with `options.clock` when the frame or response arrived (before it
   * was parsed). For measuring tools (the bench's ledger); applications listen to `message`.
   */
  raw: RawDelivery;
}

export interface RawDelivery {
  message: ChatMessage;
  /** `options.clock()` at receipt; undefined without a clock. */
  receivedAt: number | undefined;
}

export interface SendResult {
  room: string;
  seq: number;
}

export interface ChatClient {
  readonly transport: Transport;
  readonly nick: string;
  readonly state: ClientState;
  readonly stats: ClientStats;
  /** Highest seq seen per joined room. */
  readonly lastSeq: ReadonlyMap<string, number>;
  connect(): Promise<void>;
  /** Join a room; with `after`, history past it comes first. Resolves with the room's newest seq. */
  join(room: string, after?: number): Promise<number>;
  leave(room: string): Promise<void>;
  send(room: string, text: string, sentAt?: number): Promise<SendResult>;
  on<E extends keyof ClientEvents>(event: E, listener: (value: ClientEvents[E]) => void): () => void;
  close(): Promise<void>;
}

export interface ClientOptions {
  /** `http://host:port` of a pushlab server. */
  baseUrl: string;
  nick: string;
  /** Short polling: start-to-start interval, ms. Default 2000. */
  pollIntervalMs?: number;
  /** Reconnect backoff: first delay and cap, ms. Defaults 100 and 5000. */
  backoffMinMs?: number;
  backoffMaxMs?: number;
  /** Bearer token, when the server requires one. */
  token?: string;
  /**
   * Extra request headers, Node only (a browser sends its own): `fetch` on every poll and
   * publish, `upgrade` on the WebSocket upgrade, `stream` on the SSE request. The bench's
   * `--headers browser` fills them with a desktop browser's set (bench/harness/browser-headers.ts).
   */
  headers?: { fetch: Record<string, string>; upgrade: Record<string, string>; stream: Record<string, string> };
  /** Platform pieces; the Node ones are used when absent (clients/node/). */
  http?: HttpRequester;
  webSocket?: WebSocketFactory;
  eventSource?: EventSourceFactory;
  /** A clock for `raw` deliveries' receipt stamps (the bench's shared clock); none by default. */
  clock?: () => number;
}
