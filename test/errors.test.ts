/**
 * Every error of the catalog that the chat can produce, produced by the case that names it,
 * over HTTP and over WebSocket; and the catalog checked against docs/protocol.md.
 */
import { readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ERRORS, isErrorCode } from '../protocol/errors.ts';
import { errorCode, http, openSocket, startServer, type TestServer } from './helpers/server.ts';
import { until } from './helpers/until.ts';

let t: TestServer;
beforeAll(async () => {
  t = await startServer({ holdMs: 1000 });
});
afterAll(async () => {
  await t.close();
});

const json = { 'content-type': 'application/json' };

async function session(): Promise<string> {
  const a = await http(`${t.url}/lp/sessions`, { method: 'POST', body: JSON.stringify({ nick: 'e', rooms: ['lobby'] }), headers: json });
  return (a.json as { session: string }).session;
}

describe('HTTP errors', () => {
  const cases: { name: string; code: string; status: number; run: () => Promise<Awaited<ReturnType<typeof http>>> }[] = [
    { name: 'body not JSON', code: 'invalid_json', status: 400, run: () => http(`${t.url}/rooms/lobby/messages`, { method: 'POST', body: '{nope', headers: json }) },
    { name: 'body a JSON array', code: 'invalid_json', status: 400, run: () => http(`${t.url}/rooms/lobby/messages`, { method: 'POST', body: '[1]', headers: json }) },
    { name: 'body not UTF-8', code: 'invalid_json', status: 400, run: () => http(`${t.url}/rooms/lobby/messages`, { method: 'POST', body: new Uint8Array([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d]), headers: json }) },
    { name: 'empty body', code: 'invalid_json', status: 400, run: () => http(`${t.url}/rooms/lobby/messages`, { method: 'POST', headers: json }) },
    { name: 'room breaks the rule', code: 'invalid_room', status: 400, run: () => http(`${t.url}/rooms/-bad/messages`) },
    { name: 'room too long', code: 'invalid_room', status: 400, run: () => http(`${t.url}/rooms/${'a'.repeat(65)}/messages`) },
    { name: 'rooms not a list', code: 'invalid_room', status: 400, run: () => http(`${t.url}/lp/sessions`, { method: 'POST', body: '{"nick":"a","rooms":"lobby"}', headers: json }) },
    { name: 'nick missing', code: 'invalid_nick', status: 400, run: () => http(`${t.url}/rooms/lobby/messages`, { method: 'POST', body: '{"text":"hi"}', headers: json }) },
    { name: 'nick too long', code: 'invalid_nick', status: 400, run: () => http(`${t.url}/lp/sessions`, { method: 'POST', body: JSON.stringify({ nick: 'n'.repeat(33), rooms: [] }), headers: json }) },
    { name: 'nick with a control character', code: 'invalid_nick', status: 400, run: () => http(`${t.url}/rooms/lobby/messages`, { method: 'POST', body: JSON.stringify({ from: 'a\u0007b', text: 'x' }), headers: json }) },
    { name: 'text missing', code: 'invalid_message', status: 400, run: () => http(`${t.url}/rooms/lobby/messages`, { method: 'POST', body: '{"from":"a"}', headers: json }) },
    { name: 'text empty', code: 'invalid_message', status: 400, run: () => http(`${t.url}/rooms/lobby/messages`, { method: 'POST', body: '{"from":"a","text":""}', headers: json }) },
    { name: 'text not a string', code: 'invalid_message', status: 400, run: () => http(`${t.url}/rooms/lobby/messages`, { method: 'POST', body: '{"from":"a","text":5}', headers: json }) },
    { name: 'sentAt not finite', code: 'invalid_message', status: 400, run: () => http(`${t.url}/rooms/lobby/messages`, { method: 'POST', body: '{"from":"a","text":"x","sentAt":"now"}', headers: json }) },
    { name: 'after negative', code: 'invalid_cursor', status: 400, run: () => http(`${t.url}/rooms/lobby/messages?after=-1`) },
    { name: 'after not a number', code: 'invalid_cursor', status: 400, run: () => http(`${t.url}/rooms/lobby/messages?after=abc`) },
    { name: 'after past safe integers', code: 'invalid_cursor', status: 400, run: () => http(`${t.url}/rooms/lobby/messages?after=99999999999999999999`) },
    { name: 'limit fractional', code: 'invalid_cursor', status: 400, run: () => http(`${t.url}/rooms/lobby/messages?limit=1.5`) },
    { name: 'cursor past the newest', code: 'invalid_cursor', status: 400, run: async () => http(`${t.url}/lp/sessions/${await session()}/poll?cursor=5`) },
    { name: 'text over maxMessageBytes', code: 'payload_too_large', status: 413, run: () => http(`${t.url}/rooms/lobby/messages`, { method: 'POST', body: JSON.stringify({ from: 'a', text: 'é'.repeat(40_000) }), headers: json }) },
    { name: 'body over its limit', code: 'payload_too_large', status: 413, run: () => http(`${t.url}/rooms/lobby/messages`, { method: 'POST', body: 'x'.repeat(500_000), headers: json }) },
    { name: 'unknown session', code: 'unknown_session', status: 404, run: () => http(`${t.url}/lp/sessions/nope/poll?cursor=0`) },
    { name: 'join on an unknown session', code: 'unknown_session', status: 404, run: () => http(`${t.url}/lp/sessions/nope/rooms/lobby`, { method: 'POST' }) },
    { name: 'no such route', code: 'not_found', status: 404, run: () => http(`${t.url}/nope`) },
    { name: 'known route, other method', code: 'method_not_allowed', status: 405, run: () => http(`${t.url}/rooms/lobby/messages`, { method: 'DELETE' }) },
  ];

  it.each(cases)('$name → $status $code', async ({ run, code, status }) => {
    const answer = await run();
    expect(answer.status).toBe(status);
    expect(answer.headers.get('content-type')).toMatch(/^application\/json/);
    expect(answer.json).toEqual({ error: { code, message: expect.any(String) } });
  });

  it('405 names the allowed methods in Allow', async () => {
    const answer = await http(`${t.url}/lp/sessions`, { method: 'GET' });
    expect(answer.status).toBe(405);
    expect(answer.headers.get('allow')).toBe('POST');
  });

  it('an expired session answers unknown_session', async () => {
    const short = await startServer({ sessionTtlMs: 100 });
    const created = await http(`${short.url}/lp/sessions`, { method: 'POST', body: '{"nick":"a","rooms":[]}', headers: json });
    const id = (created.json as { session: string }).session;
    await new Promise((r) => setTimeout(r, 250));
    const answer = await http(`${short.url}/lp/sessions/${id}/poll?cursor=0`);
    expect(errorCode(answer)).toBe('unknown_session');
    await short.close();
  });

  it('a draining server finishes the request it accepted, then answers shutting_down', async () => {
    const s = await startServer();
    const socket = connect(s.port, '127.0.0.1');
    await new Promise((r) => socket.once('connect', r));
    let received = '';
    socket.on('data', (d: Buffer) => (received += d.toString()));
    const body = JSON.stringify({ from: 'a', text: 'in flight' });
    // Half a publish: the connection is busy, so shutdown must wait for it.
    socket.write(`POST /rooms/lobby/messages HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body.slice(0, 5)}`);
    await new Promise((r) => setTimeout(r, 50));
    const draining = s.server.shutdown();
    socket.write(body.slice(5));
    await until(() => received.includes('"seq":1'), 'the accepted publish to finish');
    expect(received).toMatch(/^HTTP\/1.1 201/);
    received = '';
    socket.write('GET /rooms/lobby/messages HTTP/1.1\r\nHost: x\r\n\r\n');
    await until(() => received.includes('shutting_down') || socket.destroyed, 'the 503');
    expect(received).toMatch(/^HTTP\/1.1 503/);
    expect(received).toContain('"code":"shutting_down"');
    socket.destroy();
    await draining;
  });
});

