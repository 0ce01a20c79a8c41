/**
 * The backplane: the one place that assigns a room's `seq`, keeps its history and fans
 * messages out to every server instance that shares it. The core talks to nothing else,
 * so swapping the in-memory backplane for Redis changes no transport.
 *
 * Contract every implementation keeps (test/backplane-contract.ts checks both):
 * - `publish` assigns seq = last + 1 atomically across all instances and stores the message.
 * - Every instance that has `subscribe`d a room receives each of its messages through the
 *   listener exactly once, in seq order, including the instance that published it.
 * - `history` answers from the same store, so any instance can serve `after` and resume.
 */
import type { Envelope } from './envelope.ts';

export interface MessageDraft {
  from: string;
  text: string;
  sentAt?: number;
}

export interface HistoryResult {
  /** seq > after, oldest first, at most `limit`. */
  messages: Envelope[];
  /** The room's newest seq, 0 when empty. */
  last: number;
  /** True when `after < last` and history no longer holds `after + 1`. */
  gap: boolean;
}

export type BackplaneListener = (envelope: Envelope) => void;

/** Up/down changes of the backplane's connection (Redis); in-memory never goes down. */
export type BackplaneStatusListener = (available: boolean) => void;

export interface Backplane {
  /** Human-readable kind for logs and results: `memory`, `redis`. */
  readonly kind: string;
  publish(room: string, draft: MessageDraft): Promise<Envelope>;
  history(room: string, after: number, limit: number): Promise<HistoryResult>;
  /** Newest seq of a room, 0 when it has none. */
  last(room: string): Promise<number>;
  /** Start receiving this room's messages on this instance. Idempotent per room. */
  subscribe(room: string): Promise<void>;
  /** Stop receiving this room's messages on this instance. */
  unsubscribe(room: string): Promise<void>;
  /** The one listener for every subscribed room's messages (the core's dispatcher). */
  setListener(listener: BackplaneListener): void;
  setStatusListener(listener: BackplaneStatusListener): void;
  close(): Promise<void>;
}
