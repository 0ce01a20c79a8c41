/**
 * The browser's platform pieces for the shared clients: `fetch` and the built-in `WebSocket`
 * and `EventSource`.
 * A page cannot see the wire, so bytes are payload bytes (UTF-8 of the bodies), never headers.
 */
import type { EventSourceFactory, EventSourceLike, HttpRequest, HttpRequester, HttpResult, WebSocketFactory, WebSocketLike } from '../platform.ts';

const utf8 = new TextEncoder();

export class FetchHttp implements HttpRequester {
  /** Requests started, answered or not: while the server is down, polls still go out. */
  requests = 0;

  async request(request: HttpRequest): Promise<HttpResult> {
    this.requests++;
    // One controller aborts on the caller's signal or on the timeout, whichever comes first.
    const controller = new AbortController();
    const onAbort = (): void => controller.abort(request.signal?.reason);
    if (request.signal?.aborted === true) onAbort();
    request.signal?.addEventListener('abort', onAbort, { once: true });
    const timer = request.timeoutMs === undefined ? undefined : setTimeout(() => controller.abort(new Error(`no answer within ${request.timeoutMs} ms`)), request.timeoutMs);
    try {
      const response = await fetch(request.url, {
        method: request.method,
        headers: request.headers,
        body: request.body,
        signal: controller.signal,
        // Same origin only; the page never talks to anyone else.
        credentials: 'same-origin',
        cache: 'no-store',
      });
      const text = await response.text();
      return {
        status: response.status,
        text,
        bytesSent: request.body === undefined ? 0 : utf8.encode(request.body).length,
        bytesReceived: utf8.encode(text).length,
      };
    } finally {
      if (timer !== undefined) clearTimeout(timer);
      request.signal?.removeEventListener('abort', onAbort);
    }
  }
}

/** The browser WebSocket already has the shape the clients need; it cannot see wire bytes. */
export const browserWebSocket: WebSocketFactory = {
  open(url: string): WebSocketLike {
    return new WebSocket(url) as unknown as WebSocketLike;
  },
};

/** The browser's own EventSource: it reconnects with Last-Event-ID by itself; it shows neither wire bytes nor why a stream was refused. */
export const browserEventSource: EventSourceFactory = {
  open(url: string): EventSourceLike {
    return new EventSource(url) as unknown as EventSourceLike;
  },
};
