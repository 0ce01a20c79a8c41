/** Wire types of protocol v1 (docs/protocol.md). Shared by servers, clients and the bench. */

export const TRANSPORTS = ['short-polling', 'long-polling', 'websocket', 'sse'] as const;
export type Transport = (typeof TRANSPORTS)[number];

/** A chat message as every transport delivers it. */
export interface ChatMessage {
  room: string;
  /** Per room: 1, 2, 3 … assigned by the backplane, no gaps, never reused. */
  seq: number;
  /** Unique id, sortable by time. */
  id: string;
  from: string;
  text: string;
  /** Server clock, epoch ms, when the message was accepted. */
  ts: number;
  /** Sender clock, epoch ms (fractions allowed), passed through untouched. */
  sentAt?: number;
}

/** `POST /rooms/:room/messages` body. */
export interface PublishBody {
  from: string;
  text: string;
  sentAt?: number;
}

/** `201` answer to a publish. */
export interface PublishAck {
  room: string;
  seq: number;
  id: string;
  ts: number;
}

/** `GET /rooms/:room/messages` answer. */
export interface HistoryPage {
  room: string;
  messages: ChatMessage[];
  last: number;
  gap?: true;
}

/** `POST /lp/sessions` body and answer. */
export interface CreateSessionBody {
  nick: string;
  rooms: string[];
  after?: Record<string, number>;
}
export interface SessionCreated {
  session: string;
  holdMs: number;
  cursor: number;
}

/** `GET /lp/sessions/:id/poll` answer. `gap` maps room → first seq the queue dropped. */
export interface PollBatch {
  messages: ChatMessage[];
  cursor: number;
  gap?: Record<string, number>;
}

/** `POST /lp/sessions/:id/rooms/:room` answer (protocol is silent; we mirror `joined`). */
export interface JoinedRoom {
  room: string;
  last: number;
}

// WebSocket frames, client → server.
export interface JoinFrame { type: 'join'; room: string; after?: number; ref?: string }
export interface LeaveFrame { type: 'leave'; room: string; ref?: string }
export interface SendFrame { type: 'send'; room: string; text: string; sentAt?: number; ref?: string }
export type ClientFrame = JoinFrame | LeaveFrame | SendFrame;

// WebSocket frames, server → client.
export interface MessageFrame { type: 'message'; message: ChatMessage }
export interface AckFrame { type: 'ack'; ref?: string; room: string; seq: number }
/** `gap` (pushlab's addition): the first seq a join with `after` cannot replay because history dropped it. */
export interface JoinedFrame { type: 'joined'; room: string; last: number; gap?: number; ref?: string }
export interface ErrorFrame { type: 'error'; code: string; message: string; ref?: string }
export type ServerFrame = MessageFrame | AckFrame | JoinedFrame | ErrorFrame;

// Server-Sent Events: the `data:` of the stream's named events (docs/protocol.md).
/** `event: joined`. */
export interface SseJoined { room: string; last: number }
/** `event: gap`: `first` is the first seq of the room the stream cannot replay (history dropped it). */
export interface SseGap { room: string; first: number }

/** WebSocket close codes the server uses (RFC 6455 §7.4.1). */
export const CLOSE = {
  normal: 1000,
  goingAway: 1001,
  protocolError: 1002,
  invalidPayload: 1007,
  policyViolation: 1008,
  tooBig: 1009,
  tryAgainLater: 1013,
} as const;
