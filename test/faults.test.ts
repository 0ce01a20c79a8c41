/**
 * Faults, per transport, with the real Node clients: connections dropped mid-stream or in the
 * middle of a message, answers
 * lost on the way, frames swallowed, a server restart. Each time the client resumes from
 * the last seq it saw: no duplicates shown, nothing lost while history covers the gap —
 * and past it, the client reports the gap (the first seq it will never get).
 *
 * The faults come from a TCP proxy between client and server (test/faults-proxy.ts); the
 * messages are published on the server side, so the stream never pauses for the client.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createClient, type ChatClient, type GapNotice } from '../clients/index.ts';
import { MemoryBackplane } from '../servers/core/memory-backplane.ts';
import { createPushlabServer, type PushlabServer } from '../servers/server.ts';
import { TRANSPORTS, type ChatMessage, type Transport } from '../protocol/types.ts';
import type { ServerOptions } from '../servers/options.ts';
import { faultProxy, type FaultProxy } from './faults-proxy.ts';
import { until } from './helpers/until.ts';

interface Watched {
  client: ChatClient;
  messages: ChatMessage[];
  gaps: GapNotice[];
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => {});
});

async function serve(options: Partial<ServerOptions> = {}, backplane?: MemoryBackplane): Promise<{ server: PushlabServer; port: number; url: string }> {
  const server = await createPushlabServer({ port: 0, holdMs: 1000, pollIntervalMs: 50, ...options }, backplane);
  const { port, url } = await server.listen();
  cleanups.push(() => server.shutdown());
  return { server, port, url };
}

async function watch(transport: Transport, baseUrl: string, room: string): Promise<Watched> {
  const client = createClient(transport, { baseUrl, nick: `w-${transport}`, pollIntervalMs: 50, backoffMinMs: 10, backoffMaxMs: 100 });
  const messages: ChatMessage[] = [];
  const gaps: GapNotice[] = [];
  client.on('message', (m) => messages.push(m));
  client.on('gap', (g) => gaps.push(g));
  await client.connect();
  await client.join(room);
  cleanups.push(() => client.close());
  return { client, messages, gaps };
}

/** A server, a fault proxy in front of it, and a client of `transport` joined to `room` through the proxy. */
async function throughProxy(transport: Transport, room: string, options: Partial<ServerOptions> = {}): Promise<{ server: PushlabServer; proxy: FaultProxy; w: Watched }> {
  const { server, port } = await serve(options);
  const proxy = await faultProxy(port);
  cleanups.push(() => proxy.close());
  return { server, proxy, w: await watch(transport, proxy.url, room) };
}

const seqs = (from: number, to: number): number[] => Array.from({ length: to - from + 1 }, (_, i) => from + i);
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Publish `count` messages on the server side, one every `everyMs`, calling `during(i)` between them. */
async function stream(server: PushlabServer, room: string, count: number, everyMs: number, during?: (i: number) => void): Promise<void> {
  for (let i = 1; i <= count; i++) {
    await server.core.publish(room, { from: 'pub', text: `m${i}` });
    during?.(i);
    await sleep(everyMs);
  }
}

/**
 * Publish a sentinel after the messages under test and wait for it. One room arrives in seq
 * order on every transport, so whatever else was still coming (a duplicate, a replay after a
 * resume) is in before it. Returns its seq.
 */
async function sentinel(server: PushlabServer, w: Watched, room: string): Promise<number> {
  const { message } = await server.core.publish(room, { from: 'pub', text: 'sentinel' });
  await until(() => w.messages.some((m) => m.seq === message.seq && m.text === 'sentinel'), 'the sentinel', 15_000);
  return message.seq;
}

function expectExactly(w: Watched, expected: number[]): void {
  expect(w.messages.map((m) => m.seq)).toEqual(expected);
  expect(w.gaps).toEqual([]);
}

