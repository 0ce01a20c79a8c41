/**
 * The lean load clients' HTTP/1.1 (bench/harness/worker/lean-http.ts, lean-http-head.ts)
 * against a raw TCP server on port 0 that answers with canned bytes: a response whole in one
 * read, dribbled a byte at a time, chunked, over the 64 KiB shared read buffer, closing the
 * connection; a server that hangs up or answers garbage; and what goes up (head and body in
 * one write). The head reader is checked at every cut point of a head.
 */
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { head, INCOMPLETE, MALFORMED, readHead } from '../bench/harness/worker/lean-http-head.ts';
import { LeanPool, requestHead, type HttpHandler } from '../bench/harness/worker/lean-http.ts';
import { until } from './helpers/until.ts';

/** What a raw server saw: its connections and each request's bytes as one string per data event. */
interface Raw {
  port: number;
  connections: number;
  writes: string[];
  close(): Promise<void>;
}

/** A server that answers each request (each data event) with `answer(i, socket)`. */
async function rawServer(answer: (i: number, socket: net.Socket) => void): Promise<Raw> {
  const raw: Raw = { port: 0, connections: 0, writes: [], close: async () => {} };
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    raw.connections++;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('data', (chunk) => {
      raw.writes.push(chunk.toString('latin1'));
      answer(raw.writes.length - 1, socket);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  raw.port = (server.address() as net.AddressInfo).port;
  raw.close = () => {
    for (const s of sockets) s.destroy();
    return new Promise((r) => server.close(() => r()));
  };
  return raw;
}

/** A handler that keeps a copy of what it got (the body buffer is reused after the call). */
function recorder(): HttpHandler & { got: { status: number; body: string; sent: number; received: number }[]; errors: string[] } {
  const r = {
    got: [] as { status: number; body: string; sent: number; received: number }[],
    errors: [] as string[],
    response(status: number, b: Buffer, start: number, end: number, sent: number, received: number) {
      r.got.push({ status, body: b.toString('utf8', start, end), sent, received });
    },
    failed(error: Error) {
      r.errors.push(error.message);
    },
  };
  return r;
}

const response = (body: string): string => `HTTP/1.1 200 OK\r\ncontent-type: application/json; charset=utf-8\r\ncontent-length: ${Buffer.byteLength(body)}\r\ncache-control: no-store\r\nDate: Sat, 28 Nov 2026 02:27:28 GMT\r\nConnection: keep-alive\r\nKeep-Alive: timeout=5\r\n\r\n${body}`;
const GET = (path: string): string => requestHead('GET', path, '', '127.0.0.1', undefined);

/** A pool and a recorder against `port`; `get` sends GET `path` and waits for its outcome (answer or failure). */
function client(port: number) {
  const pool = new LeanPool();
  const h = recorder();
  const get = async (path: string, timeoutMs = 5000): Promise<void> => {
    const before = h.got.length + h.errors.length;
    pool.acquire('127.0.0.1', port).send(GET(path), undefined, h, timeoutMs);
    await until(() => h.got.length + h.errors.length > before, `the outcome of ${path}`);
  };
  return { pool, h, get };
}

let server: Raw | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('lean-http', () => {
  it('reads a response whole in one read and reuses the connection for the next request', async () => {
    const body = '{"messages":[],"cursor":3}';
    server = await rawServer((_, s) => s.write(response(body)));
    const { h, get } = client(server.port);
    await get('/a');
    await get('/b');
    expect(h.got[0]).toEqual({ status: 200, body, sent: GET('/a').length, received: Buffer.byteLength(response(body)) });
    expect(server.connections).toBe(1);
    expect(server.writes).toEqual([GET('/a'), GET('/b')]);
  });

  it('gathers a response dribbled one byte per read, and one over the 64 KiB read buffer', async () => {
    const small = '{"é":"ü"}';
    const large = `{"x":"${'y'.repeat(200_000)}"}`;
    server = await rawServer((i, s) => {
      const bytes = Buffer.from(response(i === 0 ? small : large));
      if (i > 0) return void s.write(bytes);
      let at = 0;
      const next = (): void => {
        if (at < bytes.length) s.write(bytes.subarray(at, ++at), () => setTimeout(next, 1));
      };
      next();
    });
    const { h, get } = client(server.port);
    await get('/dribble', 10_000);
    await get('/large', 10_000);
    expect(h.got.map((g) => g.body)).toEqual([small, large]);
    expect(h.got[1]?.received).toBe(Buffer.byteLength(response(large)));
    expect(h.errors).toEqual([]);
  });

  it('reads a chunked body, and closes a connection the server says to close', async () => {
    server = await rawServer((i, s) => {
      if (i === 0) s.write('HTTP/1.1 201 Created\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n');
      else s.write('HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}');
    });
    const { pool, h, get } = client(server.port);
    await get('/chunked');
    const c = pool.acquire('127.0.0.1', server.port);
    c.send(GET('/close'), undefined, h, 5000);
    await until(() => h.got.length === 2 && c.socket.destroyed, 'the closing answer');
    expect(h.got.map((g) => [g.status, g.body])).toEqual([[201, 'abcde'], [200, '{}']]);
    // The closed connection is not handed out again.
    expect(pool.acquire('127.0.0.1', server.port)).not.toBe(c);
    await until(() => server?.connections === 2, 'a new connection');
  });

  it('fails the exchange when the server hangs up or answers garbage, never answers it twice', async () => {
    server = await rawServer((i, s) => {
      if (i === 0) s.destroy();
      else s.write('SPDY/9 nonsense\r\n\r\n');
    });
    const { h, get } = client(server.port);
    await get('/hangup');
    await get('/garbage');
    expect(h.errors).toEqual(['socket hang up', 'malformed HTTP response']);
    expect(h.got).toEqual([]);
  });

  it('fails an exchange past its deadline at the next once-a-second sweep', async () => {
    server = await rawServer(() => {});
    const { h, get } = client(server.port);
    const started = Date.now();
    await get('/silence', 100);
    expect(h.errors).toEqual(['no answer in time']);
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it('writes head and body in one write, as node:http does', async () => {
    server = await rawServer((_, s) => s.write(response('{}')));
    const pool = new LeanPool();
    const h = recorder();
    const body = '{"nick":"zoë"}';
    const requestBytes = requestHead('POST', '/lp/sessions', 'content-type: application/json\r\n', '127.0.0.1', body);
    pool.acquire('127.0.0.1', server.port).send(requestBytes, body, h, 5000);
    await until(() => h.got.length === 1, 'the answer');
    expect(server.writes).toEqual([requestBytes + Buffer.from(body).toString('latin1')]);
    expect(h.got[0]?.sent).toBe(requestBytes.length + Buffer.byteLength(body));
  });
});

describe('readHead', () => {
  it('answers INCOMPLETE at every cut of a head, and the body start once whole', () => {
    const whole = Buffer.from(response('{"a":1}'));
    const bodyStart = whole.indexOf('\r\n\r\n') + 4;
    for (let n = 0; n < bodyStart; n++) expect(readHead(whole, n)).toBe(INCOMPLETE);
    expect(readHead(whole, bodyStart)).toBe(bodyStart);
    expect(head).toEqual({ status: 200, length: 7, chunked: false, close: false });
  });

  it('reads names in any case and values after spaces; refuses a bad length or status line', () => {
    const b = Buffer.from('HTTP/1.1 404 Not Found\r\nCONTENT-LENGTH:   12\r\nconnection:close\r\n\r\n');
    expect(readHead(b, b.length)).toBe(b.length);
    expect(head).toEqual({ status: 404, length: 12, chunked: false, close: true });
    const bad = Buffer.from('HTTP/1.1 200 OK\r\nContent-Length: x\r\n\r\n');
    expect(readHead(bad, bad.length)).toBe(MALFORMED);
    const notHttp = Buffer.from('http/1.1 200 OK\r\n\r\n');
    expect(readHead(notHttp, notHttp.length)).toBe(MALFORMED);
  });

  it('never reads past the valid bytes of a reused buffer', () => {
    // Stale bytes after n (a previous, longer read) must not complete the head.
    const stale = Buffer.from('HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\n{}');
    expect(readHead(stale, 20)).toBe(INCOMPLETE);
  });
});
