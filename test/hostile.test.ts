/**
 * The hostile-client suite: each attack on a real `pushlab serve` child, with a
 * watcher on every transport that must lose nothing, and RSS and open descriptors
 * (/proc/<pid>/fd) read before and after. The resource cases live in test/hostile/cases.ts
 * (scripts/hostile-figures.ts prints the same figures for any checkout); the answers that
 * must be in the contract's form are checked below on one child, watched the same way.
 */
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { mintToken } from '../servers/http/auth.ts';
import { expectCatalogError, rawHttp } from './battery-raw.ts';
import { CASES, runCase, type CaseResult } from './hostile/cases.ts';
import { wsRaw } from './hostile/attacks.ts';
import { fdCount, postJson, rssMb, startChild, type Child } from './hostile/probe.ts';
import { startWatch, type Watch } from './hostile/watch.ts';

const BIN = fileURLToPath(new URL('../bin/pushlab.js', import.meta.url));
/** The bound on RSS growth a single attack may cause, MB. */
const RSS_SLACK_MB = 150;

function expectWatcherWhole(result: CaseResult): void {
  expect(result.watch?.published ?? 0).toBeGreaterThan(0);
  expect(result.watch?.lost).toEqual({});
  expect(result.watch?.duplicated).toEqual({});
}

/** Case-specific checks, by the case's name. */
const CHECKS: Record<string, (r: CaseResult) => void> = {
  'pipelined history reads never read (400 in one write)': () => {},
  '20 non-reading sockets each reading a 1,000 × 16 KB room': () => {},
  '1,000 sessions replaying 12 rooms of 200 messages': (r) => expect(r.figures.created).toBe(1000),
  '40 MB of pings whose pongs are never read': (r) => expect(r.figures.closedByServer).toBe(true),
  '20 sessions naming 40,000 rooms each': (r) => expect(r.figures.statuses).toEqual([400]),
  '1,000 sockets left open after a 408': (r) => expect(r.figures.fdsBackAfterMs).toBeLessThan(8000),
  '1,000 sockets left open after a refused upgrade (403)': (r) => expect(r.figures.fdsBackAfterMs).toBeLessThan(8000),
  'SIGTERM with a deaf WebSocket, a trickling upload, a silent socket and a refused upgrade': (r) => {
    expect(r.figures.exit).toBe(0);
    // --shutdown-timeout-ms 2000, plus the time a process takes to end.
    expect(r.figures.ms).toBeLessThan(3000);
  },
  'one WebSocket bursts 1,000 sends into a room of 1,000 members': (r) => expect(r.figures.healthDuringBurstMs).toBeLessThan(1000),
  '1,000 pipelined POSTs into a room of 1,000 members': (r) => expect(r.figures.healthDuringBurstMs).toBeLessThan(1000),
};

describe('hostile clients cannot take memory, descriptors or the event loop', () => {
  it.each(CASES.map((c) => [c.name, c] as const))('%s', { timeout: 120_000 }, async (name, hostile) => {
    const result = await runCase(BIN, hostile);
    const check = CHECKS[name];
    expect(check, `a check for "${name}"`).toBeDefined();
    check?.(result);
    if (result.watch === undefined) return;
    expect(result.rssAfterMb - result.rssBeforeMb).toBeLessThan(RSS_SLACK_MB);
    expect(result.healthAfterMs).toBeLessThan(1000);
    expectWatcherWhole(result);
  });
});