describe('WebSocket errors', () => {
  it.each([
    ['not JSON', 'hello', 'invalid_json'],
    ['unknown type', { type: 'shout', ref: 'r1' }, 'invalid_message'],
    ['field of the wrong type', { type: 'send', room: 'lobby', text: 5, ref: 'r1' }, 'invalid_message'],
    ['empty text', { type: 'send', room: 'lobby', text: '', ref: 'r1' }, 'invalid_message'],
    ['sentAt not finite', { type: 'send', room: 'lobby', text: 'x', sentAt: 'soon', ref: 'r1' }, 'invalid_message'],
    ['bad room', { type: 'join', room: '../etc', ref: 'r1' }, 'invalid_room'],
    ['bad after', { type: 'join', room: 'lobby', after: -3, ref: 'r1' }, 'invalid_cursor'],
    ['text over maxMessageBytes', { type: 'send', room: 'lobby', text: 'x'.repeat(66_000), ref: 'r1' }, 'payload_too_large'],
  ])('%s → error frame %s, connection stays open', async (_name, frame, code) => {
    const s = await openSocket(t.url, 'nick=e');
    s.send(frame);
    await until(() => s.frames.some((f) => f.type === 'error'), 'an error frame');
    const error = s.frames.find((f) => f.type === 'error');
    expect(error).toMatchObject({ type: 'error', code, message: expect.any(String) });
    if (typeof frame === 'object') expect(error?.ref).toBe('r1');
    // Still open: a good send is acknowledged.
    s.send({ type: 'send', room: 'lobby', text: 'ok', ref: 'r2' });
    await until(() => s.frames.some((f) => f.type === 'ack' && f.ref === 'r2'), 'the ack');
    s.ws.close();
  });

  it.each([
    ['nick missing', 'rooms=lobby', 400, 'invalid_nick'],
    ['bad room in the query', 'nick=a&rooms=lobby,-x', 400, 'invalid_room'],
  ])('upgrade with %s is refused %i %s', async (_name, query, status, code) => {
    await expect(openSocket(t.url, query)).rejects.toMatchObject({ status, json: { error: { code, message: expect.any(String) } } });
  });

  it('a foreign Origin is refused 403 forbidden_origin before the upgrade; localhost is allowed', async () => {
    await expect(openSocket(t.url, 'nick=a', { headers: { origin: 'https://evil.example' } })).rejects.toMatchObject({ status: 403, json: { error: { code: 'forbidden_origin' } } });
    const ok = await openSocket(t.url, 'nick=a', { headers: { origin: 'http://localhost:5173' } });
    ok.ws.close();
    const same = await openSocket(t.url, 'nick=a', { headers: { origin: `http://127.0.0.1:${t.port}` } });
    same.ws.close();
  });

  it('a configured origin list replaces the default', async () => {
    const s = await startServer({ allowedOrigins: ['https://chat.example'] });
    await expect(openSocket(s.url, 'nick=a', { headers: { origin: 'http://localhost:3000' } })).rejects.toMatchObject({ status: 403 });
    const ok = await openSocket(s.url, 'nick=a', { headers: { origin: 'https://chat.example' } });
    ok.ws.close();
    await s.close();
  });
});

describe('the catalog', () => {
  it('matches the error table of docs/protocol.md, code for code and status for status', () => {
    const doc = readFileSync(new URL('../docs/protocol.md', import.meta.url), 'utf8');
    const rows = [...doc.matchAll(/^\|\s*`?([a-z_]+)`?\s*\|\s*(\d{3})\s*\|/gm)].map((m) => [m[1], Number(m[2])]);
    const documented = Object.fromEntries(rows);
    const catalog = Object.fromEntries(Object.entries(ERRORS).map(([code, e]) => [code, e.status]));
    expect(documented).toEqual(catalog);
    for (const code of Object.keys(documented)) expect(isErrorCode(code)).toBe(true);
  });
});
