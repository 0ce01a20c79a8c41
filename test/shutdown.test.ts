/**
 * Graceful shutdown of a real `pushlab serve` process: on SIGTERM (and SIGINT) it stops
 * accepting, answers a held long poll 200 empty, closes a WebSocket with 1001, ends an event
 * stream, finishes a
 * publish whose body is still arriving, and exits 0 within the configured bound.
 */
import http from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { spawnServer, type SpawnedServer } from '../bench/targets/spawn-server.ts';
import { openStream } from './helpers/sse.ts';

let child: SpawnedServer | undefined;
afterEach(() => {
  // Whatever a failed test left running.
  if (child !== undefined && child.child.exitCode === null && child.child.signalCode === null) child.child.kill('SIGKILL');
  child = undefined;
});

interface Answer {
  status: number;
  body: string;
}

/** A request whose body is written by the caller (so it can be left half-sent). */
function openRequest(url: string, method: string, contentLength?: number): { req: http.ClientRequest; answer: Promise<Answer> } {
  const headers: Record<string, string | number> = { 'content-type': 'application/json' };
  if (contentLength !== undefined) headers['content-length'] = contentLength;
  const req = http.request(url, { method, headers, agent: false });
  const answer = new Promise<Answer>((resolve, reject) => {
    req.once('error', reject);
    req.once('response', (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.once('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
  });
  return { req, answer };
}

async function heldPoll(url: string): Promise<{ answer: Promise<Answer> }> {
  const created = await fetch(`${url}/lp/sessions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ nick: 'poller', rooms: ['lobby'] }) });
  expect(created.status).toBe(201);
  const { session } = (await created.json()) as { session: string };
  const { req, answer } = openRequest(`${url}/lp/sessions/${session}/poll?cursor=0`, 'GET');
  req.end();
  return { answer };
}

function openWebSocket(url: string): Promise<{ ws: WebSocket; closed: Promise<number> }> {
  const ws = new WebSocket(`${url.replace(/^http/, 'ws')}/ws?nick=ws&rooms=lobby`);
  const closed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve({ ws, closed }));
    ws.once('error', reject);
  });
}

function exitOf(server: SpawnedServer): Promise<number | string> {
  return new Promise((resolve) => {
    if (server.child.exitCode !== null) resolve(server.child.exitCode);
    else server.child.once('exit', (code, signal) => resolve(code ?? signal ?? 'unknown'));
  });
}

describe.each(['SIGTERM', 'SIGINT'] as const)('pushlab serve on %s', (signal) => {
  it('answers the held poll 200 empty, closes the WebSocket 1001, ends the event stream, finishes the in-flight publish, and exits 0 in bound', async () => {
    const shutdownTimeoutMs = 3000;
    child = await spawnServer({ args: ['--hold-ms', '20000', '--shutdown-timeout-ms', String(shutdownTimeoutMs)] });
    const { url } = child;
    const poll = await heldPoll(url);
    const socket = await openWebSocket(url);
    const stream = await openStream(url, 'nick=sse&rooms=lobby');
    expect(stream.status).toBe(200);
    // A publish whose body is half sent when the signal arrives.
    const body = JSON.stringify({ from: 'late', text: 'finished after the signal' });
    const publish = openRequest(`${url}/rooms/lobby/messages`, 'POST', Buffer.byteLength(body));
    publish.req.write(body.slice(0, 10));
    await new Promise((r) => setTimeout(r, 200)); // the poll is held, the publish's headers are in
    const exited = exitOf(child);
    const started = Date.now();
    child.child.kill(signal);

    const polled = await poll.answer;
    expect(polled.status).toBe(200);
    expect(JSON.parse(polled.body)).toEqual({ messages: [], cursor: 0 });
    expect(await socket.closed).toBe(1001);
    await stream.ended;
    expect(stream.text()).toContain('event: joined');

    // Stopped accepting: a new connection is refused.
    await expect(fetch(`${url}/health`)).rejects.toThrow();

    publish.req.end(body.slice(10));
    const published = await publish.answer;
    expect(published.status).toBe(201);
    expect(JSON.parse(published.body)).toMatchObject({ room: 'lobby', seq: 1 });

    expect(await exited).toBe(0);
    // Exits within the bound (plus process start-up slack), not at some later timer.
    expect(Date.now() - started).toBeLessThan(shutdownTimeoutMs + 2000);
    child = undefined;
  });
});

it('a server with nothing open exits 0 at once on SIGTERM', async () => {
  child = await spawnServer();
  const exited = exitOf(child);
  const started = Date.now();
  child.child.kill('SIGTERM');
  expect(await exited).toBe(0);
  expect(Date.now() - started).toBeLessThan(3000);
  child = undefined;
});

it('a client that never closes its keep-alive connection does not hold the exit past the bound', async () => {
  child = await spawnServer({ args: ['--shutdown-timeout-ms', '1000'] });
  // A request whose body never finishes: the server cannot answer it, so the bound decides.
  const stuck = openRequest(`${child.url}/rooms/lobby/messages`, 'POST', 100);
  stuck.req.write('{"from":');
  stuck.answer.catch(() => {});
  await new Promise((r) => setTimeout(r, 200));
  const exited = exitOf(child);
  const started = Date.now();
  child.child.kill('SIGTERM');
  expect(await exited).toBe(0);
  expect(Date.now() - started).toBeLessThan(1000 + 2000);
  stuck.req.destroy();
  child = undefined;
});
