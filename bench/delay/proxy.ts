/**
 * The delay proxy: a TCP relay that holds every chunk for RTT/2 (± jitter, after serialization
 * at the bandwidth) in each direction, in order, per connection. It is transport-blind (bytes
 * in, bytes out), so HTTP polls, WebSocket upgrades and frames, SSE streams, Socket.IO and TLS
 * records all cross the same path. A fresh connection's first client bytes also wait one RTT:
 * the SYN/SYN-ACK a real path would charge before the client can send.
 *
 * Timing: Node timers fire on whole milliseconds and often late, which at 2 × 50 ms per round
 * trip would bias the path by ~1–2 ms. So each queue sleeps on a timer until ~1.5 ms before its
 * head is due, then checks on setImmediate until it is: a short spin per release, paid in the
 * proxy's own CPU (measured and reported), bought for an accuracy the calibration demands.
 */
import { createServer, connect, type Server, type Socket } from 'node:net';
import { OneWayLink, type PathSpec } from './link.ts';

/** How early the coarse timer wakes before a release, ms (then setImmediate polls). */
const SPIN_MS = 1.5;

type Item = { at: number; chunk: Buffer } | { at: number; end: true };

/** One direction's queue: releases items to `out` at their time, in order. */
class DelayQueue {
  readonly #items: Item[] = [];
  #head = 0;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #spinning = false;
  readonly #out: Socket;

  constructor(out: Socket) {
    this.#out = out;
  }

  push(item: Item): void {
    this.#items.push(item);
    if (this.#items.length - this.#head === 1) this.#arm();
  }

  clear(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#items.length = 0;
    this.#head = 0;
  }

  #arm(): void {
    const next = this.#items[this.#head];
    if (next === undefined || this.#timer !== undefined || this.#spinning) return;
    const wait = next.at - performance.now() - SPIN_MS;
    if (wait > 0) {
      this.#timer = setTimeout(() => {
        this.#timer = undefined;
        this.#flush();
      }, wait);
    } else this.#flush();
  }

  #flush(): void {
    const now = performance.now();
    while (this.#head < this.#items.length) {
      const item = this.#items[this.#head] as Item;
      if (item.at > now) break;
      this.#head++;
      if (this.#out.destroyed) continue;
      if ('end' in item) this.#out.end();
      else this.#out.write(item.chunk);
    }
    if (this.#head === this.#items.length) {
      this.#items.length = 0;
      this.#head = 0;
      this.#spinning = false;
      return;
    }
    const next = this.#items[this.#head] as Item;
    if (next.at - performance.now() > SPIN_MS) {
      this.#spinning = false;
      this.#arm();
    } else {
      this.#spinning = true;
      setImmediate(() => this.#flush());
    }
  }
}

/** Relay bytes from `from` to `to` across `link`, ends included. */
function pipeDelayed(from: Socket, to: Socket, link: OneWayLink): DelayQueue {
  const queue = new DelayQueue(to);
  from.on('data', (chunk: Buffer) => queue.push({ at: link.releaseAt(performance.now(), chunk.length), chunk }));
  from.on('end', () => queue.push({ at: link.releaseAt(performance.now(), 0), end: true }));
  return queue;
}

export interface DelayProxy {
  /** One local port per target, same order. */
  ports: number[];
  /** Connections accepted so far. */
  connections(): number;
  close(): Promise<void>;
}

/** `targets` as host:port; listens on 127.0.0.1, one ephemeral port per target. */
export async function startDelayProxy(targets: readonly string[], spec: PathSpec, random: () => number = Math.random): Promise<DelayProxy> {
  const servers: Server[] = [];
  const sockets = new Set<Socket>();
  let accepted = 0;
  for (const target of targets) {
    const colon = target.lastIndexOf(':');
    const host = target.slice(0, colon).replace(/^\[|\]$/g, '');
    const port = Number(target.slice(colon + 1));
    const server = createServer({ allowHalfOpen: true }, (client) => {
      accepted++;
      const acceptedAt = performance.now();
      const upstream = connect({ host, port, allowHalfOpen: true });
      client.setNoDelay(true);
      upstream.setNoDelay(true);
      sockets.add(client);
      sockets.add(upstream);
      // The client's first bytes wait out the handshake's round trip (see the file comment).
      const up = pipeDelayed(client, upstream, new OneWayLink(spec, random, acceptedAt + spec.rttMs));
      const down = pipeDelayed(upstream, client, new OneWayLink(spec, random));
      // A reset or error ends both sides at once: what is lost in flight is lost, as on a real path.
      const kill = (): void => {
        up.clear();
        down.clear();
        client.destroy();
        upstream.destroy();
        sockets.delete(client);
        sockets.delete(upstream);
      };
      client.once('error', kill);
      upstream.once('error', kill);
      let closed = 0;
      const onClose = (): void => {
        closed++;
        if (closed === 2) kill();
      };
      client.once('close', onClose);
      upstream.once('close', onClose);
    });
    await new Promise<void>((resolve, reject) => server.once('error', reject).listen(0, '127.0.0.1', () => resolve()));
    servers.push(server);
  }
  return {
    ports: servers.map((s) => {
      const a = s.address();
      return typeof a === 'object' && a !== null ? a.port : 0;
    }),
    connections: () => accepted,
    async close() {
      for (const s of sockets) s.destroy();
      await Promise.all(servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
    },
  };
}
