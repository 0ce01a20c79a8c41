/**
 * The bad-input battery: everything a broken or hostile client can send, over every
 * transport, while observers on every transport follow a steady stream of messages in
 * another room. Every bad input gets the protocol's error (an HTTP status + JSON body in the
 * catalog, an `error` frame, or the close code; an event stream refused before it starts), never
 * a 5xx or a stack trace; and at the
 * end the observers have every message of the stream, in order, once: nobody else lost
 * anything.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { isErrorCode } from '../protocol/errors.ts';
import { TRANSPORTS } from '../protocol/types.ts';
import { connectClient, openSocket, startServer, type RawSocket, type Recorded, type TestServer } from './helpers/server.ts';
import { until } from './helpers/until.ts';
import { expectCatalogError, rawHttp, rawWebSocket, request, type RawAnswer } from './battery-raw.ts';
import { openStream } from './helpers/sse.ts';

const MAX_MESSAGE_BYTES = 1000;
const HEADERS_TIMEOUT_MS = 1000;
const REQUEST_TIMEOUT_MS = 1500;

let t: TestServer;
let observers: Recorded[] = [];
let publishing = true;
let published = 0;
let publisher: Promise<void>;

beforeAll(async () => {
  t = await startServer({
    maxMessageBytes: MAX_MESSAGE_BYTES,
    headersTimeoutMs: HEADERS_TIMEOUT_MS,
    requestTimeoutMs: REQUEST_TIMEOUT_MS,
    holdMs: 1000,
    historySize: 100_000,
  });
  observers = [];
  for (const transport of TRANSPORTS) observers.push(await connectClient(transport, t.url, `watch-${transport}`, ['steady']));
  const sender = await connectClient('websocket', t.url, 'steady-sender', []);
  // A steady stream through the whole battery: it must arrive whole at every observer.
  publisher = (async () => {
    while (publishing) {
      await sender.client.send('steady', `m${published + 1}`);
      published++;
      await new Promise((r) => setTimeout(r, 15));
    }
    await sender.client.close();
  })();
});

afterAll(async () => {
  publishing = false;
  await publisher;
  for (const o of observers) await o.client.close();
  await t?.close();
});

/** Send raw bytes, expect a catalog error with `code` (and check the body has no internals). */
async function expectHttp(parts: (string | Buffer)[], code: string, options?: { gapMs?: number }): Promise<RawAnswer> {
  const answer = await rawHttp(t.port, parts, options);
  expectCatalogError(answer.status, answer.body, code);
  return answer;
}

const post = (path: string, body: string | Buffer, headers?: Record<string, string>): Buffer => request('POST', path, t.port, body, headers);
const get = (path: string): Buffer => request('GET', path, t.port);

