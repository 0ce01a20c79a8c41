/**
 * The Node EventSource (clients/node/event-source.ts) against a bare node:http server on port 0:
 * named events, `retry:`, reconnect with Last-Event-ID when the stream ends or is cut, giving
 * up (CLOSED) on a refusal with the body kept, wire bytes and requests counted.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { cutEventSource, nodeEventSource } from '../clients/node/event-source.ts';
import type { EventSourceLike } from '../clients/platform.ts';
import { until } from './helpers/until.ts';

let server: http.Server | undefined;
let source: EventSourceLike | undefined;
afterEach(async () => {
  source?.close();
  server?.closeAllConnections();
  await new Promise<void>((resolve) => (server === undefined ? resolve() : server.close(() => resolve())));
  server = undefined;
});

/** A server whose n-th GET (from 0) is answered by `answer(n, req, res)`. */
async function serve(answer: (n: number, req: http.IncomingMessage, res: http.ServerResponse) => void): Promise<{ url: string; seen: http.IncomingHttpHeaders[] }> {
  const seen: http.IncomingHttpHeaders[] = [];
  server = http.createServer((req, res) => {
    seen.push(req.headers);
    answer(seen.length - 1, req, res);
  });
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/sse`, seen };
}

const stream = (res: http.ServerResponse, body: string, end: boolean): void => {
  res.writeHead(200, { 'content-type': 'text/event-stream' });
  if (end) res.end(body);
  else res.write(body);
};

describe('Node EventSource', () => {
  it('dispatches named events, reconnects after retry: with Last-Event-ID when the stream ends', async () => {
    const { url, seen } = await serve((n, _req, res) => stream(res, n === 0 ? 'retry: 30\n\nevent: joined\ndata: {"room":"a"}\nid: a:0\n\nid: a:1\nevent: message\ndata: one\n\n' : 'id: a:2\nevent: message\ndata: two\n\n', n === 0));
    const got: string[] = [];
    const states: string[] = [];
    source = nodeEventSource.open(url, { authorization: 'Bearer t' });
    source.onopen = () => states.push('open');
    source.onerror = () => states.push(`error:${source?.readyState}`);
    source.addEventListener('joined', (e) => got.push(`joined ${String(e.data)}`));
    source.addEventListener('message', (e) => got.push(String(e.data)));
    await until(() => got.length === 3, 'three events');
    expect(got).toEqual(['joined {"room":"a"}', 'one', 'two']);
    expect(states).toEqual(['open', 'error:0', 'open']);
    expect(seen[0]?.['last-event-id']).toBeUndefined();
    expect(seen[0]?.authorization).toBe('Bearer t');
    expect(seen[0]?.accept).toBe('text/event-stream');
    expect(seen[1]?.['last-event-id']).toBe('a:1');
    const stats = nodeEventSource.stats?.(source);
    expect(stats?.requests).toBe(2);
    expect(stats?.received).toBeGreaterThan(100);
    expect(stats?.sent).toBeGreaterThan(50);
  });

  it('a cut connection reconnects with the last id', async () => {
    const { url, seen } = await serve((n, _req, res) => stream(res, n === 0 ? 'retry: 20\n\nid: r:5\nevent: message\ndata: five\n\n' : '', false));
    const got: string[] = [];
    source = nodeEventSource.open(url, {});
    source.addEventListener('message', (e) => got.push(String(e.data)));
    await until(() => got.length === 1, 'the first event');
    cutEventSource(source);
    await until(() => seen.length === 2, 'the reconnect');
    expect(seen[1]?.['last-event-id']).toBe('r:5');
  });

  it('gives up on a refusal (CLOSED, no reconnect) and keeps the answer for the client', async () => {
    const body = '{"error":{"code":"invalid_room","message":"nope"}}';
    const { url, seen } = await serve((_n, _req, res) => res.writeHead(400, { 'content-type': 'application/json' }).end(body));
    let errors = 0;
    source = nodeEventSource.open(url, {});
    source.onerror = () => errors++;
    await until(() => errors === 1, 'the error');
    expect(source.readyState).toBe(2);
    expect(nodeEventSource.refusal?.(source)).toEqual({ status: 400, text: body });
    await new Promise((r) => setTimeout(r, 100));
    expect(seen).toHaveLength(1);
  });

  it('close() stops it for good', async () => {
    const { url, seen } = await serve((_n, _req, res) => stream(res, 'retry: 150\n\n', true));
    source = nodeEventSource.open(url, {});
    await until(() => seen.length === 1, 'the first request');
    source.close();
    // Past the 150 ms retry: no second request.
    await new Promise((r) => setTimeout(r, 400));
    expect(seen).toHaveLength(1);
    expect(source.readyState).toBe(2);
  });
});
