/**
 * Just enough `/metrics` for a bare baseline server, hand-written so the baseline carries no
 * prom-client cost: bytes counted on the sockets (the scrapes' own sockets excluded, as the
 * pushlab server excludes its `http`-labelled ones), requests by route, heap, event-loop delay.
 * CPU and RSS the bench reads from /proc itself.
 */
import type { Server, IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { monitorEventLoopDelay } from 'node:perf_hooks';

export class BaselineMetrics {
  readonly #transport: string;
  readonly #sockets = new Set<Socket>();
  readonly #scrapeSockets = new WeakSet<Socket>();
  #closedIn = 0;
  #closedOut = 0;
  readonly #requests = new Map<string, number>();
  readonly #eld = monitorEventLoopDelay({ resolution: 10 });

  constructor(server: Server, transport: string) {
    this.#transport = transport;
    this.#eld.enable();
    server.on('connection', (socket: Socket) => {
      this.#sockets.add(socket);
      socket.once('close', () => {
        this.#sockets.delete(socket);
        if (this.#scrapeSockets.has(socket)) return;
        this.#closedIn += socket.bytesRead;
        this.#closedOut += socket.bytesWritten;
      });
    });
  }

  count(route: string, status: number): void {
    const key = `${route}\u0000${status}`;
    this.#requests.set(key, (this.#requests.get(key) ?? 0) + 1);
  }

  /** Serve GET /metrics; returns true when it did. */
  handle(req: IncomingMessage, res: ServerResponse): boolean {
    if (req.url !== '/metrics') return false;
    this.#scrapeSockets.add(req.socket);
    let bytesIn = this.#closedIn;
    let bytesOut = this.#closedOut;
    for (const s of this.#sockets) {
      if (this.#scrapeSockets.has(s)) continue;
      bytesIn += s.bytesRead;
      bytesOut += s.bytesWritten;
    }
    const t = this.#transport;
    const lines = [
      `pushlab_bytes_total{transport="${t}",direction="in"} ${bytesIn}`,
      `pushlab_bytes_total{transport="${t}",direction="out"} ${bytesOut}`,
      ...[...this.#requests].map(([key, n]) => {
        const [route, status] = key.split('\u0000') as [string, string];
        return `pushlab_http_requests_total{transport="${t}",route="${route}",status="${status}"} ${n}`;
      }),
      `nodejs_heap_size_used_bytes ${process.memoryUsage().heapUsed}`,
      `nodejs_eventloop_lag_p99_seconds ${(this.#eld.percentile(99) || 0) / 1e9}`,
    ];
    this.#eld.reset();
    this.count('/metrics', 200);
    res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' });
    res.end(lines.join('\n') + '\n');
    return true;
  }
}

/** `--port N` and `--hold-ms N` from argv (the baselines take nothing else). */
export function argInt(argv: string[], flag: string, fallback: number): number {
  const i = argv.indexOf(flag);
  const n = i < 0 ? NaN : Number(argv[i + 1]);
  return Number.isSafeInteger(n) && n >= 0 ? n : fallback;
}

/** SIGTERM/SIGINT: close and exit 0, like `pushlab serve`. */
export function exitOnSignal(server: Server, beforeClose: () => void = () => {}): void {
  const stop = (): void => {
    beforeClose();
    server.close(() => process.exit(0));
    server.closeAllConnections();
    setTimeout(() => process.exit(0), 2000).unref();
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}