describe.each(TRANSPORTS)('%s', (transport) => {
  it('survives connections dropped mid-stream: resumes from its last seq, nothing lost, nothing shown twice', async () => {
    const room = 'cuts';
    const { server, proxy, w } = await throughProxy(transport, room);
    const count = 200;
    await stream(server, room, count, 4, (i) => {
      if (i % 40 === 0) proxy.cut();
    });
    await until(() => w.messages.length >= count, `${transport} to get all ${count} messages (has ${w.messages.length})`, 15_000);
    expectExactly(w, seqs(1, await sentinel(server, w, room)));
    expect(proxy.stats.cuts).toBeGreaterThan(0);
  });

  it('survives a connection cut in the middle of a message: the torn message and the rest arrive, once each', async () => {
    const room = 'torn';
    const { server, proxy, w } = await throughProxy(transport, room);
    const count = 120;
    // Long texts, so a message spans more than one TCP chunk's worth of tearing.
    for (let i = 1; i <= count; i++) {
      await server.core.publish(room, { from: 'pub', text: `m${i}-${'x'.repeat(2000)}` });
      if (i % 30 === 0) proxy.tearNext();
      await sleep(4);
    }
    await until(() => w.messages.length >= count, `${transport} to get all ${count} messages (has ${w.messages.length})`, 15_000);
    expectExactly(w, seqs(1, await sentinel(server, w, room)));
    expect(proxy.stats.torn).toBeGreaterThan(0);
  });

  it('survives answers lost on the way: what was lost is sent again', async () => {
    const room = 'lost';
    const { server, proxy, w } = await throughProxy(transport, room);
    if (transport === 'websocket' || transport === 'sse') {
      // A stream's frames (events) vanish for a while, then the connection dies.
      await stream(server, room, 150, 4, (i) => {
        if (i % 50 === 10) proxy.swallowThenCut(60);
      });
    } else {
      // Poll answers (held polls, history pages) that carry messages never arrive.
      proxy.loseResponses(transport === 'long-polling' ? /\/poll\?/ : /\/messages\?after=/, 4);
      await stream(server, room, 150, 4);
    }
    await until(() => w.messages.length >= 150, `${transport} to get all 150 messages (has ${w.messages.length})`, 15_000);
    expectExactly(w, seqs(1, await sentinel(server, w, room)));
    if (transport === 'websocket' || transport === 'sse') expect(proxy.stats.cuts).toBeGreaterThan(0);
    else expect(proxy.stats.lost).toBeGreaterThan(0);
  });

  it('survives a server restart while history persists (a backplane that outlives the process, as Redis does)', async () => {
    const backplane = new MemoryBackplane({ historySize: 1000 });
    const first = await serve({}, backplane);
    const room = 'restart';
    const w = await watch(transport, first.url, room);
    await stream(first.server, room, 30, 4);
    await until(() => w.messages.length >= 30, 'the first 30');
    await first.server.shutdown();
    // While it is down, the room goes on (other instances publish to the shared backplane).
    for (let i = 31; i <= 60; i++) await backplane.publish(room, { from: 'elsewhere', text: `m${i}` });
    await sleep(300);
    const second = await serve({ port: first.port }, backplane);
    await stream(second.server, room, 30, 4);
    await until(() => w.messages.length >= 90, `${transport} to get all 90 (has ${w.messages.length})`, 15_000);
    expectExactly(w, seqs(1, await sentinel(second.server, w, room)));
    expect(w.client.stats.reconnects).toBeGreaterThan(0);
  });

  it('after a restart that lost history (memory backplane), it follows the new server from its first message', async () => {
    const first = await serve();
    const room = 'amnesia';
    const w = await watch(transport, first.url, room);
    await stream(first.server, room, 20, 4);
    await until(() => w.messages.length >= 20, 'the first 20');
    await first.server.shutdown();
    const second = await serve({ port: first.port });
    // Give the client time to notice the new server before it publishes.
    await sleep(500);
    await stream(second.server, room, 10, 4);
    await until(() => w.messages.filter((m) => m.text.startsWith('m')).length >= 30, `${transport} to get the new server's messages`, 15_000);
    await sentinel(second.server, w, room);
    const texts = w.messages.map((m) => m.text);
    expect(texts).toEqual([...[...seqs(1, 20), ...seqs(1, 10)].map((n) => `m${n}`), 'sentinel']);
  });

  it('past what history holds, it reports the gap and goes on from the oldest message kept', async () => {
    const history = 20;
    const room = 'gap';
    const { server, proxy, w } = await throughProxy(transport, room, { historySize: history, sessionTtlMs: 300 });
    await stream(server, room, 10, 2);
    await until(() => w.messages.length >= 10, 'the first 10');
    proxy.block(true);
    // 60 messages while it cannot connect (long enough for a long-poll session to expire).
    await stream(server, room, 60, 2);
    await sleep(800);
    proxy.block(false);
    const kept = seqs(70 - history + 1, 70);
    await until(() => w.messages.length >= 10 + history, `${transport} to get what history kept (has ${w.messages.length})`, 15_000);
    const last = await sentinel(server, w, room);
    expect(w.gaps).toEqual([{ room, from: 11 }]);
    expect(w.messages.map((m) => m.seq)).toEqual([...seqs(1, 10), ...kept, last]);
  });
});
