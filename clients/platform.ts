/**
 * What a client needs from its platform, so the same client code runs in Node (node:http
 * with a shared keep-alive agent, `ws`) and in browsers (fetch, WebSocket).
 */
export interface HttpResult {
  status: number;
  text: string;
  /** Wire bytes of this exchange where the platform can see them, else payload bytes. */
  bytesSent: number;
  bytesReceived: number;
}

export interface HttpRequest {
  method: string;
  url: string;
  body?: string;
  headers?: Record<string, string>;
  signal?: AbortSignal;
  /** Give up after this long, ms. */
  timeoutMs?: number;
}

export interface HttpRequester {
  request(request: HttpRequest): Promise<HttpResult>;
}

/** The part of the WebSocket API both `ws` and browsers provide. */
export interface WebSocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  onopen: ((event: unknown) => void) | null;
  onmessage: ((event: { data: unknown }) => void) | null;
  onclose: ((event: { code: number; reason: string }) => void) | null;
  onerror: ((event: unknown) => void) | null;
}

export interface WebSocketFactory {
  /** `headers`: extra upgrade request headers where the platform allows them (Node; a browser sends its own). */
  open(url: string, headers?: Record<string, string>): WebSocketLike;
  /** Wire bytes of a socket so far, where the platform can see them. */
  wireBytes?(socket: WebSocketLike): { sent: number; received: number } | undefined;
}

export const WS_OPEN = 1;

/** The part of the EventSource API that browsers and the Node one (clients/node/event-source.ts) provide. */
export interface EventSourceLike {
  /** 0 connecting (also while it waits to reconnect), 1 open, 2 closed: it gave up (a non-200 answer) or was closed. */
  readonly readyState: number;
  addEventListener(type: string, listener: (event: { data?: unknown }) => void): void;
  close(): void;
  onopen: ((event: unknown) => void) | null;
  onerror: ((event: unknown) => void) | null;
}

export interface EventSourceFactory {
  open(url: string, headers: Record<string, string>): EventSourceLike;
  /** HTTP requests and wire bytes of a source so far (its reconnects included), where the platform can see them. */
  stats?(source: EventSourceLike): { requests: number; sent: number; received: number } | undefined;
  /** The answer that made a source give up (status and body), where the platform can see it. */
  refusal?(source: EventSourceLike): { status: number; text: string } | undefined;
}

export const ES_CLOSED = 2;
