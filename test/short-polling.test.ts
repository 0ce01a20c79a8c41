/** Short polling's own rules: answers at once, after/limit/last, gap, the client's interval. */
import { describe, expect, it } from 'vitest';
import { createClient } from '../clients/index.ts';
import type { HistoryPage } from '../protocol/types.ts';
import { http, serversPerTest, startServer } from './helpers/server.ts';
import { until } from './helpers/until.ts';

const server = serversPerTest();
const json = { 'content-type': 'application/json' };

describe('short polling', () => {
  it('answers at once with messages after N, at most limit, and the room’s last seq', async () => {
    const s = await server({ historySize: 5 });
    expect((await http(`${s.url}/rooms/empty/messages`)).json).toEqual({ room: 'empty', messages: [], last: 0 });
    for (let i = 1; i <= 8; i++) await http(`${s.url}/rooms/lobby/messages`, { method: 'POST', body: JSON.stringify({ from: 'a', text: `m${i}` }), headers: json });
    const page = (await http(`${s.url}/rooms/lobby/messages?after=5&limit=2`)).json as HistoryPage;
    expect(page.messages.map((m) => m.seq)).toEqual([6, 7]);
    expect(page.last).toBe(8);
    expect('gap' in page).toBe(false);
    const gapped = (await http(`${s.url}/rooms/lobby/messages?after=1`)).json as HistoryPage;
    expect(gapped.gap).toBe(true);
    expect(gapped.messages.map((m) => m.seq)).toEqual([4, 5, 6, 7, 8]);
    const none = (await http(`${s.url}/rooms/lobby/messages?after=8`)).json as HistoryPage;
    expect(none).toEqual({ room: 'lobby', messages: [], last: 8 });
    const clamped = (await http(`${s.url}/rooms/lobby/messages?limit=5000`)).json as HistoryPage;
    expect(clamped.messages).toHaveLength(5);
  });

  it('a page is bounded in bytes too (--max-page-bytes): it stops early, at least one message, and last tells there is more', async () => {
    const s = await server({ maxPageBytes: 1000 });
    for (let i = 1; i <= 10; i++) await http(`${s.url}/rooms/big/messages`, { method: 'POST', body: JSON.stringify({ from: 'a', text: 'z'.repeat(300) }), headers: json });
    const page = (await http(`${s.url}/rooms/big/messages?after=0`)).json as HistoryPage;
    expect(page.messages.map((m) => m.seq)).toEqual([1, 2]);
    expect(page.last).toBe(10);
    const huge = await server({ maxPageBytes: 10 });
    await http(`${huge.url}/rooms/big/messages`, { method: 'POST', body: JSON.stringify({ from: 'a', text: 'z'.repeat(300) }), headers: json });
    expect(((await http(`${huge.url}/rooms/big/messages?after=0`)).json as HistoryPage).messages).toHaveLength(1);
  });

  it('the client polls once per interval while idle, start to start', async () => {
    const s = await server();
    const client = createClient('short-polling', { baseUrl: s.url, nick: 'idle', pollIntervalMs: 100 });
    await client.connect();
    await client.join('lobby');
    const before = client.stats.requests;
    await new Promise((r) => setTimeout(r, 1050));
    const polls = client.stats.requests - before;
    // About ten polls in a second at 100 ms; the bench measures the rate precisely.
    expect(polls).toBeGreaterThanOrEqual(7);
    expect(polls).toBeLessThanOrEqual(11);
    await client.close();
  });

  it('the client tells of a gap when it fell behind history and carries on', async () => {
    const s = await server({ historySize: 3 });
    const client = createClient('short-polling', { baseUrl: s.url, nick: 'slow', pollIntervalMs: 60_000 });
    const gaps: { room: string; from: number }[] = [];
    const got: number[] = [];
    client.on('gap', (g) => gaps.push(g));
    client.on('message', (m) => got.push(m.seq));
    await client.connect();
    await client.join('lobby');
    for (let i = 1; i <= 6; i++) await http(`${s.url}/rooms/lobby/messages`, { method: 'POST', body: JSON.stringify({ from: 'a', text: `m${i}` }), headers: json });
    await (client as unknown as { pollNow(): Promise<void> }).pollNow();
    expect(gaps).toEqual([{ room: 'lobby', from: 1 }]);
    expect(got).toEqual([4, 5, 6]);
    await client.close();
  });

  it('the client survives a server restart and resumes from the last seq it saw', async () => {
    const first = await startServer();
    const port = first.port;
    const client = createClient('short-polling', { baseUrl: first.url, nick: 'r', pollIntervalMs: 50 });
    const got: string[] = [];
    client.on('message', (m) => got.push(m.text));
    await client.connect();
    await client.join('lobby');
    await http(`${first.url}/rooms/lobby/messages`, { method: 'POST', body: '{"from":"a","text":"before"}', headers: json });
    await until(() => got.length === 1, 'the first message');
    await first.close();
    await until(() => client.state === 'reconnecting', 'the client to notice');
    // The in-memory backplane forgets everything on restart: the room starts again at seq 1,
    // which a client cannot tell from old messages. Resume is about history that survives
    // (the Redis backplane); here we check only that polling comes back.
    await server({ port });
    await until(() => client.state === 'open', 'the client to recover');
    expect(client.stats.reconnects).toBe(1);
    await client.close();
  });
});
