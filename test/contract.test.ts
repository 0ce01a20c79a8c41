/**
 * One contract, four transports: every test here runs against short polling, long polling,
 * WebSocket and Server-Sent Events alike (describe.each), through the Node clients the benchmark uses.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TRANSPORTS, type Transport } from '../protocol/types.ts';
import { ProtocolError } from '../protocol/errors.ts';
import { connectClient, startServer, type Recorded, type TestServer } from './helpers/server.ts';
import { until } from './helpers/until.ts';

let t: TestServer;
beforeAll(async () => {
  t = await startServer({ pollIntervalMs: 100, holdMs: 2000 });
});
afterAll(async () => {
  await t.close();
});

describe.each(TRANSPORTS)('contract over %s', (transport: Transport) => {
  it('a message sent over it reaches clients of every transport once each, in order', async () => {
    const room = `c-${transport}`;
    const listeners: Recorded[] = [];
    for (const other of TRANSPORTS) listeners.push(await connectClient(other, t.url, `l-${other}`, [room]));
    const sender = await connectClient(transport, t.url, 'sender', [room]);
    const count = 20;
    for (let i = 0; i < count; i++) await sender.client.send(room, `m${i}`, Date.now());
    const everyone = [...listeners, sender];
    await until(() => everyone.every((r) => r.messages.length >= count), 'every client to get every message');
    for (const r of everyone) {
      expect(r.messages.map((m) => m.seq)).toEqual(Array.from({ length: count }, (_, i) => i + 1));
      expect(r.messages.map((m) => m.text)).toEqual(Array.from({ length: count }, (_, i) => `m${i}`));
      expect(r.messages.every((m) => m.from === 'sender' && m.room === room && typeof m.id === 'string' && typeof m.ts === 'number' && typeof m.sentAt === 'number')).toBe(true);
    }
    for (const r of everyone) await r.client.close();
  });

  it('send resolves with the seq the server assigned', async () => {
    const room = `seq-${transport}`;
    const c = await connectClient(transport, t.url, 'alice', [room]);
    expect(await c.client.send(room, 'one')).toEqual({ room, seq: 1 });
    expect(await c.client.send(room, 'two')).toEqual({ room, seq: 2 });
    await c.client.close();
  });

  it('join with after replays history past it, then live messages, without duplicates', async () => {
    const room = `after-${transport}`;
    const publisher = await connectClient('short-polling', t.url, 'pub', []);
    for (let i = 1; i <= 5; i++) await publisher.client.send(room, `h${i}`);
    const c = await connectClient(transport, t.url, 'late', []);
    const last = await c.client.join(room, 2);
    expect(last).toBe(5);
    await publisher.client.send(room, 'live');
    await until(() => c.messages.length >= 4, 'history and the live message');
    // A sentinel: once it is in, a duplicate or a replay past `after` would be too (per-room order).
    await publisher.client.send(room, 'sentinel');
    await until(() => c.messages.at(-1)?.text === 'sentinel', 'the sentinel');
    expect(c.messages.map((m) => m.seq)).toEqual([3, 4, 5, 6, 7]);
    expect(c.client.stats.delivered).toBe(5);
    await c.client.close();
    await publisher.client.close();
  });

  it('join without after starts from now', async () => {
    const room = `now-${transport}`;
    const publisher = await connectClient('short-polling', t.url, 'pub', []);
    await publisher.client.send(room, 'old');
    const c = await connectClient(transport, t.url, 'fresh', [room]);
    await publisher.client.send(room, 'new');
    await until(() => c.messages.length >= 1, 'the new message');
    await publisher.client.send(room, 'sentinel');
    await until(() => c.messages.at(-1)?.text === 'sentinel', 'the sentinel');
    expect(c.messages.map((m) => m.text)).toEqual(['new', 'sentinel']);
    await c.client.close();
    await publisher.client.close();
  });

  it('leave stops a room’s messages', async () => {
    const room = `leave-${transport}`;
    const stay = `stay-${transport}`;
    const c = await connectClient(transport, t.url, 'leaver', [room, stay]);
    const publisher = await connectClient('short-polling', t.url, 'pub', []);
    await publisher.client.send(room, 'before');
    await until(() => c.messages.length === 1, 'the first message');
    await c.client.leave(room);
    await publisher.client.send(room, 'after');
    // Sentinels in the room it stays in, each sent once the one before arrived. One stream or
    // queue (WebSocket, SSE, long polling) would carry 'after' ahead of the first. Short polling
    // asks every room in a round and starts a round only when the last has ended: the round
    // that brings sentinel 2 started after 'after' was stored, and it has ended by sentinel 3.
    for (const sentinel of ['sentinel 1', 'sentinel 2', 'sentinel 3']) {
      await publisher.client.send(stay, sentinel);
      await until(() => c.messages.some((m) => m.text === sentinel), sentinel);
    }
    expect(c.messages.map((m) => m.text)).toEqual(['before', 'sentinel 1', 'sentinel 2', 'sentinel 3']);
    await c.client.close();
    await publisher.client.close();
  });

  // 66,000 bytes: over maxMessageBytes (65,536) but within a WebSocket frame's limit
  // (65,536 + 4,096), so every transport answers with an error rather than a close.
  it('bad input is refused with the catalog code and the client keeps working', async () => {
    const c = await connectClient(transport, t.url, 'bad', ['lobby']);
    await expect(c.client.send('no/such room', 'x')).rejects.toMatchObject({ code: 'invalid_room' });
    await expect(c.client.send('lobby', '')).rejects.toBeInstanceOf(ProtocolError);
    await expect(c.client.send('lobby', 'x'.repeat(66_000))).rejects.toMatchObject({ code: 'payload_too_large' });
    const ok = await c.client.send('lobby', 'still fine');
    expect(ok.seq).toBeGreaterThan(0);
    await c.client.close();
  });
});
