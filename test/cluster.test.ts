/**
 * Two instances on one real redis-server (in-process servers, port 0): clients of all three
 * transports spread over both, long-poll sessions answered by either instance, and Redis
 * stopped and restarted under them.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ChatMessage, Transport } from '../protocol/types.ts';
import { TRANSPORTS } from '../protocol/types.ts';
import { connectClient, errorCode, http, openSocket, startServer, type Recorded, type TestServer } from './helpers/server.ts';
import { until } from './helpers/until.ts';
import { startRedis, type TestRedis } from './helpers/redis.ts';

let redis: TestRedis;
let a: TestServer;
let b: TestServer;
const clients: Recorded[] = [];

beforeAll(async () => {
  redis = await startRedis();
  a = await startServer({ backplane: redis.url, holdMs: 2000 });
  b = await startServer({ backplane: redis.url, holdMs: 2000 });
});

afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.client.close()));
});

afterAll(async () => {
  await a?.close();
  await b?.close();
  await redis?.stop();
});

/** Seqs a client got for a room, in arrival order. */
function seqs(recorded: Recorded, room: string): number[] {
  return recorded.messages.filter((m) => m.room === room).map((m) => m.seq);
}

describe('two instances on one Redis', () => {
  it('delivers every message to every client of every transport on both instances, with the same contiguous seqs', async () => {
    const room = 'spread';
    for (const transport of TRANSPORTS) {
      for (const [i, server] of [a, b].entries()) {
        const recorded = await connectClient(transport, server.url, `${transport}-${i}`, [room]);
        clients.push(recorded);
      }
    }
    // Every client publishes over its own transport, all at once, to its own instance.
    const perClient = 5;
    await Promise.all(clients.map((c) => Promise.all(Array.from({ length: perClient }, (_, k) => c.client.send(room, `${c.client.nick} #${k}`)))));
    const total = clients.length * perClient;
    await until(() => clients.every((c) => seqs(c, room).length >= total), 'every client to receive every message', 15_000);
    const expected = Array.from({ length: total }, (_, i) => i + 1);
    const reference = new Map<number, ChatMessage>();
    for (const c of clients) {
      expect(seqs(c, room), `${c.client.nick}`).toEqual(expected);
      for (const m of c.messages) {
        const seen = reference.get(m.seq);
        if (seen === undefined) reference.set(m.seq, m);
        else expect(m, `seq ${m.seq} at ${c.client.nick}`).toEqual(seen);
      }
    }
    // Each client got its own messages too, and the two instances agree on history.
    const fromA = (await http(`${a.url}/rooms/${room}/messages?after=0`)).json as { messages: ChatMessage[]; last: number };
    const fromB = (await http(`${b.url}/rooms/${room}/messages?after=0`)).json as { messages: ChatMessage[]; last: number };
    expect(fromA).toEqual(fromB);
    expect(fromA.last).toBe(total);
  });

  it('answers a long-poll session on either instance: the session lives on one, the other forwards', async () => {
    const created = await http(`${a.url}/lp/sessions`, { method: 'POST', body: JSON.stringify({ nick: 'roamer', rooms: ['roam'] }), headers: { 'content-type': 'application/json' } });
    expect(created.status).toBe(201);
    const session = (created.json as { session: string }).session;
    // The poll goes to B, which holds it through A; a message published on B wakes it.
    const poll = http(`${b.url}/lp/sessions/${session}/poll?cursor=0`);
    await new Promise((r) => setTimeout(r, 100));
    const sent = await http(`${b.url}/rooms/roam/messages`, { method: 'POST', body: JSON.stringify({ from: 'x', text: 'wake' }), headers: { 'content-type': 'application/json' } });
    expect(sent.status).toBe(201);
    const batch = await poll;
    expect(batch.status).toBe(200);
    expect(batch.json).toMatchObject({ messages: [{ room: 'roam', seq: 1, text: 'wake' }], cursor: 1 });
    // Join and leave through B; errors travel back unchanged.
    expect((await http(`${b.url}/lp/sessions/${session}/rooms/other`, { method: 'POST' })).status).toBe(200);
    expect((await http(`${b.url}/lp/sessions/${session}/rooms/other`, { method: 'DELETE' })).status).toBe(204);
    const bad = await http(`${b.url}/lp/sessions/${session}/poll?cursor=99`);
    expect(bad.status).toBe(400);
    expect(errorCode(bad)).toBe('invalid_cursor');
    // Deleted through B, gone on A too.
    expect((await http(`${b.url}/lp/sessions/${session}`, { method: 'DELETE' })).status).toBe(204);
    const gone = await http(`${a.url}/lp/sessions/${session}/poll?cursor=1`);
    expect(gone.status).toBe(404);
    expect(errorCode(gone)).toBe('unknown_session');
  });

  it('answers unknown_session for a session whose instance is gone, and a client resumes from history', async () => {
    const c = await startServer({ backplane: redis.url, holdMs: 2000 });
    const created = await http(`${c.url}/lp/sessions`, { method: 'POST', body: JSON.stringify({ nick: 'orphan', rooms: ['orphans'] }), headers: { 'content-type': 'application/json' } });
    const session = (created.json as { session: string }).session;
    await c.close();
    const answer = await http(`${b.url}/lp/sessions/${session}/poll?cursor=0`);
    expect(answer.status).toBe(404);
    expect(errorCode(answer)).toBe('unknown_session');
    // A made-up tag is no different.
    expect(errorCode(await http(`${b.url}/lp/sessions/nope.nottag/poll?cursor=0`))).toBe('unknown_session');
  });
});

