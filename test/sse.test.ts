/**
 * The Server-Sent Events endpoint, read raw off the wire: the head, `retry:`, `joined` before
 * anything else, message ids that name every room of the stream, resume by Last-Event-ID
 * (winning over `after`) with no gap and no duplicate, gaps, pings, the error catalog before
 * the stream starts, token auth, the slow-consumer bound, metrics and shutdown.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { mintToken } from '../servers/http/auth.ts';
import { connectClient, errorCode, http, serversPerTest, type TestServer } from './helpers/server.ts';
import { until } from './helpers/until.ts';
import { openStream, type RawStream } from './helpers/sse.ts';

const server = serversPerTest();
let streams: RawStream[] = [];
afterEach(() => {
  for (const s of streams) s.close();
  streams = [];
});

async function stream(t: TestServer, query: string, headers: Record<string, string> = {}): Promise<RawStream> {
  const s = await openStream(t.url, query, headers);
  streams.push(s);
  return s;
}

async function publish(t: TestServer, room: string, text: string): Promise<number> {
  const answer = await http(`${t.url}/rooms/${room}/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ from: 'pub', text }) });
  expect(answer.status).toBe(201);
  return (answer.json as { seq: number }).seq;
}

const joinedCount = (s: RawStream): number => s.blocks().filter((b) => b.event === 'joined').length;

describe('the stream', () => {
  it('answers text/event-stream, no-cache, unbuffered; retry first, one joined per room before anything, then messages with room:seq ids', async () => {
    const t = await server();
    for (let i = 0; i < 3; i++) await publish(t, 'lobby', `old${i}`);
    const s = await stream(t, 'nick=a&rooms=lobby,dev');
    expect(s.status).toBe(200);
    expect(s.headers['content-type']).toBe('text/event-stream');
    expect(s.headers['cache-control']).toBe('no-cache');
    expect(s.headers['x-accel-buffering']).toBe('no');
    await until(() => joinedCount(s) === 2, 'both joined events');
    // A message over any transport reaches the stream: here one from a WebSocket client.
    const ws = await connectClient('websocket', t.url, 'wsuser', []);
    await ws.client.send('lobby', 'from ws');
    await publish(t, 'dev', 'from http');
    await until(() => s.messages().length === 2, 'both messages');
    expect(s.text().startsWith('retry: 1000\n\n')).toBe(true);
    const blocks = s.blocks();
    expect(blocks[0]?.fields).toEqual([['retry', '1000']]);
    expect(blocks.slice(1, 3).map((b) => [b.event, JSON.parse(b.data ?? '')])).toEqual([
      ['joined', { room: 'lobby', last: 3 }],
      ['joined', { room: 'dev', last: 0 }],
    ]);
    const messages = blocks.filter((b) => b.event === 'message');
    expect(messages.map((b) => b.id)).toEqual(['lobby:4,dev:0', 'lobby:4,dev:1']);
    // One data line each, the message JSON as every transport delivers it.
    for (const b of messages) expect(b.fields.filter(([name]) => name === 'data')).toHaveLength(1);
    expect(s.messages().map((m) => [m.room, m.seq, m.text])).toEqual([
      ['lobby', 4, 'from ws'],
      ['dev', 1, 'from http'],
    ]);
    await ws.client.close();
  });

  it('a one-room stream has ids like lobby:7; reconnecting with Last-Event-ID: lobby:5 replays 6, 7 in order, then live, no duplicate', async () => {
    const t = await server();
    const first = await stream(t, 'nick=a&rooms=lobby');
    await until(() => joinedCount(first) === 1, 'joined');
    for (let i = 1; i <= 7; i++) await publish(t, 'lobby', `m${i}`);
    await until(() => first.messages().length === 7, 'seven messages');
    expect(first.blocks().filter((b) => b.event === 'message').map((b) => b.id)).toEqual(['lobby:1', 'lobby:2', 'lobby:3', 'lobby:4', 'lobby:5', 'lobby:6', 'lobby:7']);
    // The header wins over the query's `after`.
    const again = await stream(t, 'nick=a&rooms=lobby&after=lobby:1', { 'last-event-id': 'lobby:5' });
    await until(() => again.messages().length === 2, 'the replay');
    await publish(t, 'lobby', 'm8');
    await until(() => again.messages().length === 3, 'the live message');
    // A sentinel after it on the same stream: a duplicate would be in before it.
    await publish(t, 'lobby', 'm9');
    await until(() => again.messages().some((m) => m.seq === 9), 'the sentinel');
    expect(again.messages().map((m) => m.seq)).toEqual([6, 7, 8, 9]);
    expect(JSON.parse(again.blocks()[1]?.data ?? '')).toEqual({ room: 'lobby', last: 7 });
  });

  it('resumes every room of a stream from its own position, with `after` alone', async () => {
    const t = await server();
    for (let i = 1; i <= 4; i++) await publish(t, 'a', `a${i}`);
    for (let i = 1; i <= 3; i++) await publish(t, 'b', `b${i}`);
    const s = await stream(t, 'nick=x&rooms=a,b&after=a:2,b:3');
    await until(() => s.messages().length === 2, 'the replay of a');
    expect(s.messages().map((m) => `${m.room}${m.seq}`)).toEqual(['a3', 'a4']);
    expect(s.blocks().filter((b) => b.event === 'message').map((b) => b.id)).toEqual(['a:3,b:3', 'a:4,b:3']);
  });

  it('a stream cut before its first message resumes from its joined id: nothing sent in between is lost', async () => {
    const t = await server();
    await publish(t, 'lobby', 'before');
    const s = await stream(t, 'nick=a&rooms=lobby');
    await until(() => joinedCount(s) === 1, 'joined');
    const id = s.blocks()[1]?.id;
    expect(id).toBe('lobby:1');
    s.close();
    await publish(t, 'lobby', 'while away');
    const back = await stream(t, 'nick=a&rooms=lobby', { 'last-event-id': id ?? '' });
    await until(() => back.messages().length === 1, 'the message sent while away');
    expect(back.messages()[0]?.text).toBe('while away');
  });

  it('says `gap` with the first seq history no longer holds, then replays what it keeps', async () => {
    const t = await server({ historySize: 3 });
    for (let i = 1; i <= 6; i++) await publish(t, 'lobby', `m${i}`);
    const s = await stream(t, 'nick=a&rooms=lobby&after=lobby:1');
    await until(() => s.messages().length === 3, 'the kept history');
    const events = s.blocks().slice(1).map((b) => b.event);
    expect(events).toEqual(['joined', 'gap', 'message', 'message', 'message']);
    expect(JSON.parse(s.blocks()[2]?.data ?? '')).toEqual({ room: 'lobby', first: 2 });
    expect(s.messages().map((m) => m.seq)).toEqual([4, 5, 6]);
  });

  it('a position past the room newest (its history restarted) replays the room from its start', async () => {
    const t = await server();
    await publish(t, 'lobby', 'fresh1');
    await publish(t, 'lobby', 'fresh2');
    const s = await stream(t, 'nick=a&rooms=lobby', { 'last-event-id': 'lobby:500' });
    await until(() => s.messages().length === 2, 'the new history');
    expect(s.messages().map((m) => m.text)).toEqual(['fresh1', 'fresh2']);
  });

  it('sends `: ping` comments every pingIntervalMs', async () => {
    const t = await server({ pingIntervalMs: 50 });
    const s = await stream(t, 'nick=a&rooms=lobby');
    await until(() => s.blocks().filter((b) => b.raw === ': ping').length >= 3, 'three pings');
  });
});

describe('refusals before the stream starts use the error catalog', () => {
  it.each([
    ['nick=a&rooms=bad!room', 400, 'invalid_room'],
    ['nick=a', 400, 'invalid_room'],
    ['nick=a&rooms=', 400, 'invalid_room'],
    ['rooms=lobby', 400, 'invalid_nick'],
    ['nick=a&rooms=lobby&after=lobby:-1', 400, 'invalid_cursor'],
    ['nick=a&rooms=lobby&after=lobby', 400, 'invalid_cursor'],
    ['nick=a&rooms=lobby&after=bad!:3', 400, 'invalid_cursor'],
  ])('%s → %i %s', async (query, status, code) => {
    const t = await server();
    const answer = await http(`${t.url}/sse?${query}`);
    expect(answer.status).toBe(status);
    expect(errorCode(answer)).toBe(code);
  });

  it('a malformed Last-Event-ID is 400 invalid_cursor; a foreign Origin 403; another method 405', async () => {
    const t = await server();
    const bad = await http(`${t.url}/sse?nick=a&rooms=lobby`, { headers: { 'last-event-id': 'garbage' } });
    expect([bad.status, errorCode(bad)]).toEqual([400, 'invalid_cursor']);
    const foreign = await http(`${t.url}/sse?nick=a&rooms=lobby`, { headers: { origin: 'https://evil.example' } });
    expect([foreign.status, errorCode(foreign)]).toEqual([403, 'forbidden_origin']);
    const post = await http(`${t.url}/sse?nick=a&rooms=lobby`, { method: 'POST', body: '{}' });
    expect([post.status, errorCode(post), post.headers.get('allow')]).toEqual([405, 'method_not_allowed', 'GET']);
    const local = await stream(t, 'nick=a&rooms=lobby', { origin: 'http://localhost:5173' });
    expect(local.status).toBe(200);
  });

  it('a stream naming more rooms than --max-rooms is 400 invalid_room; at the cap it opens', async () => {
    const t = await server({ maxRoomsPerClient: 3 });
    const over = await http(`${t.url}/sse?nick=a&rooms=r1,r2,r3,r4`);
    expect([over.status, errorCode(over)]).toEqual([400, 'invalid_room']);
    const atCap = await stream(t, 'nick=a&rooms=r1,r2,r3');
    expect(atCap.status).toBe(200);
  });

  it('with token auth: none is 401, ?token= or the Authorization header opens the stream', async () => {
    const secret = 'a-secret-of-sixteen-chars';
    const t = await server({ tokenSecret: secret });
    const none = await http(`${t.url}/sse?nick=a&rooms=lobby`);
    expect([none.status, errorCode(none)]).toEqual([401, 'unauthorized']);
    const token = await mintToken(secret, 'alice', 60);
    const byQuery = await stream(t, `rooms=lobby&token=${token}`);
    const byHeader = await stream(t, 'rooms=lobby', { authorization: `Bearer ${token}` });
    expect([byQuery.status, byHeader.status]).toEqual([200, 200]);
  });
});

describe('bounds, metrics, shutdown', () => {
  it('closes a stream whose unsent data passes maxBufferedBytes; a reader that keeps up gets everything', { timeout: 60_000 }, async () => {
    const t = await server({ maxBufferedBytes: 1024 * 1024 });
    const stalled = await stream(t, 'nick=slow&rooms=hose');
    await until(() => joinedCount(stalled) === 1, 'joined');
    stalled.socket.pause();
    const reader = await connectClient('sse', t.url, 'reader', ['hose']);
    // Loopback socket buffers absorb a few MB before the server sees any backlog: send up to 40 MB.
    const text = 'x'.repeat(16 * 1024);
    let sent = 0;
    while (t.server.core.members('hose') === 2 && sent < 2560) {
      await t.server.core.publish('hose', { from: 'pub', text });
      sent++;
      if (sent % 16 === 0) await until(() => reader.messages.length >= sent, 'the reader to keep up');
    }
    expect(t.server.core.members('hose'), 'the stalled stream was never dropped').toBe(1);
    for (let i = 0; i < 10; i++) await t.server.core.publish('hose', { from: 'pub', text });
    sent += 10;
    stalled.socket.resume();
    await stalled.ended;
    await until(() => reader.messages.length === sent, 'every message at the reader');
    // What the stalled stream did get ends on a whole event, so it resumes from its last id.
    expect(stalled.messages().length).toBeLessThan(sent);
    await reader.client.close();
  });

  it('/metrics counts the transport as sse: open connections, deliveries, requests, bytes', async () => {
    const t = await server();
    const s = await stream(t, 'nick=a&rooms=lobby');
    await until(() => joinedCount(s) === 1, 'joined');
    await publish(t, 'lobby', 'counted');
    await until(() => s.messages().length === 1, 'the message');
    const metrics = (await http(`${t.url}/metrics`)).text;
    expect(metrics).toMatch(/pushlab_open_connections\{transport="sse"\} 1/);
    expect(metrics).toMatch(/pushlab_messages_delivered_total\{transport="sse"\} 1/);
    expect(metrics).toMatch(/pushlab_bytes_total\{transport="sse",direction="out"\} [1-9]/);
    s.close();
    await until(() => t.server.core.members('lobby') === 0, 'the stream to leave');
    const after = (await http(`${t.url}/metrics`)).text;
    expect(after).toMatch(/pushlab_http_requests_total\{transport="sse",route="\/sse",status="\d+"\} 1/);
  });

  it('a graceful shutdown ends every stream', async () => {
    const t = await server();
    const s = await stream(t, 'nick=a&rooms=lobby');
    await until(() => joinedCount(s) === 1, 'joined');
    const done = t.server.shutdown();
    await s.ended;
    await done;
    expect(t.server.sse?.size).toBe(0);
  });

  it('serves nothing at /sse when the transport is off', async () => {
    const t = await server({ transports: ['websocket'] });
    const answer = await http(`${t.url}/sse?nick=a&rooms=lobby`);
    expect([answer.status, errorCode(answer)]).toEqual([404, 'not_found']);
  });
});
