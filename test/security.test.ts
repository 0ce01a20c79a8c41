/**
 * Security: the Origin rule on WebSocket upgrades, no permissive CORS, token auth on every
 * transport (the nick comes from the token), the publish rate limit, the session and
 * connection caps, the demo page's headers, unguessable session ids, and `pushlab token`.
 */
import { execFile } from 'node:child_process';
import net from 'node:net';
import { promisify } from 'node:util';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createClient } from '../clients/index.ts';
import { TRANSPORTS, type ChatMessage } from '../protocol/types.ts';
import { mintToken } from '../servers/http/auth.ts';
import { RateLimiter } from '../servers/http/rate-limit.ts';
import { expectCatalogError, rawHttp } from './battery-raw.ts';
import { startServer, type TestServer } from './helpers/server.ts';
import { until } from './helpers/until.ts';

const SECRET = 'test-secret-0123456789';

/** Try a WebSocket upgrade; resolves with 101 or the refusal's status and body. */
function upgrade(url: string, query: string, headers: Record<string, string> = {}): Promise<{ status: number; body: string; ws?: WebSocket }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${url.replace(/^http/, 'ws')}/ws?${query}`, { headers });
    ws.once('open', () => resolve({ status: 101, body: '', ws }));
    ws.once('unexpected-response', (_req, res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    ws.once('error', (error) => {
      if (ws.readyState !== WebSocket.CLOSED) reject(error);
    });
  });
}

describe('Origin rule and CORS', () => {
  let t: TestServer;
  let listed: TestServer;
  beforeAll(async () => {
    t = await startServer();
    listed = await startServer({ allowedOrigins: ['https://chat.example'] });
  });
  afterAll(async () => {
    await t.close();
    await listed.close();
  });

  it.each([
    ['no Origin (a non-browser client)', undefined, 101],
    ['http://localhost:5173', 'http://localhost:5173', 101],
    ['http://127.0.0.1:9', 'http://127.0.0.1:9', 101],
    ['http://[::1]:8080', 'http://[::1]:8080', 101],
    ['https://evil.example', 'https://evil.example', 403],
    ['http://localhost.evil.example', 'http://localhost.evil.example', 403],
    ['null', 'null', 403],
    ['file://', 'file://', 403],
  ])('default rule: %s → %s', async (_name, origin, status) => {
    const answer = await upgrade(t.url, 'nick=o', origin === undefined ? {} : { origin });
    expect(answer.status).toBe(status);
    if (status === 403) expectCatalogError(answer.status, answer.body, 'forbidden_origin');
    answer.ws?.close();
  });

  it("the server's own origin (Origin host = Host) is allowed", async () => {
    const answer = await upgrade(t.url, 'nick=o', { origin: 'http://chat.internal:8080', host: 'chat.internal:8080' });
    expect(answer.status).toBe(101);
    answer.ws?.close();
  });

  it('--allowed-origins replaces the default: the listed origin in, localhost out', async () => {
    const ok = await upgrade(listed.url, 'nick=o', { origin: 'https://chat.example' });
    expect(ok.status).toBe(101);
    ok.ws?.close();
    const local = await upgrade(listed.url, 'nick=o', { origin: 'http://localhost:3000' });
    expectCatalogError(local.status, local.body, 'forbidden_origin');
  });

  it('the HTTP API sends no CORS headers, and answers a preflight with no allowance', async () => {
    const res = await fetch(`${t.url}/rooms/lobby/messages?after=0`, { headers: { origin: 'https://evil.example' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
    const preflight = await fetch(`${t.url}/rooms/lobby/messages`, {
      method: 'OPTIONS',
      headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' },
    });
    expect(preflight.status).toBeGreaterThanOrEqual(400);
    expect(preflight.headers.get('access-control-allow-origin')).toBeNull();
    expect(preflight.headers.get('access-control-allow-methods')).toBeNull();
  });

  it('the demo page carries its security headers', async () => {
    const res = await fetch(`${t.url}/`);
    expect(res.status).toBe(200);
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain('unsafe-inline');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('referrer-policy')).toBe('no-referrer');
    expect(res.headers.get('x-powered-by')).toBeNull();
  });

  it('session ids are 144 crypto-random bits (24 base64url characters), never repeated', async () => {
    const ids = new Set<string>();
    for (let i = 0; i < 200; i++) {
      const res = await fetch(`${t.url}/lp/sessions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ nick: `s${i}` }) });
      const { session } = (await res.json()) as { session: string };
      expect(session).toMatch(/^[A-Za-z0-9_-]{24}$/);
      ids.add(session);
      await fetch(`${t.url}/lp/sessions/${session}`, { method: 'DELETE' });
    }
    expect(ids.size).toBe(200);
  });
});

