/**
 * `--compression`: permessage-deflate on the WebSocket and gzip on JSON answers, with the
 * protocol's rules intact: a deflate bomb is refused (ws applies maxPayload after inflation:
 * 1009), bad input still gets the catalog's error, a stalled compressing reader is still cut
 * 1013, and the server declines compression when the option is off.
 */
import { gunzipSync, deflateRawSync } from 'node:zlib';
import http from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startServer, type TestServer } from './helpers/server.ts';
import { until } from './helpers/until.ts';

const servers: TestServer[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await s.close();
});
async function server(options: Parameters<typeof startServer>[0]): Promise<TestServer> {
  const t = await startServer(options);
  servers.push(t);
  return t;
}

function open(t: TestServer, query: string, deflate = true): Promise<{ ws: WebSocket; frames: Record<string, unknown>[]; closed: Promise<number> }> {
  const ws = new WebSocket(`ws://127.0.0.1:${t.port}/ws?${query}`, { perMessageDeflate: deflate, maxPayload: 64 * 1024 * 1024 });
  const frames: Record<string, unknown>[] = [];
  ws.on('message', (d: Buffer) => frames.push(JSON.parse(d.toString()) as Record<string, unknown>));
  const closed = new Promise<number>((resolve) => ws.once('close', (code: number) => resolve(code)));
  return new Promise((resolve, reject) => ws.once('open', () => resolve({ ws, frames, closed })).once('error', reject));
}

function get(url: string, headers: Record<string, string>): Promise<{ headers: http.IncomingHttpHeaders; body: Buffer }> {
  return new Promise((resolve, reject) => {
    http.get(url, { headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ headers: res.headers, body: Buffer.concat(chunks) }));
    }).on('error', reject);
  });
}

describe('permessage-deflate', () => {
  it('is negotiated with --compression and declined without', async () => {
    const on = await server({ compression: true });
    const a = await open(on, 'nick=a');
    expect(a.ws.extensions).toMatch(/permessage-deflate/);
    a.ws.close();
    const off = await server({});
    const b = await open(off, 'nick=b');
    expect(b.ws.extensions).toBe('');
    b.ws.close();
  });

  it('refuses a deflate bomb: 8 MB inflating from a few KB is cut 1009, and the server serves on', async () => {
    const t = await server({ compression: true });
    const bomb = await open(t, 'nick=bomb');
    // 8 MiB of zeros deflates to ~8 KB: far under maxFrameBytes on the wire, far over it inflated.
    const text = JSON.stringify({ type: 'send', room: 'r', text: '0'.repeat(8 * 1024 * 1024), ref: 'b' });
    expect(deflateRawSync(text).length).toBeLessThan(t.server.options.maxFrameBytes);
    bomb.ws.send(text, { compress: true });
    expect(await bomb.closed).toBe(1009);
    const next = await open(t, 'nick=after&rooms=r');
    next.ws.send(JSON.stringify({ type: 'send', room: 'r', text: 'still here', ref: 'x' }));
    await until(() => next.frames.some((f) => f.type === 'ack'), 'ack after the bomb');
    next.ws.close();
  });

  it('answers bad input with the catalog error, compressed, and keeps the connection', async () => {
    const t = await server({ compression: true });
    const c = await open(t, 'nick=c');
    c.ws.send(JSON.stringify({ type: 'send', room: 'bad room!', text: 'x'.repeat(500), ref: 'q' }), { compress: true });
    await until(() => c.frames.some((f) => f.type === 'error'), 'an error frame');
    expect(c.frames.find((f) => f.type === 'error')).toMatchObject({ code: 'invalid_room' });
    expect(c.ws.readyState).toBe(WebSocket.OPEN);
    c.ws.close();
  });

  it('still cuts a stalled reader 1013 once its unsent data passes maxBufferedBytes', async () => {
    const t = await server({ compression: true, maxBufferedBytes: 256 * 1024 });
    const stalled = await open(t, 'nick=stalled&rooms=fire');
    await until(() => stalled.frames.length > 0, 'joined');
    (stalled.ws as unknown as { _socket: import('node:net').Socket })._socket.pause();
    const sender = await open(t, 'nick=s', false);
    // Random text does not compress: 40 MB really is 40 MB after deflate.
    const chunk = Array.from({ length: 16 * 1024 }, () => String.fromCharCode(33 + Math.floor(Math.random() * 90))).join('');
    for (let i = 0; i < 400; i++) sender.ws.send(JSON.stringify({ type: 'send', room: 'fire', text: chunk, ref: `m${i}` }));
    await until(() => t.server.websocket?.size === 1, 'the stalled reader dropped', 20_000);
    (stalled.ws as unknown as { _socket: import('node:net').Socket })._socket.resume();
    expect(await stalled.closed).toBe(1013);
    sender.ws.close();
  }, 30_000);
});

describe('gzip on JSON answers', () => {
  it('gzips a history page for a client that accepts it, and not for one that does not', async () => {
    const t = await server({ compression: true });
    for (let i = 0; i < 5; i++) {
      await fetch(`${t.url}/rooms/g/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ from: 'n', text: `hello number ${i} `.repeat(10) }) });
    }
    const zipped = await get(`${t.url}/rooms/g/messages?after=0`, { 'accept-encoding': 'gzip, deflate, br' });
    expect(zipped.headers['content-encoding']).toBe('gzip');
    const text = gunzipSync(zipped.body).toString();
    const plain = await get(`${t.url}/rooms/g/messages?after=0`, {});
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(text).toBe(plain.body.toString());
    expect(zipped.body.length).toBeLessThan(plain.body.length / 2);
    // Without --compression nothing is gzipped.
    const off = await server({});
    expect((await get(`${off.url}/health`, { 'accept-encoding': 'gzip' })).headers['content-encoding']).toBeUndefined();
  });
});
