/** WebSocket's own rules: joined first, ack beside the own copy, heartbeat, frame limit, resume. */
import { describe, expect, it } from 'vitest';
import { createClient } from '../clients/index.ts';
import { CLOSE } from '../protocol/types.ts';
import { http, openSocket, serversPerTest } from './helpers/server.ts';
import { until } from './helpers/until.ts';

const server = serversPerTest();

describe('websocket', () => {
  it('sends one joined per query room before anything else, then every message of those rooms', async () => {
    const s = await server();
    await http(`${s.url}/rooms/dev/messages`, { method: 'POST', body: '{"from":"p","text":"old"}', headers: { 'content-type': 'application/json' } });
    const sock = await openSocket(s.url, 'nick=alice&rooms=lobby,dev');
    await until(() => sock.frames.length >= 2, 'the joined frames');
    expect(sock.frames.slice(0, 2)).toEqual([
      { type: 'joined', room: 'lobby', last: 0 },
      { type: 'joined', room: 'dev', last: 1 },
    ]);
    await http(`${s.url}/rooms/dev/messages`, { method: 'POST', body: '{"from":"p","text":"new"}', headers: { 'content-type': 'application/json' } });
    await until(() => sock.frames.length >= 3, 'the message');
    expect(sock.frames[2]).toMatchObject({ type: 'message', message: { room: 'dev', seq: 2, text: 'new', from: 'p' } });
    sock.ws.close();
  });

  it('the sender gets an ack with its ref and its own copy of the message', async () => {
    const s = await server();
    const sock = await openSocket(s.url, 'nick=alice&rooms=lobby');
    sock.send({ type: 'send', room: 'lobby', text: 'hi', sentAt: 1732270000120.5, ref: 'c7' });
    await until(() => sock.frames.length >= 3, 'ack and copy');
    expect(sock.frames).toContainEqual({ type: 'ack', ref: 'c7', room: 'lobby', seq: 1 });
    const copy = sock.frames.find((f) => f.type === 'message') as { message: Record<string, unknown> } | undefined;
    expect(copy?.message).toMatchObject({ room: 'lobby', seq: 1, from: 'alice', text: 'hi', sentAt: 1732270000120.5 });
    sock.ws.close();
  });

  it('join with after replays history first; leave stops the room', async () => {
    const s = await server();
    const sock = await openSocket(s.url, 'nick=alice');
    for (const text of ['a', 'b', 'c']) sock.send({ type: 'send', room: 'r', text });
    await until(() => sock.frames.filter((f) => f.type === 'ack').length === 3, 'three acks');
    sock.frames.length = 0;
    sock.send({ type: 'join', room: 'r', after: 1 });
    await until(() => sock.frames.length >= 3, 'joined and history');
    expect(sock.frames[0]).toEqual({ type: 'joined', room: 'r', last: 3 });
    expect(sock.frames.slice(1).map((f) => (f.message as { seq: number }).seq)).toEqual([2, 3]);
    sock.send({ type: 'leave', room: 'r' });
    sock.send({ type: 'send', room: 'r', text: 'd', ref: 'x' });
    await until(() => sock.frames.some((f) => f.type === 'ack' && f.ref === 'x'), 'the ack');
    // A sentinel in a room it is still in, sent after 'd': frames are handled in order, so 'd' would come first.
    sock.send({ type: 'join', room: 's' });
    sock.send({ type: 'send', room: 's', text: 'sentinel' });
    const messages = (): string[] => sock.frames.filter((f) => f.type === 'message').map((f) => `${(f.message as { room: string }).room}:${(f.message as { seq: number }).seq}`);
    await until(() => messages().includes('s:1'), 'the sentinel');
    expect(messages()).toEqual(['r:2', 'r:3', 's:1']);
    sock.ws.close();
  });

  it('drops a peer that stops answering pings', async () => {
    const s = await server({ pingIntervalMs: 100 });
    // autoPong off: this peer hears pings but never answers, like a dead network path.
    const sock = await openSocket(s.url, 'nick=ghost&rooms=lobby', { autoPong: false });
    const closed = await sock.closed;
    expect(closed.code).toBe(1006); // terminated, no close frame
    await until(() => s.server.websocket?.size === 0, 'the server to forget it');
  });

  it('keeps a peer that answers pings', async () => {
    const s = await server({ pingIntervalMs: 100 });
    const sock = await openSocket(s.url, 'nick=alive&rooms=lobby');
    await new Promise((r) => setTimeout(r, 450));
    expect(sock.ws.readyState).toBe(sock.ws.OPEN);
    sock.ws.close();
  });

  it('closes with 1009 on a frame over maxFrameBytes', async () => {
    const s = await server({ maxMessageBytes: 1000 });
    const sock = await openSocket(s.url, 'nick=big');
    sock.send({ type: 'send', room: 'lobby', text: 'x'.repeat(1000 + 4096 + 10) });
    expect((await sock.closed).code).toBe(CLOSE.tooBig);
  });

  it('the client reconnects after a dropped connection and resumes from its last seq', async () => {
    const s = await server();
    const client = createClient('websocket', { baseUrl: s.url, nick: 'r', backoffMinMs: 20, backoffMaxMs: 100 });
    const got: number[] = [];
    client.on('message', (m) => got.push(m.seq));
    await client.connect();
    await client.join('lobby');
    const publish = (text: string) => http(`${s.url}/rooms/lobby/messages`, { method: 'POST', body: JSON.stringify({ from: 'p', text }), headers: { 'content-type': 'application/json' } });
    await publish('1');
    await until(() => got.length === 1, 'the first message');
    s.server.websocket?.terminateAll();
    await publish('2');
    await publish('3');
    await until(() => got.length === 3, 'the missed messages after reconnecting');
    expect(got).toEqual([1, 2, 3]);
    expect(client.stats.reconnects).toBe(1);
    expect(client.stats.duplicates).toBe(0);
    await client.close();
  });
});
