/**
 * Prometheus metrics (prom-client), one registry per server so several servers can live in
 * one process (tests). Bytes are counted on the TCP sockets themselves — request line,
 * headers, bodies, WebSocket frames and all — and attributed to the transport of the last
 * request the socket carried. A publish (`POST /rooms/:room/messages`, shared by the HTTP
 * transports) carries its client's transport in `x-pushlab-transport`; see publisherTransport.
 */
import type { Socket } from 'node:net';
import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import type { RouteTransport } from './http/router.ts';
import type { Transport } from '../protocol/types.ts';

/** Transports a publishing client may name in `x-pushlab-transport` (WebSocket publishes over its own socket). */
const PUBLISHERS: ReadonlySet<string> = new Set<Transport>(['short-polling', 'long-polling', 'sse']);

/** The transport a publish is metered under: the one its client names, else plain `http`. */
export function publisherTransport(header: string | string[] | undefined): RouteTransport {
  return typeof header === 'string' && PUBLISHERS.has(header) ? (header as Transport) : 'http';
}

interface Metered {
  transport: RouteTransport;
  read: number;
  written: number;
  /** Where the wire bytes are read: the socket itself, or under TLS the TCP socket beneath it. */
  wire: { readonly bytesRead: number; readonly bytesWritten: number };
}

export class ServerMetrics {
  readonly registry = new Registry();
  readonly requests: Counter<'transport' | 'route' | 'status'>;
  readonly openConnections: Gauge<'transport'>;
  readonly heldPolls: Gauge;
  readonly lpSessions: Gauge;
  readonly published: Counter;
  readonly delivered: Counter<'transport'>;
  readonly bytes: Counter<'transport' | 'direction'>;
  readonly #sockets = new Map<Socket, Metered>();
  /** `transport|route|status` → counter child: label hashing per request showed in profiles. */
  readonly #requestChildren = new Map<string, Counter.Internal>();
  readonly #bytesChildren = new Map<RouteTransport, { in: Counter.Internal; out: Counter.Internal }>();
  /** Children cached per transport: the per-message path must not look labels up. */
  readonly deliveredBy: Record<Transport, Counter.Internal>;

  constructor(gauges: { heldPolls: () => number; sessions: () => number }) {
    const registers = [this.registry];
    this.requests = new Counter({ name: 'pushlab_http_requests_total', help: 'HTTP requests answered', labelNames: ['transport', 'route', 'status'], registers });
    this.openConnections = new Gauge({
      name: 'pushlab_open_connections',
      help: 'Open TCP connections by the transport they last carried',
      labelNames: ['transport'],
      registers,
      collect: () => this.#countConnections(),
    });
    this.heldPolls = new Gauge({ name: 'pushlab_held_polls', help: 'Long polls held open now', registers, collect() { this.set(gauges.heldPolls()); } });
    this.lpSessions = new Gauge({ name: 'pushlab_lp_sessions', help: 'Long-poll sessions alive now', registers, collect() { this.set(gauges.sessions()); } });
    this.published = new Counter({ name: 'pushlab_messages_published_total', help: 'Messages accepted by this instance', registers });
    this.delivered = new Counter({ name: 'pushlab_messages_delivered_total', help: 'Messages handed to clients (per subscriber)', labelNames: ['transport'], registers });
    this.bytes = new Counter({
      name: 'pushlab_bytes_total',
      help: 'Bytes on the wire, counted on the sockets',
      labelNames: ['transport', 'direction'],
      registers,
      collect: () => this.#flushAll(),
    });
    this.deliveredBy = {
      'short-polling': this.delivered.labels('short-polling'),
      'long-polling': this.delivered.labels('long-polling'),
      websocket: this.delivered.labels('websocket'),
      sse: this.delivered.labels('sse'),
    };
    collectDefaultMetrics({ register: this.registry });
  }

  /** Start metering a new connection; `wire`: its TCP socket when `socket` is a TLSSocket (its own counts are plaintext). */
  track(socket: Socket, wire: Metered['wire'] = socket): void {
    const metered: Metered = { transport: 'http', read: 0, written: 0, wire };
    this.#sockets.set(socket, metered);
    socket.once('close', () => {
      this.#flush(metered);
      this.#sockets.delete(socket);
    });
  }

  /** Label the socket with the transport of the request it now carries; its bytes are counted under it at the next flush. */
  label(socket: Socket, transport: RouteTransport): void {
    const metered = this.#sockets.get(socket);
    if (metered !== undefined) metered.transport = transport;
  }

  /** Count a socket's bytes since the last flush under its current transport. */
  flush(socket: Socket): void {
    const metered = this.#sockets.get(socket);
    if (metered !== undefined) this.#flush(metered);
  }

  /** Count one answered request. */
  request(transport: RouteTransport, route: string, status: number): void {
    const key = `${transport}|${route}|${status}`;
    let child = this.#requestChildren.get(key);
    if (child === undefined) {
      child = this.requests.labels(transport, route, String(status));
      this.#requestChildren.set(key, child);
    }
    child.inc();
  }

  #flush(metered: Metered): void {
    const read = metered.wire.bytesRead;
    const written = metered.wire.bytesWritten;
    let children = this.#bytesChildren.get(metered.transport);
    if (children === undefined) {
      children = { in: this.bytes.labels(metered.transport, 'in'), out: this.bytes.labels(metered.transport, 'out') };
      this.#bytesChildren.set(metered.transport, children);
    }
    if (read > metered.read) children.in.inc(read - metered.read);
    if (written > metered.written) children.out.inc(written - metered.written);
    metered.read = read;
    metered.written = written;
  }

  #flushAll(): void {
    for (const metered of this.#sockets.values()) this.#flush(metered);
  }

  #countConnections(): void {
    const counts: Record<RouteTransport, number> = { 'short-polling': 0, 'long-polling': 0, websocket: 0, sse: 0, http: 0 };
    for (const metered of this.#sockets.values()) counts[metered.transport]++;
    for (const [transport, n] of Object.entries(counts)) this.openConnections.labels(transport).set(n);
  }

  /** Every open TCP connection of the server. */
  sockets(): IterableIterator<Socket> {
    return this.#sockets.keys();
  }

  get socketCount(): number {
    return this.#sockets.size;
  }
}