describe('token auth (--token-secret)', () => {
  let t: TestServer;
  let alice: string;
  let bob: string;
  beforeAll(async () => {
    t = await startServer({ tokenSecret: SECRET, holdMs: 500 });
    alice = await mintToken(SECRET, 'alice', 3600);
    bob = await mintToken(SECRET, 'bob', 3600);
  });
  afterAll(async () => {
    await t.close();
  });

  const bearer = (token: string): Record<string, string> => ({ authorization: `Bearer ${token}` });
  const publish = (headers: Record<string, string>, body: unknown = { from: 'mallory', text: 'hi' }): Promise<Response> =>
    fetch(`${t.url}/rooms/lobby/messages`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });

  async function expect401(res: Response): Promise<void> {
    expectCatalogError(res.status, await res.text(), 'unauthorized');
    expect(res.headers.get('www-authenticate')).toMatch(/^Bearer/);
  }

  it('refuses a missing, malformed, forged, expired, unsigned or nick-less token with 401 unauthorized', async () => {
    const now = Math.floor(Date.now() / 1000);
    const key = new TextEncoder().encode(SECRET);
    const expired = await new SignJWT({ nick: 'alice' }).setProtectedHeader({ alg: 'HS256' }).setExpirationTime(now - 10).sign(key);
    const forged = await mintToken('another-secret-0123456789', 'alice', 3600);
    const noNick = await new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setExpirationTime(now + 60).sign(key);
    const badNick = await new SignJWT({ nick: 'a\u0000b' }).setProtectedHeader({ alg: 'HS256' }).sign(key);
    const hs512 = await new SignJWT({ nick: 'alice' }).setProtectedHeader({ alg: 'HS512' }).sign(new TextEncoder().encode(SECRET.repeat(4)));
    const unsigned = `${Buffer.from('{"alg":"none","typ":"JWT"}').toString('base64url')}.${Buffer.from('{"nick":"alice"}').toString('base64url')}.`;
    await expect401(await publish({}));
    for (const header of ['Bearer', 'Basic YWxpY2U6cHc=', `Bearer ${alice}x`, `Bearer ${forged}`, `Bearer ${expired}`, `Bearer ${noNick}`, `Bearer ${badNick}`, `Bearer ${hs512}`, `Bearer ${unsigned}`, 'Bearer a.b.c']) {
      await expect401(await publish({ authorization: header }));
    }
  });

  it('guards every API route over HTTP, and leaves /health, /metrics and /config open', async () => {
    for (const [method, path] of [
      ['GET', '/rooms/lobby/messages?after=0'],
      ['POST', '/lp/sessions'],
      ['GET', '/lp/sessions/x/poll?cursor=0'],
      ['POST', '/lp/sessions/x/rooms/lobby'],
      ['DELETE', '/lp/sessions/x/rooms/lobby'],
      ['DELETE', '/lp/sessions/x'],
    ] as const) {
      await expect401(await fetch(t.url + path, { method }));
    }
    for (const path of ['/health', '/metrics', '/config']) expect((await fetch(t.url + path)).status).toBe(200);
  });

  it('the nick is the token’s: publish `from` and session `nick` are overridden', async () => {
    const res = await publish(bearer(alice), { from: 'mallory', text: 'signed' });
    expect(res.status).toBe(201);
    const { seq } = (await res.json()) as { seq: number };
    const page = (await (await fetch(`${t.url}/rooms/lobby/messages?after=${seq - 1}`, { headers: bearer(bob) })).json()) as { messages: ChatMessage[] };
    expect(page.messages[0]).toMatchObject({ seq, from: 'alice', text: 'signed' });
    // `from` may be left out altogether when a token names the sender.
    expect((await publish(bearer(alice), { text: 'no from' })).status).toBe(201);

    const created = await fetch(`${t.url}/lp/sessions`, { method: 'POST', headers: { ...bearer(alice), 'content-type': 'application/json' }, body: JSON.stringify({ nick: 'mallory', rooms: ['lobby'] }) });
    expect(created.status).toBe(201);
    const { session } = (await created.json()) as { session: string };
    expect(t.server.sessions.get(session).nick).toBe('alice');
    // Someone else's token cannot use alice's session, even knowing its id.
    await expect401(await fetch(`${t.url}/lp/sessions/${session}/poll?cursor=0`, { headers: bearer(bob) }));
    expect((await fetch(`${t.url}/lp/sessions/${session}/poll?cursor=0`, { headers: bearer(alice) })).status).toBe(200);
  });

  it('the WebSocket upgrade needs ?token= (or the header): refused 401 without, nick from the token with', async () => {
    const none = await upgrade(t.url, 'nick=alice&rooms=lobby');
    expectCatalogError(none.status, none.body, 'unauthorized');
    const bad = await upgrade(t.url, `nick=alice&rooms=lobby&token=${alice}x`);
    expectCatalogError(bad.status, bad.body, 'unauthorized');

    const ok = await upgrade(t.url, `nick=mallory&rooms=ws-auth&token=${encodeURIComponent(alice)}`);
    expect(ok.status).toBe(101);
    const frames: Record<string, unknown>[] = [];
    ok.ws?.on('message', (d) => frames.push(JSON.parse(String(d)) as Record<string, unknown>));
    ok.ws?.send(JSON.stringify({ type: 'send', room: 'ws-auth', text: 'via ws', ref: 'r1' }));
    await until(() => frames.some((f) => f.type === 'message'), 'the message');
    expect((frames.find((f) => f.type === 'message')?.message as ChatMessage).from).toBe('alice');
    ok.ws?.close();

    const header = await upgrade(t.url, 'rooms=lobby', bearer(bob));
    expect(header.status).toBe(101);
    header.ws?.close();
  });

  it('the Node clients carry the token on every transport', async () => {
    const room = 'tokens';
    const clients = await Promise.all(
      TRANSPORTS.map(async (transport) => {
        const token = await mintToken(SECRET, `user-${transport}`, 600);
        const client = createClient(transport, { baseUrl: t.url, nick: 'ignored', token, pollIntervalMs: 50 });
        const got: ChatMessage[] = [];
        client.on('message', (m) => got.push(m));
        await client.connect();
        await client.join(room);
        return { transport, client, got };
      }),
    );
    for (const c of clients) await c.client.send(room, `from ${c.transport}`);
    await until(() => clients.every((c) => c.got.length >= TRANSPORTS.length), 'every client to get every message');
    for (const c of clients) expect(c.got.map((m) => m.from).sort()).toEqual(TRANSPORTS.map((tr) => `user-${tr}`).sort());
    for (const c of clients) await c.client.close();
  });

  it('`pushlab token` mints a token the server accepts', async () => {
    const run = promisify(execFile);
    const { stdout } = await run(process.execPath, ['bin/pushlab.js', 'token', '--secret', SECRET, '--nick', 'carol', '--ttl', '1h']);
    const token = stdout.trim();
    const res = await publish(bearer(token), { text: 'minted' });
    expect(res.status).toBe(201);
    await expect(run(process.execPath, ['bin/pushlab.js', 'token', '--secret', '', '--nick', 'carol'])).rejects.toMatchObject({ code: 2 });
  });
});

