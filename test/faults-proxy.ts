/**
 * A TCP proxy on loopback that breaks things on demand, between real clients and a real
 * server: cut every connection, refuse connections for a while, lose the answer to a
 * request (the server sends it, the client never gets it), swallow a stretch of a stream
 * before cutting it, or cut a connection in the middle of what the server is sending.
 *
 *   const proxy = await faultProxy(server.port);
 *   createClient('websocket', { baseUrl: proxy.url, … });
 *   proxy.cut();
 */
import net from 'node:net';

interface Pair {
  client: net.Socket;
  server: net.Socket;
  /** Answers from the server are swallowed and the pair cut at the next server data. */
  loseNext: boolean;
  /** Server data is dropped (and the pair cut when the stretch ends). */
  swallowing: boolean;
  /** At the next server data, pass on only its first half, then cut: a message torn in two. */
  tearNext: boolean;
}

export interface FaultProxy {
  readonly port: number;
  readonly url: string;
  /** Connections cut so far, answers lost so far. */
  readonly stats: { cuts: number; lost: number; accepted: number; torn: number };
  /** Destroy every open connection, both sides, now. */
  cut(): void;
  /** While on, open connections are cut and new ones closed at once. */
  block(on: boolean): void;
  /** Lose the answers to the next `count` requests whose request line matches `pattern`. */
  loseResponses(pattern: RegExp, count: number): void;
  /** Drop everything the server sends on open connections for `ms`, then cut them. */
  swallowThenCut(ms: number): void;
  /** Cut each open connection in the middle of the next data the server sends on it. */
  tearNext(): void;
  close(): Promise<void>;
}

export async function faultProxy(targetPort: number): Promise<FaultProxy> {
  const pairs = new Set<Pair>();
  const stats = { cuts: 0, lost: 0, accepted: 0, torn: 0 };
  let blocked = false;
  let lose: { pattern: RegExp; count: number } | undefined;

  const destroy = (pair: Pair): void => {
    if (!pairs.delete(pair)) return;
    pair.client.destroy();
    pair.server.destroy();
  };

  const server = net.createServer((client) => {
    client.on('error', () => {});
    if (blocked) {
      client.destroy();
      return;
    }
    stats.accepted++;
    const upstream = net.connect(targetPort, '127.0.0.1');
    upstream.on('error', () => {});
    const pair: Pair = { client, server: upstream, loseNext: false, swallowing: false, tearNext: false };
    pairs.add(pair);
    client.on('data', (chunk: Buffer) => {
      if (lose !== undefined && lose.count > 0) {
        const line = chunk.toString('latin1', 0, Math.min(chunk.length, 512)).split('\r\n')[0] ?? '';
        if (lose.pattern.test(line)) {
          lose.count--;
          pair.loseNext = true;
        }
      }
      upstream.write(chunk);
    });
    upstream.on('data', (chunk: Buffer) => {
      if (pair.loseNext) {
        // The server has answered; the client will never see it.
        stats.lost++;
        destroy(pair);
        return;
      }
      if (pair.tearNext && chunk.length > 1) {
        stats.torn++;
        stats.cuts++;
        client.write(chunk.subarray(0, chunk.length >> 1), () => destroy(pair));
        return;
      }
      if (!pair.swallowing) client.write(chunk);
    });
    client.on('close', () => destroy(pair));
    upstream.on('close', () => destroy(pair));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;

  const cut = (): void => {
    for (const pair of [...pairs]) {
      stats.cuts++;
      destroy(pair);
    }
  };

  return {
    port,
    url: `http://127.0.0.1:${port}`,
    stats,
    cut,
    block(on) {
      blocked = on;
      if (on) cut();
    },
    loseResponses(pattern, count) {
      lose = { pattern, count };
    },
    swallowThenCut(ms) {
      const victims = [...pairs];
      for (const pair of victims) pair.swallowing = true;
      setTimeout(() => {
        for (const pair of victims) {
          if (pairs.has(pair)) stats.cuts++;
          destroy(pair);
        }
      }, ms);
    },
    tearNext() {
      for (const pair of pairs) pair.tearNext = true;
    },
    async close() {
      cut();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