describe('HTTP: bodies', () => {
  const publish = '/rooms/lobby/messages';
  it.each([
    ['malformed JSON', '{"from":"a","text":', 'invalid_json'],
    ['not JSON at all', 'hello', 'invalid_json'],
    ['an empty body', '', 'invalid_json'],
    ['a JSON array', '[]', 'invalid_json'],
    ['a JSON string', '"hi"', 'invalid_json'],
    ['a JSON number', '42', 'invalid_json'],
    ['JSON null', 'null', 'invalid_json'],
    ['from of the wrong type', '{"from":1,"text":"x"}', 'invalid_nick'],
    ['from missing', '{"text":"x"}', 'invalid_nick'],
    ['text of the wrong type', '{"from":"a","text":1}', 'invalid_message'],
    ['text missing', '{"from":"a"}', 'invalid_message'],
    ['empty text', '{"from":"a","text":""}', 'invalid_message'],
    ['text over the limit', JSON.stringify({ from: 'a', text: 'x'.repeat(MAX_MESSAGE_BYTES + 1) }), 'payload_too_large'],
    ['multi-byte text over the limit in bytes', JSON.stringify({ from: 'a', text: 'é'.repeat(MAX_MESSAGE_BYTES / 2 + 1) }), 'payload_too_large'],
    ['sentAt a string', '{"from":"a","text":"x","sentAt":"now"}', 'invalid_message'],
    ['sentAt null', '{"from":"a","text":"x","sentAt":null}', 'invalid_message'],
    ['a NUL in the nick', JSON.stringify({ from: 'a\u0000b', text: 'x' }), 'invalid_nick'],
    ['a newline in the nick', JSON.stringify({ from: 'a\nb', text: 'x' }), 'invalid_nick'],
    ['a C1 control in the nick', JSON.stringify({ from: 'a\u0085', text: 'x' }), 'invalid_nick'],
    ['DEL in the nick', JSON.stringify({ from: 'a\u007f', text: 'x' }), 'invalid_nick'],
    ['an empty nick', JSON.stringify({ from: '', text: 'x' }), 'invalid_nick'],
    ['a 33-character nick', JSON.stringify({ from: 'n'.repeat(33), text: 'x' }), 'invalid_nick'],
  ])('publish with %s → %s', async (_name, body, code) => {
    await expectHttp([post(publish, body)], code);
  });

  it('publish with invalid UTF-8 → invalid_json', async () => {
    const body = Buffer.concat([Buffer.from('{"from":"a","text":"'), Buffer.from([0xc3, 0x28, 0xff, 0xfe]), Buffer.from('"}')]);
    await expectHttp([post(publish, body)], 'invalid_json');
  });

  it.each([
    ['malformed JSON', '{', 'invalid_json'],
    ['an empty body (no nick)', '', 'invalid_nick'],
    ['nick of the wrong type', '{"nick":5}', 'invalid_nick'],
    ['a control character in the nick', JSON.stringify({ nick: 'bad\u001bnick' }), 'invalid_nick'],
    ['rooms not a list', '{"nick":"a","rooms":"lobby"}', 'invalid_room'],
    ['a room breaking the rule', '{"nick":"a","rooms":["bad room"]}', 'invalid_room'],
    ['a room of the wrong type', '{"nick":"a","rooms":[1]}', 'invalid_room'],
    ['a path trick as a room', '{"nick":"a","rooms":["../etc"]}', 'invalid_room'],
    ['after not an object', '{"nick":"a","rooms":["lobby"],"after":[]}', 'invalid_cursor'],
    ['a negative after', '{"nick":"a","rooms":["lobby"],"after":{"lobby":-1}}', 'invalid_cursor'],
    ['a fractional after', '{"nick":"a","rooms":["lobby"],"after":{"lobby":1.5}}', 'invalid_cursor'],
    ['an after over 2^53', '{"nick":"a","rooms":["lobby"],"after":{"lobby":9007199254740993}}', 'invalid_cursor'],
    ['a string after', '{"nick":"a","rooms":["lobby"],"after":{"lobby":"3"}}', 'invalid_cursor'],
    ['after naming a bad room', '{"nick":"a","rooms":["lobby"],"after":{"bad room":1}}', 'invalid_room'],
  ])('session create with %s → %s', async (_name, body, code) => {
    await expectHttp([post('/lp/sessions', body)], code);
  });
});