describe('limits', () => {
  it('a per-client publish rate limit: 429 rate_limited with Retry-After over HTTP, an error frame over WebSocket, others unaffected', async () => {
    const t = await startServer({ rateLimit: 5, tokenSecret: SECRET });
    try {
      const alice = await mintToken(SECRET, 'alice', 600);
      const bob = await mintToken(SECRET, 'bob', 600);
      const statuses: number[] = [];
      let limited: Response | undefined;
      for (let i = 0; i < 12; i++) {
        const res = await fetch(`${t.url}/rooms/lobby/messages`, { method: 'POST', headers: { authorization: `Bearer ${alice}`, 'content-type': 'application/json' }, body: JSON.stringify({ text: `a${i}` }) });
        statuses.push(res.status);
        if (res.status === 429) limited = res;
        else await res.text();
      }
      expect(statuses.filter((s) => s === 201).length).toBeGreaterThanOrEqual(5);
      expect(statuses).toContain(429);
      expect(limited?.headers.get('retry-after')).toMatch(/^[1-9]\d*$/);
      expectCatalogError(429, await (limited as Response).text(), 'rate_limited');
      // Bob has his own bucket.
      expect((await fetch(`${t.url}/rooms/lobby/messages`, { method: 'POST', headers: { authorization: `Bearer ${bob}`, 'content-type': 'application/json' }, body: JSON.stringify({ text: 'b' }) })).status).toBe(201);

      const ws = await upgrade(t.url, `rooms=lobby&token=${encodeURIComponent(bob)}`);
      const frames: Record<string, unknown>[] = [];
      ws.ws?.on('message', (d) => frames.push(JSON.parse(String(d)) as Record<string, unknown>));
      for (let i = 0; i < 12; i++) ws.ws?.send(JSON.stringify({ type: 'send', room: 'lobby', text: `w${i}`, ref: `r${i}` }));
      await until(() => frames.filter((f) => f.type === 'ack' || f.type === 'error').length >= 12, 'every send answered');
      const errors = frames.filter((f) => f.type === 'error');
      expect(errors.length).toBeGreaterThan(0);
      expect(errors.every((f) => f.code === 'rate_limited' && typeof f.ref === 'string')).toBe(true);
      expect(ws.ws?.readyState).toBe(WebSocket.OPEN);
      ws.ws?.close();
    } finally {
      await t.close();
    }
  });

  it('the rate limiter keeps its bucket map bounded and forgets idle clients', () => {
    let now = 0;
    const limiter = new RateLimiter(10, { maxKeys: 100, now: () => now });
    for (let i = 0; i < 10_000; i++) limiter.take(`client-${i}`);
    expect(limiter.size).toBeLessThanOrEqual(100);
    // Idle long enough to be full again: dropped as new clients arrive.
    now += 2000;
    for (let i = 0; i < 60; i++) limiter.take(`new-${i}`);
    expect(limiter.size).toBeLessThanOrEqual(100 - 60 + 60);
    // A burst of 10, then one every 100 ms.
    const fresh = new RateLimiter(10, { now: () => now });
    for (let i = 0; i < 10; i++) expect(fresh.take('x')).toBe(0);
    expect(fresh.take('x')).toBeGreaterThan(0);
    now += 100;
    expect(fresh.take('x')).toBe(0);
  });

  it('maxSessions: past it, session creation is refused with 429 rate_limited', async () => {
    const t = await startServer({ maxSessions: 2 });
    try {
      for (let i = 0; i < 2; i++) expect((await fetch(`${t.url}/lp/sessions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ nick: `n${i}` }) })).status).toBe(201);
      const third = await fetch(`${t.url}/lp/sessions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ nick: 'n3' }) });
      expectCatalogError(third.status, await third.text(), 'rate_limited');
    } finally {
      await t.close();
    }
  });

  it('maxConnections: sockets past it are dropped at once; the server serves again when they go', async () => {
    const t = await startServer({ maxConnections: 2 });
    try {
      const open = await Promise.all([0, 1].map(() => new Promise<net.Socket>((resolve) => {
        const s = net.connect(t.port, '127.0.0.1', () => resolve(s));
      })));
      await until(() => t.server.metrics.socketCount === 2, 'two tracked sockets');
      const refused = await rawHttp(t.port, [`GET /health HTTP/1.1\r\nHost: x\r\n\r\n`]);
      expect(refused.status).toBe(0);
      expect(refused.closed).toBe(true);
      for (const s of open) s.destroy();
      await until(() => t.server.metrics.socketCount === 0, 'the sockets to go');
      const served = await rawHttp(t.port, [`GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`]);
      expect(served.status).toBe(200);
    } finally {
      await t.close();
    }
  });
});
