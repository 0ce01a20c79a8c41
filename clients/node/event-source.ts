/**
 * EventSource for Node, lean: node:http and `eventsource-parser` (the parser the `eventsource`
 * package is built on), behaving as the WHATWG EventSource does for what pushlab uses —
 * reconnect after the server's `retry:` with `Last-Event-ID` on a network error or an ended
 * stream, give up (readyState CLOSED) on an answer that is not a 200 event stream.
 *
 * Why not the `eventsource` package itself: the bench runs a hundred of these in a load worker
 * at 10,000 deliveries/s, and its fetch → web stream → EventTarget → MessageEvent path cost up
 * to ~1.7× a WebSocket client's CPU per delivery, enough to make the senders sharing that core
 * fall behind (LOAD-BOUND runs): the harness would have been measuring itself.
 *
 * On node:http the bench also sees real wire bytes, counts every request (reconnects
 * included), can cut a stream (`cutEventSource`, for --faults), and learns the catalog error
 * of a refused stream.
 */
import http from 'node:http';
import https from 'node:https';
import type { Socket } from 'node:net';
import { createParser, type EventSourceMessage } from 'eventsource-parser';
import type { EventSourceFactory, EventSourceLike } from '../platform.ts';
import { sharedAgent, sharedHttpsAgent } from './http.ts';

const CONNECTING = 0;
const OPEN = 1;
const CLOSED = 2;
/** EventSource's reconnect delay until the server sends `retry:`, ms (browsers use ~3000 too). */
const DEFAULT_RETRY_MS = 3000;

type Listener = (event: { data?: unknown }) => void;

class NodeEventSource implements EventSourceLike {
  readyState = CONNECTING;
  onopen: ((event: unknown) => void) | null = null;
  onerror: ((event: unknown) => void) | null = null;
  requests = 0;
  /** Bytes of exchanges already over. */
  sent = 0;
  received = 0;
  /** The exchange under way: its socket and the socket's counters when it began. */
  live: { socket: Socket; read: number; written: number } | undefined;
  refusal: { status: number; text: string } | undefined;
  readonly #url: string;
  readonly #headers: Record<string, string>;
  readonly #listeners = new Map<string, Listener[]>();
  #lastEventId = '';
  #retryMs = DEFAULT_RETRY_MS;
  #req: http.ClientRequest | undefined;
  #timer: ReturnType<typeof setTimeout> | undefined;

  constructor(url: string, headers: Record<string, string>) {
    this.#url = url;
    this.#headers = headers;
    this.#connect();
  }

  addEventListener(type: string, listener: Listener): void {
    const list = this.#listeners.get(type);
    if (list === undefined) this.#listeners.set(type, [listener]);
    else list.push(listener);
  }

  close(): void {
    this.readyState = CLOSED;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#req?.destroy();
  }

  #connect(): void {
    this.readyState = CONNECTING;
    this.requests++;
    const headers: Record<string, string> = { accept: 'text/event-stream', 'cache-control': 'no-cache', ...this.#headers };
    if (this.#lastEventId !== '') headers['last-event-id'] = this.#lastEventId;
    // https:// (a --tls server): the same request on node:https, trusting NODE_EXTRA_CA_CERTS.
    const req = this.#url.startsWith('https:') ? https.request(this.#url, { method: 'GET', agent: sharedHttpsAgent, headers }) : http.request(this.#url, { method: 'GET', agent: sharedAgent, headers });
    this.#req = req;
    let settled = false;
    // Whatever ends this exchange — an error, a cut, the server ending the stream — ends here
    // once; a refusal ends in #refused instead (no reconnect).
    const over = (): void => {
      if (settled) return;
      settled = true;
      this.#settleBytes();
      if (this.readyState === CLOSED) return;
      this.readyState = CONNECTING;
      this.onerror?.({ type: 'error' });
      if (this.readyState !== CONNECTING) return; // closed by the handler
      this.#timer = setTimeout(() => this.#connect(), this.#retryMs);
    };
    req.once('socket', (socket: Socket) => {
      this.live = { socket, read: socket.bytesRead, written: socket.bytesWritten };
    });
    req.once('error', over);
    req.once('close', over);
    req.once('response', (res) => {
      if (res.statusCode !== 200 || !(res.headers['content-type'] ?? '').startsWith('text/event-stream')) {
        settled = true;
        this.#refused(res);
        return;
      }
      this.refusal = undefined;
      this.readyState = OPEN;
      this.onopen?.({ type: 'open' });
      const parser = createParser({ onEvent: (event) => this.#dispatch(event), onRetry: (ms) => (this.#retryMs = ms) });
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => parser.feed(chunk));
      res.once('error', over);
      res.once('end', over);
    });
    req.end();
  }

  /** A refused stream: keep the catalog's answer so the client can say why, and give up (as EventSource does). */
  #refused(res: http.IncomingMessage): void {
    let text = '';
    res.setEncoding('utf8');
    res.on('data', (chunk: string) => (text += chunk));
    const finish = (): void => {
      this.#settleBytes();
      if (this.readyState === CLOSED) return;
      this.refusal = { status: res.statusCode ?? 0, text };
      this.readyState = CLOSED;
      this.onerror?.({ type: 'error' });
    };
    res.once('end', finish);
    res.once('error', finish);
  }

  #dispatch(event: EventSourceMessage): void {
    if (event.id !== undefined) this.#lastEventId = event.id;
    if (this.readyState === CLOSED) return;
    const list = this.#listeners.get(event.event ?? 'message');
    if (list === undefined) return;
    const value = { data: event.data };
    for (const listener of list) listener(value);
  }

  #settleBytes(): void {
    const live = this.live;
    if (live === undefined) return;
    this.live = undefined;
    this.sent += live.socket.bytesWritten - live.written;
    this.received += live.socket.bytesRead - live.read;
  }
}

export const nodeEventSource: EventSourceFactory = {
  open: (url, headers) => new NodeEventSource(url, headers),
  stats(source) {
    if (!(source instanceof NodeEventSource)) return undefined;
    const live = source.live;
    return {
      requests: source.requests,
      sent: source.sent + (live === undefined ? 0 : live.socket.bytesWritten - live.written),
      received: source.received + (live === undefined ? 0 : live.socket.bytesRead - live.read),
    };
  },
  refusal: (source) => (source instanceof NodeEventSource ? source.refusal : undefined),
};

/** Kill a source's connection under it, as a network fault would: it reconnects with Last-Event-ID. */
export function cutEventSource(source: EventSourceLike): void {
  if (source instanceof NodeEventSource) source.live?.socket.destroy(new Error('connection cut (bench fault)'));
}