describe('HTTP: rooms, path tricks and cursors', () => {
  it.each([
    ['/rooms/-abc/messages', 'invalid_room'],
    ['/rooms/a.b/messages', 'invalid_room'],
    ['/rooms/%2e%2e/messages', 'invalid_room'],
    ['/rooms/..%2fetc/messages', 'invalid_room'],
    ['/rooms/..%5c..%5cwindows/messages', 'invalid_room'],
    ['/rooms/a%00/messages', 'invalid_room'],
    ['/rooms/%E0%A4%A/messages', 'invalid_room'],
    ['/rooms/%F0%9F%98%80/messages', 'invalid_room'],
    [`/rooms/${'r'.repeat(65)}/messages`, 'invalid_room'],
    ['/rooms/../health', 'not_found'],
    ['/rooms/lobby/messages/../../../etc/passwd', 'not_found'],
    ['//rooms/lobby/messages', 'not_found'],
    ['/rooms//messages', 'not_found'],
    ['/rooms/lobby/messages?after=-1', 'invalid_cursor'],
    ['/rooms/lobby/messages?after=abc', 'invalid_cursor'],
    ['/rooms/lobby/messages?after=1.5', 'invalid_cursor'],
    ['/rooms/lobby/messages?after=1e3', 'invalid_cursor'],
    ['/rooms/lobby/messages?after=0x10', 'invalid_cursor'],
    ['/rooms/lobby/messages?after=', 'invalid_cursor'],
    ['/rooms/lobby/messages?after=99999999999999999999', 'invalid_cursor'],
    ['/rooms/lobby/messages?after=9007199254740993', 'invalid_cursor'],
    ['/rooms/lobby/messages?limit=-5', 'invalid_cursor'],
    ['/rooms/lobby/messages?limit=many', 'invalid_cursor'],
  ])('GET %s → %s', async (path, code) => {
    await expectHttp([get(path)], code);
  });

  it('a publish to a room that breaks the rule → invalid_room', async () => {
    await expectHttp([post('/rooms/no%20spaces/messages', '{"from":"a","text":"x"}')], 'invalid_room');
  });
});

describe('HTTP: sessions', () => {
  it.each([
    ['GET', '/lp/sessions/nope/poll', 'unknown_session'],
    ['GET', '/lp/sessions/AAAAAAAAAAAAAAAAAAAAAAAA/poll?cursor=0', 'unknown_session'],
    ['POST', '/lp/sessions/nope/rooms/lobby', 'unknown_session'],
    ['DELETE', '/lp/sessions/nope/rooms/lobby', 'unknown_session'],
    ['DELETE', '/lp/sessions/nope', 'unknown_session'],
  ])('%s %s → %s', async (method, path, code) => {
    await expectHttp([request(method, path, t.port)], code);
  });

  it('a real session refuses bad cursors, rooms and bodies, and keeps working', async () => {
    const created = await rawHttp(t.port, [post('/lp/sessions', '{"nick":"s","rooms":["lobby"]}')]);
    expect(created.status).toBe(201);
    const { session } = JSON.parse(created.body) as { session: string };
    await expectHttp([get(`/lp/sessions/${session}/poll?cursor=5`)], 'invalid_cursor');
    await expectHttp([get(`/lp/sessions/${session}/poll?cursor=-1`)], 'invalid_cursor');
    await expectHttp([get(`/lp/sessions/${session}/poll?cursor=x`)], 'invalid_cursor');
    await expectHttp([post(`/lp/sessions/${session}/rooms/bad%20room`, '')], 'invalid_room');
    await expectHttp([post(`/lp/sessions/${session}/rooms/dev`, '{"after":"x"}')], 'invalid_cursor');
    await expectHttp([post(`/lp/sessions/${session}/rooms/dev`, '[')], 'invalid_json');
    await expectHttp([request('DELETE', `/lp/sessions/${session}/rooms/..`, t.port)], 'invalid_room');
    const joined = await rawHttp(t.port, [post(`/lp/sessions/${session}/rooms/dev`, '')]);
    expect(joined.status).toBe(200);
    const deleted = await rawHttp(t.port, [request('DELETE', `/lp/sessions/${session}`, t.port)]);
    expect(deleted.status).toBe(204);
  });
});

describe('HTTP: routes and methods', () => {
  it.each([
    ['GET', '/nope', 'not_found'],
    ['GET', '/rooms', 'not_found'],
    ['GET', '/rooms/lobby', 'not_found'],
    ['POST', '/lp', 'not_found'],
    ['GET', '/ws', 'not_found'],
    ['GET', '/%', 'not_found'],
  ])('%s %s → %s', async (method, path, code) => {
    await expectHttp([request(method, path, t.port)], code);
  });

  it.each([
    ['PUT', '/rooms/lobby/messages', 'GET, POST'],
    ['DELETE', '/rooms/lobby/messages', 'GET, POST'],
    ['DELETE', '/health', 'GET'],
    ['POST', '/metrics', 'GET'],
    ['GET', '/lp/sessions', 'POST'],
    ['PATCH', '/lp/sessions/x/poll', 'GET'],
    ['POST', '/sse?nick=a&rooms=lobby', 'GET'],
    ['DELETE', '/sse', 'GET'],
  ])('%s %s → 405 method_not_allowed with Allow: %s', async (method, path, allow) => {
    const answer = await expectHttp([request(method, path, t.port)], 'method_not_allowed');
    expect((answer.headers.allow ?? '').split(', ').sort()).toEqual(allow.split(', ').sort());
  });

  it('an unknown HTTP method → 400 in the catalog', async () => {
    await expectHttp([Buffer.from(`FROB /health HTTP/1.1\r\nHost: x\r\n\r\n`)], 'invalid_json');
  });
});

