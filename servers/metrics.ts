/**
 * Prometheus metrics (prom-client), one registry per server so several servers can live in
 * one process (tests). Bytes are counted on the TCP sockets themselves — request line,
 * headers, bodies, WebSocket frames and all — and attributed to the transport of the last
 * request the socket carried. A publish (`POST /rooms/:room/messages`, shared by the HTTP
 * transports) carries its client's transport in `x-pushlab-transport`; see publisherTransport.
 */
import type { Socket } from 'node:net';
import { Counter, Gauge, Registry } from 'prom-client';
import { registerProcessMetrics } from './process-metrics.ts';
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

/** One `pushlab_http_requests_total` series, counted as a plain number. */
interface RequestCount {
  transport: RouteTransport;
  route: string;
  status: string;
  n: number;
}

/**
 * Every counter here is a plain number, moved into prom-client only when /metrics is scraped:
 * prom-client's `inc()`, even on a child from `labels()`, hashes and validates its labels on
 * every call — per delivery that was a visible share of the fan-out profile.
 */
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
  /** Messages handed to clients per transport: the per-delivery path adds to a number, nothing else. */
  readonly #delivered: Record<Transport, number> = { 'short-polling': 0, 'long-polling': 0, websocket: 0, sse: 0 };
  #published = 0;
  /** route → status → count, per transport: two Map reads per request, no key string built. */
  readonly #requestCounts = new Map<RouteTransport, Map<string, Map<number, RequestCount>>>();
  /** Wire bytes of sockets since counted, per transport. */
  readonly #bytes = new Map<RouteTransport, { in: number; out: number }>();
  /** The 'close' listener every tracked socket shares (`this` is the socket). */
  readonly #onSocketClose: (this: Socket) => void;

  constructor(gauges: { heldPolls: () => number; sessions: () => number }, options: { defaultMetrics?: boolean } = {}) {
    const registers = [this.registry];
    const self = this;
    this.#onSocketClose = function (this: Socket): void {
      self.#untrack(this);
    };
    this.requests = new Counter({
      name: 'pushlab_http_requests_total',
      help: 'HTTP requests answered',
      labelNames: ['transport', 'route', 'status'],
      registers,
      collect() {
        self.#collectRequests(this);
      },
    });
    this.openConnections = new Gauge({
      name: 'pushlab_open_connections',
      help: 'Open TCP connections by the transport they last carried',
      labelNames: ['transport'],
      registers,
      collect: () => this.#countConnections(),
    });
    this.heldPolls = new Gauge({ name: 'pushlab_held_polls', help: 'Long polls held open now', registers, collect() { this.set(gauges.heldPolls()); } });
    this.lpSessions = new Gauge({ name: 'pushlab_lp_sessions', help: 'Long-poll sessions alive now', registers, collect() { this.set(gauges.sessions()); } });
    this.published = new Counter({
      name: 'pushlab_messages_published_total',
      help: 'Messages accepted by this instance',
      registers,
      collect() {
        this.reset();
        this.inc(self.#published);
      },
    });
    this.delivered = new Counter({
      name: 'pushlab_messages_delivered_total',
      help: 'Messages handed to clients (per subscriber)',
      labelNames: ['transport'],
      registers,
      collect() {
        this.reset();
        for (const [transport, n] of Object.entries(self.#delivered)) this.labels(transport).inc(n);
      },
    });
    this.bytes = new Counter({
      name: 'pushlab_bytes_total',
      help: 'Bytes on the wire, counted on the sockets',
      labelNames: ['transport', 'direction'],
      registers,
      collect() {
        self.#flushAll();
        this.reset();
        for (const [transport, b] of self.#bytes) {
          this.labels(transport, 'in').inc(b.in);
          this.labels(transport, 'out').inc(b.out);
        }
      },
    });
    registerProcessMetrics(this.registry, options.defaultMetrics === true);
  }

  /** Count `n` messages handed to clients of `transport` (the per-delivery path). */
  countDelivered(transport: Transport, n: number): void {
    this.#delivered[transport] += n;
  }

  /** Count one message accepted by this instance. */
  countPublished(): void {
    this.#published++;
  }

  /** Start metering a new connection; `wire`: its TCP socket when `socket` is a TLSSocket (its own counts are plaintext). */
  track(socket: Socket, wire: Metered['wire'] = socket): void {
    this.#sockets.set(socket, { transport: 'http', read: 0, written: 0, wire });
    // One listener shared by every socket (`this` is the socket), not a closure and once()
    // wrapper per connection: those were ~250 B of heap per idle connection.
    socket.on('close', this.#onSocketClose);
  }

  #untrack(socket: Socket): void {
    const metered = this.#sockets.get(socket);
    if (metered === undefined) return;
    this.#flush(metered);
    this.#sockets.delete(socket);
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
    let byRoute = this.#requestCounts.get(transport);
    if (byRoute === undefined) {
      byRoute = new Map();
      this.#requestCounts.set(transport, byRoute);
    }
    let byStatus = byRoute.get(route);
    if (byStatus === undefined) {
      byStatus = new Map();
      byRoute.set(route, byStatus);
    }
    const count = byStatus.get(status);
    if (count === undefined) byStatus.set(status, { transport, route, status: String(status), n: 1 });
    else count.n++;
  }

  #collectRequests(counter: Counter<'transport' | 'route' | 'status'>): void {
    counter.reset();
    for (const byRoute of this.#requestCounts.values()) {
      for (const byStatus of byRoute.values()) for (const c of byStatus.values()) counter.labels(c.transport, c.route, c.status).inc(c.n);
    }
  }

  #flush(metered: Metered): void {
    const read = metered.wire.bytesRead;
    const written = metered.wire.bytesWritten;
    let counted = this.#bytes.get(metered.transport);
    if (counted === undefined) {
      counted = { in: 0, out: 0 };
      this.#bytes.set(metered.transport, counted);
    }
    if (read > metered.read) counted.in += read - metered.read;
    if (written > metered.written) counted.out += written - metered.written;
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