describe('answers in the contract’s form, on a real server', () => {
  const SECRET = 'hostile-secret-0123456789';
  let c: Child;
  let watch: Watch;
  let rssBefore: number;
  let fdBefore: number;
  beforeAll(async () => {
    c = await startChild(BIN, ['--token-secret', SECRET, '--max-rooms', '3', '--max-total-queue-bytes', '2000', '--rate-limit', '100000']);
    watch = await startWatch(c.url, { token: await mintToken(SECRET, 'watcher', 3600) });
    rssBefore = rssMb(c.pid);
    fdBefore = fdCount(c.pid);
  });
  afterAll(async () => {
    const report = await watch.finish();
    expect(report.published).toBeGreaterThan(0);
    expect(report.lost).toEqual({});
    expect(report.duplicated).toEqual({});
    c.child.kill('SIGTERM');
    expect(await c.exited).toBe(0);
  });

  const raw = (head: string, body = ''): ReturnType<typeof rawHttp> => rawHttp(c.port, [head + body]);

  it('a cross-site text/plain POST is 415 or 403; a JSON POST from a foreign Origin is 403 forbidden_origin', async () => {
    const token = await mintToken(SECRET, 'alice', 600);
    const auth = `Authorization: Bearer ${token}\r\n`;
    const body = '{"text":"csrf"}';
    for (const path of ['/rooms/lobby/messages', '/lp/sessions']) {
      const plain = await raw(`POST ${path} HTTP/1.1\r\nHost: x\r\nOrigin: http://evil.example\r\nContent-Type: text/plain\r\n${auth}Content-Length: ${body.length}\r\n\r\n`, body);
      expect([403, 415]).toContain(plain.status);
      expectCatalogError(plain.status, plain.body);
      const json = await raw(`POST ${path} HTTP/1.1\r\nHost: x\r\nOrigin: http://evil.example\r\nContent-Type: application/json\r\n${auth}Content-Length: ${body.length}\r\n\r\n`, body);
      expectCatalogError(json.status, json.body, 'forbidden_origin');
      const sameOrigin = await raw(`POST ${path} HTTP/1.1\r\nHost: x\r\nOrigin: http://localhost:1\r\nContent-Type: text/plain;charset=UTF-8\r\n${auth}Content-Length: ${body.length}\r\n\r\n`, body);
      expectCatalogError(sameOrigin.status, sameOrigin.body, 'unsupported_media_type');
    }
    const del = await raw(`DELETE /lp/sessions/x HTTP/1.1\r\nHost: x\r\nOrigin: http://evil.example\r\n${auth}\r\n`);
    expectCatalogError(del.status, del.body, 'forbidden_origin');
  });

  it.each([
    ['no Sec-WebSocket-Key', 'Sec-WebSocket-Version: 13\r\n', 'GET', 'invalid_message'],
    ['a short Sec-WebSocket-Key', 'Sec-WebSocket-Key: c2hvcnQ=\r\nSec-WebSocket-Version: 13\r\n', 'GET', 'invalid_message'],
    ['version 12', 'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 12\r\n', 'GET', 'invalid_message'],
    ['Sec-WebSocket-Protocol: a,,b', 'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: a,,b\r\n', 'GET', 'invalid_message'],
    ['POST /ws', 'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n', 'POST', 'method_not_allowed'],
  ])('a handshake with %s answers JSON (%s %s)', async (_name, headers, method, code) => {
    const token = await mintToken(SECRET, 'ws', 600);
    const answer = await raw(`${method} /ws?token=${token} HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n${headers}\r\n`);
    expect(answer.headers['content-type']).toMatch(/^application\/json/);
    expectCatalogError(answer.status, answer.body, code);
    expect(answer.closed).toBe(true);
  });

  it('a missing Host and an unknown Expect get JSON errors and closed sockets', async () => {
    const noHost = await raw('GET /health HTTP/1.1\r\n\r\n');
    expectCatalogError(noHost.status, noHost.body, 'invalid_json');
    expect(noHost.closed).toBe(true);
    const expectation = await raw('GET /health HTTP/1.1\r\nHost: x\r\nExpect: something-else\r\n\r\n');
    expectCatalogError(expectation.status, expectation.body, 'expectation_failed');
    expect(expectation.closed).toBe(true);
  });

  it('an absolute-form target is served; an Upgrade other than websocket is ignored', async () => {
    const absolute = await raw(`GET http://127.0.0.1:${c.port}/health HTTP/1.1\r\nHost: 127.0.0.1:${c.port}\r\nConnection: close\r\n\r\n`);
    expect(absolute.status).toBe(200);
    const h2c = await raw('GET /health HTTP/1.1\r\nHost: x\r\nConnection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\nHTTP2-Settings: AAMAAABkAAQAoAAAAAIAAAAA\r\n\r\n');
    expect(h2c.status).toBe(200);
    expect(JSON.parse(h2c.body)).toEqual({ status: 'ok' });
  });

  it('an empty ?token= does not shadow a valid Authorization header', async () => {
    const token = await mintToken(SECRET, 'bea', 600);
    const ws = new WebSocket(`${c.url.replace(/^http/, 'ws')}/ws?token=&rooms=lobby`, { headers: { authorization: `Bearer ${token}` } });
    const opened = await new Promise<boolean>((resolve) => {
      ws.once('open', () => resolve(true));
      ws.once('unexpected-response', () => resolve(false));
      ws.once('error', () => resolve(false));
    });
    expect(opened).toBe(true);
    ws.terminate();
  });

  it('rooms per session and per WebSocket are capped (--max-rooms 3): 400 invalid_room, an error frame', async () => {
    const token = await mintToken(SECRET, 'cap', 600);
    const res = await fetch(`${c.url}/lp/sessions`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify({ rooms: ['a', 'b', 'c', 'd'] }) });
    expectCatalogError(res.status, await res.text(), 'invalid_room');
    const upgrade = await raw(`GET /ws?token=${token}&rooms=a,b,c,d HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n`);
    expectCatalogError(upgrade.status, upgrade.body, 'invalid_room');
    const socket = await wsRaw(c.port, `token=${token}&rooms=a,b,c`, true);
    const frames: string[] = [];
    socket.on('data', (chunk: Buffer) => frames.push(chunk.toString('latin1')));
    // A masked (all-zero key) text frame: join a fourth room.
    const payload = Buffer.from('{"type":"join","room":"d","ref":"j4"}');
    socket.write(Buffer.concat([Buffer.from([0x81, 0x80 | payload.length]), Buffer.alloc(4), payload]));
    await expect.poll(() => frames.join('')).toMatch(/"type":"error","code":"invalid_room".*"ref":"j4"/);
    socket.destroy();
  });

  it('the queue budget (--max-total-queue-bytes) turns new sessions away with 429', async () => {
    const token = await mintToken(SECRET, 'budget', 600);
    const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
    const created = await fetch(`${c.url}/lp/sessions`, { method: 'POST', headers, body: JSON.stringify({ rooms: ['q'] }) });
    expect(created.status).toBe(201);
    await created.text();
    for (let i = 0; i < 5; i++) expect((await fetch(`${c.url}/rooms/q/messages`, { method: 'POST', headers, body: JSON.stringify({ text: 'z'.repeat(600) }) })).status).toBe(201);
    const refused = await fetch(`${c.url}/lp/sessions`, { method: 'POST', headers, body: JSON.stringify({ rooms: ['q'] }) });
    expectCatalogError(refused.status, await refused.text(), 'rate_limited');
  });

  it('left RSS and descriptors where they were', async () => {
    await new Promise((r) => setTimeout(r, 1500));
    expect(rssMb(c.pid) - rssBefore).toBeLessThan(RSS_SLACK_MB);
    expect(fdCount(c.pid)).toBeLessThanOrEqual(fdBefore + 5);
  });
});