describe('HTTP: framing, sizes and time', () => {
  it('a body over the limit (Content-Length) → 413 and the connection closes, its body never read as a request', async () => {
    // The "body" is a request of its own: it must not be answered.
    const smuggled = 'GET /health HTTP/1.1\r\nHost: x\r\n\r\n';
    const head = `POST /rooms/lobby/messages HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 50000\r\n\r\n`;
    const answer = await expectHttp([head + smuggled], 'payload_too_large');
    expect(answer.closed).toBe(true);
    expect(answer.body).not.toContain('HTTP/1.1 200');
  });

  it('a chunked body over the limit → 413', async () => {
    const chunk = 'x'.repeat(4000);
    const body = `{"from":"a","text":"${chunk}${chunk}${chunk}"}`;
    const chunked = `${body.length.toString(16)}\r\n${body}\r\n0\r\n\r\n`;
    const answer = await expectHttp([post('/rooms/lobby/messages', chunked, { 'transfer-encoding': 'chunked' })], 'payload_too_large');
    expect(answer.closed).toBe(true);
  });

  it('an absurd Content-Length → 413 at once', async () => {
    await expectHttp([`POST /rooms/lobby/messages HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 99999999999999\r\n\r\n{`], 'payload_too_large');
  });

  it.each([
    ['a Content-Length past 2^64', 'Content-Length: 999999999999999999999999'],
    ['a negative Content-Length', 'Content-Length: -1'],
    ['a non-numeric Content-Length', 'Content-Length: lots'],
    ['two different Content-Lengths', 'Content-Length: 1\r\nContent-Length: 2'],
    ['Content-Length and chunked together', 'Content-Length: 3\r\nTransfer-Encoding: chunked'],
  ])('%s → a 4xx in the catalog', async (_name, header) => {
    const answer = await rawHttp(t.port, [`POST /rooms/lobby/messages HTTP/1.1\r\nHost: x\r\n${header}\r\n\r\n{}`]);
    expectCatalogError(answer.status, answer.body);
  });

  it.each([
    ['a chunk size that is not hex', 'zz\r\n{}\r\n0\r\n\r\n'],
    ['a chunk longer than its size', '2\r\n{"from"}\r\n0\r\n\r\n'],
    ['a chunk with no CRLF after it', '2\r\n{}XX0\r\n\r\n'],
  ])('broken chunked encoding (%s) → 400 in the catalog', async (_name, body) => {
    const head = `POST /rooms/lobby/messages HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n`;
    const answer = await rawHttp(t.port, [head + body]);
    expectCatalogError(answer.status, answer.body);
    expect(answer.status).toBe(400);
  });

  it('one huge header → 413 in the catalog', async () => {
    await expectHttp([`GET /health HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`], 'payload_too_large');
  });

  it('a flood of headers → 413 in the catalog', async () => {
    const flood = Array.from({ length: 3000 }, (_, i) => `X-H${i}: v`).join('\r\n');
    await expectHttp([`GET /health HTTP/1.1\r\nHost: x\r\n${flood}\r\n\r\n`], 'payload_too_large');
  });

  it('headers that trickle in past the headers timeout are cut off (408 request_timeout or closed)', async () => {
    const head = `POST /rooms/lobby/messages HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nX-Slow: ${'s'.repeat(40)}\r\n\r\n`;
    const started = Date.now();
    const answer = await rawHttp(t.port, head.match(/.{1,4}/gs) ?? [], { gapMs: 100, timeoutMs: 10_000 });
    expect(answer.closed).toBe(true);
    if (answer.status !== 0) expectCatalogError(answer.status, answer.body, 'request_timeout');
    // Cut near the bound, not after the whole trickle (~2.5 s) or node's default 30 s check.
    expect(Date.now() - started).toBeLessThan(HEADERS_TIMEOUT_MS + 1500);
  });

  it('a body that trickles in past the request timeout is cut off (408 request_timeout or closed)', async () => {
    const body = JSON.stringify({ from: 'slow', text: 'x'.repeat(60) });
    const head = `POST /rooms/lobby/messages HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n`;
    const started = Date.now();
    const answer = await rawHttp(t.port, [head, ...(body.match(/.{1,2}/gs) ?? [])], { gapMs: 100, timeoutMs: 10_000 });
    expect(answer.closed).toBe(true);
    if (answer.status !== 0) expectCatalogError(answer.status, answer.body, 'request_timeout');
    expect(Date.now() - started).toBeLessThan(REQUEST_TIMEOUT_MS + 1500);
  });
});