describe('Redis stopped and restarted', () => {
  it('answers 503 backplane_unavailable, tells subscribers, and recovers on its own with nothing lost', async () => {
    const room = 'outage';
    const transports: Transport[] = [...TRANSPORTS];
    for (const transport of transports) {
      for (const [i, server] of [a, b].entries()) clients.push(await connectClient(transport, server.url, `${transport}-${i}`, [room]));
    }
    await clients[0]?.client.send(room, 'before');
    await until(() => clients.every((c) => seqs(c, room).length === 1), 'the first message everywhere');
    // Raw observers: a WebSocket and a held long poll, to see what subscribers are told.
    const socket = await openSocket(a.url, `nick=watcher&rooms=${room}`);
    await until(() => socket.frames.some((f) => f.type === 'joined'), 'watcher joined');
    const lp = await http(`${b.url}/lp/sessions`, { method: 'POST', body: JSON.stringify({ nick: 'lp-watch', rooms: [room] }), headers: { 'content-type': 'application/json' } });
    const lpSession = (lp.json as { session: string }).session;
    const heldPoll = http(`${b.url}/lp/sessions/${lpSession}/poll?cursor=0`);
    await new Promise((r) => setTimeout(r, 100));

    await redis.stop();
    const held = await heldPoll;
    expect(held.status).toBe(503);
    expect(errorCode(held)).toBe('backplane_unavailable');
    await until(() => socket.frames.some((f) => f.type === 'error' && f.code === 'backplane_unavailable'), 'the WebSocket to be told');
    for (const server of [a, b]) {
      const publish = await http(`${server.url}/rooms/${room}/messages`, { method: 'POST', body: JSON.stringify({ from: 'x', text: 'during' }), headers: { 'content-type': 'application/json' } });
      expect(publish.status).toBe(503);
      expect(errorCode(publish)).toBe('backplane_unavailable');
      expect((publish.json as { error: { message: string } }).error.message).toMatch(/Redis/);
      const history = await http(`${server.url}/rooms/${room}/messages?after=0`);
      expect(history.status).toBe(503);
      expect(errorCode(history)).toBe('backplane_unavailable');
    }
    // Still up: health answers, the WebSocket stays open and gets an error frame for a send.
    expect((await http(`${a.url}/health`)).status).toBe(200);
    socket.send({ type: 'send', room, text: 'during', ref: 'w1' });
    await until(() => socket.frames.some((f) => f.type === 'error' && f.ref === 'w1' && f.code === 'backplane_unavailable'), 'the send to fail clearly');

    await redis.restart();
    // Recovers by itself: publishing works again on both instances.
    const deadline = Date.now() + 15_000;
    for (;;) {
      const answer = await http(`${b.url}/rooms/${room}/messages`, { method: 'POST', body: JSON.stringify({ from: 'x', text: 'after' }), headers: { 'content-type': 'application/json' } });
      if (answer.status === 201) {
        // Redis came back empty; the seq still goes on from where the room was.
        expect((answer.json as { seq: number }).seq).toBe(2);
        break;
      }
      expect(errorCode(answer)).toBe('backplane_unavailable');
      if (Date.now() > deadline) throw new Error('publishing did not recover');
      await new Promise((r) => setTimeout(r, 100));
    }
    await clients[1]?.client.send(room, 'after, from a client');
    await until(() => clients.every((c) => seqs(c, room).length === 3), 'every client to get the messages after recovery', 15_000);
    for (const c of clients) expect(seqs(c, room)).toEqual([1, 2, 3]);
    await until(() => socket.frames.filter((f) => f.type === 'message').length === 2, 'the watcher (joined after seq 1) to get them too');
    // The long-poll session survived the outage on its instance.
    const after = await http(`${a.url}/lp/sessions/${lpSession}/poll?cursor=0`);
    expect(after.status).toBe(200);
    expect((after.json as { messages: ChatMessage[] }).messages.map((m) => m.seq)).toEqual([2, 3]);
    socket.ws.close();
  });
});
