/**
 * The HTTP guards against hostile clients, in-process: the Origin and media-type rule (request-guard.ts),
 * the framing corners (request-hygiene.ts), and the per-connection request line
 * (pipeline.ts): pipelined requests are answered in order, one at a time.
 */
import type { IncomingMessage } from 'node:http';
import net from 'node:net';
import { describe, expect, it } from 'vitest';
import { guardStateChange, isJsonType } from '../servers/http/request-guard.ts';
import { malformed, originForm } from '../servers/http/request-hygiene.ts';
import { serversPerTest } from './helpers/server.ts';

const server = serversPerTest();

function req(method: string, headers: Record<string, string>, version = '1.1'): IncomingMessage {
  const [major, minor] = version.split('.').map(Number);
  return { method, headers, httpVersionMajor: major, httpVersionMinor: minor } as unknown as IncomingMessage;
}

function codeOf(run: () => void): string | undefined {
  try {
    run();
    return undefined;
  } catch (error) {
    return (error as { code?: string }).code;
  }
}

describe('guardStateChange', () => {
  it.each([
    ['POST JSON, no Origin', 'POST', { 'content-type': 'application/json', 'content-length': '2' }, undefined],
    ['POST JSON; charset, localhost Origin', 'POST', { origin: 'http://localhost:5173', 'content-type': 'Application/JSON; charset=utf-8', 'content-length': '2' }, undefined],
    ['POST with no body and no Content-Type (a join)', 'POST', {}, undefined],
    ['DELETE with no body', 'DELETE', {}, undefined],
    ['GET from anywhere (reads are not guarded here)', 'GET', { origin: 'http://evil.example' }, undefined],
    ['POST from a foreign Origin', 'POST', { origin: 'http://evil.example', 'content-type': 'application/json', 'content-length': '2' }, 'forbidden_origin'],
    ['DELETE from a foreign Origin', 'DELETE', { origin: 'http://evil.example' }, 'forbidden_origin'],
    ['POST text/plain (a "simple" request)', 'POST', { 'content-type': 'text/plain;charset=UTF-8', 'content-length': '2' }, 'unsupported_media_type'],
    ['POST a body with no Content-Type', 'POST', { 'content-length': '2' }, 'unsupported_media_type'],
    ['POST a chunked body with no Content-Type', 'POST', { 'transfer-encoding': 'chunked' }, 'unsupported_media_type'],
    ['POST form-urlencoded, even empty', 'POST', { 'content-type': 'application/x-www-form-urlencoded' }, 'unsupported_media_type'],
  ])('%s', (_name, method, headers, code) => {
    expect(codeOf(() => guardStateChange(req(method, { host: 'chat.example', ...headers }), undefined))).toBe(code);
  });

  it('a configured list replaces the default rule', () => {
    const post = (origin: string) => req('POST', { host: 'h', origin, 'content-type': 'application/json' });
    expect(codeOf(() => guardStateChange(post('https://chat.example'), ['https://chat.example']))).toBeUndefined();
    expect(codeOf(() => guardStateChange(post('http://localhost:1'), ['https://chat.example']))).toBe('forbidden_origin');
  });

  it('isJsonType ignores case and parameters only', () => {
    expect(isJsonType('application/json')).toBe(true);
    expect(isJsonType(' APPLICATION/JSON ; charset=utf-8')).toBe(true);
    expect(isJsonType('application/json-patch+json')).toBe(false);
    expect(isJsonType('text/json')).toBe(false);
  });
});

describe('request hygiene', () => {
  it.each([
    ['/health', '/health'],
    ['http://h:1/health?x=1', '/health?x=1'],
    ['HTTP://H', '/'],
    ['http://h?x', '/?x'],
    ['*', '*'],
  ])('originForm(%s) → %s', (url, expected) => expect(originForm(url)).toBe(expected));

  it('an HTTP/1.1 request without Host is malformed; HTTP/1.0 needs none', () => {
    expect(malformed(req('GET', {}))?.code).toBe('invalid_json');
    expect(malformed(req('GET', {}, '1.0'))).toBeUndefined();
    expect(malformed(req('GET', { host: 'x' }))).toBeUndefined();
  });
});

describe('one request at a time per connection', () => {
  it('answers pipelined requests in order, each completely, and keeps serving the connection', async () => {
    const s = await server({ rateLimit: 0 });
    const body = '{"from":"p","text":"hi"}';
    const post = `POST /rooms/pipe/messages HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body}`;
    const get = 'GET /rooms/pipe/messages?after=0 HTTP/1.1\r\nHost: x\r\n\r\n';
    const socket = net.connect(s.port, '127.0.0.1');
    let data = '';
    socket.on('data', (c: Buffer) => (data += c.toString()));
    socket.write(post.repeat(50) + get);
    await expect.poll(() => (data.match(/HTTP\/1\.1 /g) ?? []).length, { timeout: 10_000 }).toBe(51);
    const seqs = [...data.matchAll(/"seq":(\d+),"id"/g)].map((m) => Number(m[1]));
    expect(seqs.slice(0, 50)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
    expect(data).toContain('"last":50');
    socket.destroy();
  });
});