describe('WebSocket: frames', () => {
  let s: RawSocket;
  beforeAll(async () => {
    s = await openSocket(t.url, 'nick=frames&rooms=lobby');
    await until(() => s.frames.some((f) => f.type === 'joined'), 'joined');
  });
  afterAll(() => s.ws.close());

  const errorsSoFar = (): Record<string, unknown>[] => s.frames.filter((f) => f.type === 'error');

  it.each([
    ['not JSON', 'hello', 'invalid_json'],
    ['truncated JSON', '{"type":"send"', 'invalid_json'],
    ['a JSON array', '[1,2]', 'invalid_json'],
    ['JSON null', 'null', 'invalid_json'],
    ['a JSON number', '7', 'invalid_json'],
    ['no type', '{}', 'invalid_message'],
    ['an unknown type', '{"type":"shout","room":"lobby"}', 'invalid_message'],
    ['a type of the wrong type', '{"type":1}', 'invalid_message'],
    ['send with text of the wrong type', '{"type":"send","room":"lobby","text":5}', 'invalid_message'],
    ['send with empty text', '{"type":"send","room":"lobby","text":""}', 'invalid_message'],
    ['send with text over the limit', JSON.stringify({ type: 'send', room: 'lobby', text: 'x'.repeat(MAX_MESSAGE_BYTES + 1) }), 'payload_too_large'],
    ['send with sentAt a string', '{"type":"send","room":"lobby","text":"x","sentAt":"now"}', 'invalid_message'],
    ['send with ref a number', '{"type":"send","room":"lobby","text":"x","ref":5}', 'invalid_message'],
    ['send to a room that breaks the rule', '{"type":"send","room":"bad room","text":"x"}', 'invalid_room'],
    ['join with a path trick', '{"type":"join","room":"../admin"}', 'invalid_room'],
    ['join with a negative after', '{"type":"join","room":"lobby","after":-1}', 'invalid_cursor'],
    ['join with a string after', '{"type":"join","room":"lobby","after":"3"}', 'invalid_cursor'],
    ['leave with no room', '{"type":"leave"}', 'invalid_room'],
  ])('%s → error frame %s, connection open', async (_name, text, code) => {
    const before = errorsSoFar().length;
    s.send(text);
    await until(() => errorsSoFar().length > before, 'an error frame');
    const error = errorsSoFar()[before] as Record<string, unknown>;
    expect(error.code).toBe(code);
    expect(isErrorCode(error.code)).toBe(true);
    expect(typeof error.message).toBe('string');
    expect(JSON.stringify(error)).not.toMatch(/\n\s+at |\.ts:\d+/);
    expect(s.ws.readyState).toBe(WebSocket.OPEN);
  });

  it('an error names the ref of the frame it answers', async () => {
    const before = errorsSoFar().length;
    s.send({ type: 'send', room: 'bad room', text: 'x', ref: 'r-42' });
    await until(() => errorsSoFar().length > before, 'an error frame');
    expect(errorsSoFar()[before]).toMatchObject({ type: 'error', code: 'invalid_room', ref: 'r-42' });
  });

  it('a binary frame → error invalid_json', async () => {
    const before = errorsSoFar().length;
    s.ws.send(Buffer.from('{"type":"send","room":"lobby","text":"x"}'), { binary: true });
    await until(() => errorsSoFar().length > before, 'an error frame');
    expect(errorsSoFar()[before]).toMatchObject({ code: 'invalid_json' });
  });

  it('a flood of 3000 bad frames is answered frame by frame; the connection still sends afterwards', async () => {
    const before = errorsSoFar().length;
    for (let i = 0; i < 3000; i++) s.send(i % 2 === 0 ? 'garbage' : '{"type":"nope"}');
    s.send({ type: 'send', room: 'lobby', text: 'after the flood', ref: 'flood-done' });
    await until(() => s.frames.some((f) => f.type === 'ack' && f.ref === 'flood-done'), 'the ack after the flood');
    expect(errorsSoFar().length - before).toBe(3000);
    expect(s.ws.readyState).toBe(WebSocket.OPEN);
  });
});

