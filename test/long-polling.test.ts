/** Long polling's own rules: the hold, the cursor that acknowledges, one poll at a time, expiry. */
import { describe, expect, it } from 'vitest';
import { LongPollingClient } from '../clients/long-polling.ts';
import { NodeHttp } from '../clients/node/http.ts';
import type { PollBatch } from '../protocol/types.ts';
import { errorCode, http, serversPerTest } from './helpers/server.ts';
import { until } from './helpers/until.ts';

const json = { 'content-type': 'application/json' };
const server = serversPerTest();

async function createSession(url: string, body: object = { nick: 'a', rooms: ['lobby'] }): Promise<{ session: string; holdMs: number; cursor: number }> {
  const answer = await http(`${url}/lp/sessions`, { method: 'POST', body: JSON.stringify(body), headers: json });
  expect(answer.status).toBe(201);
  return answer.json as { session: string; holdMs: number; cursor: number };
}

function publish(url: string, text: string, room = 'lobby') {
  return http(`${url}/rooms/${room}/messages`, { method: 'POST', body: JSON.stringify({ from: 'p', text }), headers: json });
}

describe('long polling', () => {
  it('advertises a 20-second hold by default', async () => {
    const s = await server({ holdMs: undefined });
    const created = await createSession(s.url);
    expect(created.holdMs).toBe(20_000);
    expect(created.cursor).toBe(0);
  });

  it('holds a poll until something is published, then answers with it at once', async () => {
    const s = await server({ holdMs: 10_000 });
    const { session } = await createSession(s.url);
    let answeredAt = 0;
    const poll = http(`${s.url}/lp/sessions/${session}/poll?cursor=0`).then((a) => {
      answeredAt = Date.now();
      return a;
    });
    await until(() => s.server.held.size === 1, 'the poll to be held');
    await new Promise((r) => setTimeout(r, 200));
    expect(answeredAt).toBe(0); // still held: nothing to say yet
    const publishedAt = Date.now();
    await publish(s.url, 'wake');
    const answer = await poll;
    const batch = answer.json as PollBatch;
    expect(batch.messages.map((m) => m.text)).toEqual(['wake']);
    expect(batch.cursor).toBe(1);
    // Released by the publish, not by the 10 s hold ending (how fast is the bench's business).
    expect(answeredAt - publishedAt).toBeLessThan(5_000);
    expect(s.server.held.size).toBe(0);
  });

  it('answers an idle poll empty, with the same cursor, when the hold ends', async () => {
    const s = await server({ holdMs: 300 });
    const { session } = await createSession(s.url);
    const started = Date.now();
    const answer = await http(`${s.url}/lp/sessions/${session}/poll?cursor=0`);
    expect(answer.json).toEqual({ messages: [], cursor: 0 });
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
  });

  it('redelivers a batch whose answer was lost, and drops it once acknowledged', async () => {
    const s = await server({ holdMs: 200 });
    const { session } = await createSession(s.url);
    await publish(s.url, 'one');
    await publish(s.url, 'two');
    const first = (await http(`${s.url}/lp/sessions/${session}/poll?cursor=0`)).json as PollBatch;
    expect(first.messages.map((m) => m.text)).toEqual(['one', 'two']);
    // Pretend that answer never arrived: poll again with the old cursor.
    const again = (await http(`${s.url}/lp/sessions/${session}/poll?cursor=0`)).json as PollBatch;
    expect(again).toEqual(first);
    // Acknowledge the first message only.
    const partial = (await http(`${s.url}/lp/sessions/${session}/poll?cursor=1`)).json as PollBatch;
    expect(partial.messages.map((m) => m.text)).toEqual(['two']);
    const empty = (await http(`${s.url}/lp/sessions/${session}/poll?cursor=2`)).json as PollBatch;
    expect(empty).toEqual({ messages: [], cursor: 2 });
  });

  it('answers the older of two overlapping polls empty at once and holds the newer', async () => {
    const s = await server({ holdMs: 10_000 });
    const { session } = await createSession(s.url);
    const older = http(`${s.url}/lp/sessions/${session}/poll?cursor=0`);
    await until(() => s.server.held.size === 1, 'the first poll to be held');
    const newer = http(`${s.url}/lp/sessions/${session}/poll?cursor=0`);
    expect((await older).json).toEqual({ messages: [], cursor: 0 });
    await until(() => s.server.held.size === 1, 'the second poll to be held');
    await publish(s.url, 'for the newer');
    expect(((await newer).json as PollBatch).messages.map((m) => m.text)).toEqual(['for the newer']);
  });

  it('creates a session with after: the queue starts with history past it', async () => {
    const s = await server({ holdMs: 200 });
    for (const text of ['a', 'b', 'c']) await publish(s.url, text);
    const { session } = await createSession(s.url, { nick: 'late', rooms: ['lobby'], after: { lobby: 1 } });
    const batch = (await http(`${s.url}/lp/sessions/${session}/poll?cursor=0`)).json as PollBatch;
    expect(batch.messages.map((m) => m.seq)).toEqual([2, 3]);
  });

  it('join and leave rooms of a session; DELETE answers a held poll and ends the session', async () => {
    const s = await server({ holdMs: 10_000 });
    const { session } = await createSession(s.url, { nick: 'a', rooms: [] });
    await publish(s.url, 'before', 'dev');
    const joined = await http(`${s.url}/lp/sessions/${session}/rooms/dev`, { method: 'POST' });
    expect(joined.json).toEqual({ room: 'dev', last: 1 });
    await publish(s.url, 'after join', 'dev');
    const batch = (await http(`${s.url}/lp/sessions/${session}/poll?cursor=0`)).json as PollBatch;
    expect(batch.messages.map((m) => m.text)).toEqual(['after join']);
    expect((await http(`${s.url}/lp/sessions/${session}/rooms/dev`, { method: 'DELETE' })).status).toBe(204);
    const held = http(`${s.url}/lp/sessions/${session}/poll?cursor=${batch.cursor}`);
    await until(() => s.server.held.size === 1, 'the poll to be held');
    await publish(s.url, 'after leave', 'dev');
    expect((await http(`${s.url}/lp/sessions/${session}`, { method: 'DELETE' })).status).toBe(204);
    expect((await held).json).toEqual({ messages: [], cursor: batch.cursor });
    expect(errorCode(await http(`${s.url}/lp/sessions/${session}/poll?cursor=0`))).toBe('unknown_session');
  });

  it('a client that goes away mid-hold leaves no held poll, timer or listener behind', async () => {
    const s = await server({ holdMs: 60_000, sessionTtlMs: 300 });
    const { session } = await createSession(s.url);
    const controller = new AbortController();
    const poll = fetch(`${s.url}/lp/sessions/${session}/poll?cursor=0`, { signal: controller.signal }).catch(() => 'aborted');
    await until(() => s.server.held.size === 1, 'the poll to be held');
    controller.abort();
    expect(await poll).toBe('aborted');
    await until(() => s.server.held.size === 0, 'the held poll to be forgotten');
    // With no poll under way, the session's expiry clock runs again.
    await until(() => s.server.sessions.size === 0, 'the session to expire');
  });

  it('a session whose polls are always answered at once does not expire', async () => {
    const s = await server({ holdMs: 5000, sessionTtlMs: 300 });
    const { session } = await createSession(s.url);
    let cursor = 0;
    // Poll for well past the TTL, each poll finding a message waiting (never held).
    for (let i = 0; i < 12; i++) {
      await publish(s.url, `m${i}`);
      const batch = (await http(`${s.url}/lp/sessions/${session}/poll?cursor=${cursor}`)).json as PollBatch;
      expect(batch.messages.length).toBeGreaterThan(0);
      cursor = batch.cursor;
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(s.server.sessions.size).toBe(1);
  });

  it('reports a gap when the bounded queue drops messages a slow client never acknowledged', async () => {
    const s = await server({ holdMs: 200, maxQueueBytes: 2000 });
    const { session } = await createSession(s.url);
    for (let i = 0; i < 30; i++) await publish(s.url, `m${i}`.padEnd(100, '.'));
    const batch = (await http(`${s.url}/lp/sessions/${session}/poll?cursor=0`)).json as PollBatch & { gap?: Record<string, number> };
    expect(batch.gap).toEqual({ lobby: 1 });
    expect(batch.messages.length).toBeLessThan(30);
    expect(batch.messages.at(-1)?.seq).toBe(30);
  });

  it('the client resumes after its session expires, losing nothing history holds', async () => {
    const s = await server({ holdMs: 200, sessionTtlMs: 10_000 });
    const client = new LongPollingClient({ baseUrl: s.url, nick: 'resumer', http: new NodeHttp(), backoffMinMs: 20, backoffMaxMs: 100 });
    const got: number[] = [];
    client.on('message', (m) => got.push(m.seq));
    await client.connect();
    await client.join('lobby');
    await publish(s.url, 'one');
    await until(() => got.length === 1, 'the first message');
    // Expire the session on the server while messages keep coming.
    const first = client.session;
    s.server.sessions.end(s.server.sessions.get(first ?? ''));
    await publish(s.url, 'two');
    await publish(s.url, 'three');
    await until(() => got.length === 3, 'the messages published while the session was gone');
    expect(got).toEqual([1, 2, 3]);
    expect(client.session).not.toBe(first);
    expect(client.stats.reconnects).toBeGreaterThanOrEqual(1);
    expect(client.stats.duplicates).toBe(0);
    await client.close();
  });
});