describe('the default publish rate limit is on', () => {
  let c: Child;
  let watch: Watch;
  beforeAll(async () => {
    c = await startChild(BIN, []);
    watch = await startWatch(c.url);
  });
  afterAll(async () => {
    const report = await watch.finish();
    expect(report.lost).toEqual({});
    c.child.kill('SIGTERM');
    await c.exited;
  });

  it('a client over 1000 publishes a second gets rate_limited (an error frame; 429 over HTTP)', async () => {
    const ws = new WebSocket(`${c.url.replace(/^http/, 'ws')}/ws?nick=flood`);
    await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
    const answers: { type: string; code?: string }[] = [];
    ws.on('message', (data) => answers.push(JSON.parse(String(data)) as { type: string; code?: string }));
    const SENDS = 5000;
    for (let i = 0; i < SENDS; i++) ws.send(JSON.stringify({ type: 'send', room: 'flood', text: `f${i}`, ref: `f${i}` }));
    await expect.poll(() => answers.length, { timeout: 30_000 }).toBe(SENDS);
    expect(answers.filter((a) => a.type === 'ack').length).toBeGreaterThanOrEqual(1000);
    expect(answers.every((a) => a.type === 'ack' || a.code === 'rate_limited')).toBe(true);
    expect(answers.filter((a) => a.code === 'rate_limited').length).toBeGreaterThan(0);
    // Over HTTP from the same address (the same client, without a token): 429 while the bucket is empty.
    const statuses = await Promise.all(Array.from({ length: 50 }, (_, i) => postJson(`${c.url}/rooms/flood/messages`, { from: 'flood', text: `h${i}` }).then((r) => r.status)));
    ws.terminate();
    expect(statuses.every((s) => s === 201 || s === 429)).toBe(true);
  });
});