describe('WebSocket: upgrades refused with a JSON answer', () => {
  const upgrade = (query: string, extra = ''): Buffer =>
    Buffer.from(`GET /ws?${query} HTTP/1.1\r\nHost: 127.0.0.1:${t.port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n${extra}\r\n`);
  it.each([
    ['no nick', 'rooms=lobby', '', 'invalid_nick'],
    ['a control character in the nick', 'nick=a%07b', '', 'invalid_nick'],
    ['a 33-character nick', `nick=${'n'.repeat(33)}`, '', 'invalid_nick'],
    ['a room breaking the rule', 'nick=a&rooms=lobby,bad%20room', '', 'invalid_room'],
    ['a path trick as a room', 'nick=a&rooms=..%2Fetc', '', 'invalid_room'],
    ['a foreign Origin', 'nick=a', 'Origin: https://evil.example\r\n', 'forbidden_origin'],
    ['an Origin of "null"', 'nick=a', 'Origin: null\r\n', 'forbidden_origin'],
  ])('%s → %s', async (_name, query, extra, code) => {
    const answer = await expectHttp([upgrade(query, extra)], code);
    expect(answer.closed).toBe(true);
  });

  it('an upgrade on another path → 404 not_found', async () => {
    const answer = await rawHttp(t.port, [Buffer.from(`GET /other HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n`)]);
    expectCatalogError(answer.status, answer.body, 'not_found');
  });
});

describe('Server-Sent Events: streams refused with a JSON answer before they start', () => {
  it.each([
    ['no nick', 'rooms=lobby', {}, 'invalid_nick'],
    ['a control character in the nick', 'nick=a%07b&rooms=lobby', {}, 'invalid_nick'],
    ['a 33-character nick', `nick=${'n'.repeat(33)}&rooms=lobby`, {}, 'invalid_nick'],
    ['no rooms', 'nick=a', {}, 'invalid_room'],
    ['a room breaking the rule', 'nick=a&rooms=lobby,bad%20room', {}, 'invalid_room'],
    ['a path trick as a room', 'nick=a&rooms=..%2Fetc', {}, 'invalid_room'],
    ['an empty room in the list', 'nick=a&rooms=lobby,,dev', {}, 'invalid_room'],
    ['after without a seq', 'nick=a&rooms=lobby&after=lobby', {}, 'invalid_cursor'],
    ['after with a negative seq', 'nick=a&rooms=lobby&after=lobby:-1', {}, 'invalid_cursor'],
    ['after with a fraction', 'nick=a&rooms=lobby&after=lobby:1.5', {}, 'invalid_cursor'],
    ['after past safe integers', 'nick=a&rooms=lobby&after=lobby:9007199254740993', {}, 'invalid_cursor'],
    ['after naming a bad room', 'nick=a&rooms=lobby&after=..%2Fetc:1', {}, 'invalid_cursor'],
    ['a Last-Event-ID that is not a cursor', 'nick=a&rooms=lobby', { 'last-event-id': 'lobby:7;drop table' }, 'invalid_cursor'],
    ['a Last-Event-ID with a hex seq', 'nick=a&rooms=lobby', { 'last-event-id': 'lobby:0x10' }, 'invalid_cursor'],
    ['a foreign Origin', 'nick=a&rooms=lobby', { origin: 'https://evil.example' }, 'forbidden_origin'],
    ['an Origin of "null"', 'nick=a&rooms=lobby', { origin: 'null' }, 'forbidden_origin'],
  ])('%s → %s', async (_name, query, headers: Record<string, string>, code) => {
    await expectHttp([request('GET', `/sse?${query}`, t.port, undefined, headers)], code);
  });

  it('a hundred streams opened and dropped at once cost nobody anything', async () => {
    const before = t.server.core.members('steady');
    const streams = await Promise.all(Array.from({ length: 100 }, (_, i) => openStream(t.url, `nick=drop${i}&rooms=steady`)));
    for (const s of streams) expect(s.status).toBe(200);
    await until(() => streams.every((s) => s.text().includes('event: joined')), 'every stream to start');
    for (const s of streams) s.close();
    await until(() => t.server.core.members('steady') === before, 'the dropped streams to leave the room');
  });
});

describe('WebSocket: protocol violations close with the RFC 6455 code', () => {
  it('a text frame that is not UTF-8 → close 1007', async () => {
    const ws = await rawWebSocket(t.port, 'nick=raw-utf8');
    ws.write(0x1, Buffer.from([0x7b, 0xff, 0xfe, 0x7d]));
    expect(await ws.closed).toBe(1007);
  });

  it('an unmasked client frame → close 1002', async () => {
    const ws = await rawWebSocket(t.port, 'nick=raw-unmasked');
    ws.write(0x1, Buffer.from('{"type":"join","room":"lobby"}'), { mask: false });
    expect(await ws.closed).toBe(1002);
  });

  it('a frame declaring more than maxFrameBytes → close 1009 before its payload is read', async () => {
    const ws = await rawWebSocket(t.port, 'nick=raw-huge');
    ws.write(0x1, Buffer.from('{}'), { declaredLength: 50 * 1024 * 1024 });
    expect(await ws.closed).toBe(1009);
  });

  it('an oversized frame from a real client → close 1009', async () => {
    const s = await openSocket(t.url, 'nick=big');
    s.send(JSON.stringify({ type: 'send', room: 'lobby', text: 'x'.repeat(t.server.options.maxFrameBytes + 10) }));
    expect((await s.closed).code).toBe(1009);
  });

  it('an unknown opcode → close 1002', async () => {
    const ws = await rawWebSocket(t.port, 'nick=raw-opcode');
    ws.write(0x3, Buffer.from('x'));
    expect(await ws.closed).toBe(1002);
  });
});

describe('after the battery', () => {
  it('the server still serves every transport, and the observers lost nothing of the steady stream', async () => {
    publishing = false;
    await publisher;
    expect(published).toBeGreaterThan(20);
    await until(() => observers.every((o) => o.messages.length >= published), 'every observer to catch up', 15_000);
    for (const o of observers) {
      expect(o.messages.map((m) => m.seq), o.client.transport).toEqual(Array.from({ length: published }, (_, i) => i + 1));
      expect(o.client.stats.duplicates).toBeGreaterThanOrEqual(0);
    }
    // A fresh client on each transport still sends and receives.
    for (const transport of TRANSPORTS) {
      const fresh = await connectClient(transport, t.url, `fresh-${transport}`, ['after']);
      const ack = await fresh.client.send('after', `hello from ${transport}`);
      await until(() => fresh.messages.some((m) => m.seq === ack.seq), `${transport} to receive its own message`);
      await fresh.client.close();
    }
    const health = await rawHttp(t.port, [get('/health')]);
    expect(health.status).toBe(200);
  });
});
