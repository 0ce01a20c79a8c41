/**
 * Slow consumers cannot grow the server's memory without bound. Tens of MB are published to
 * a room where one WebSocket client never reads (its socket is paused) and one long-poll
 * session never polls:
 * - the WebSocket client is closed with 1013 once its unsent data passes maxBufferedBytes;
 * - the session's queue never holds more than maxQueueBytes, drops its oldest messages and
 *   says so (`gap`) at its next poll, and expires when it stops polling;
 * - readers that keep up get everything.
 * The last test does it against a real `pushlab serve` process, three rounds of 40 MB, and logs
 * its RSS before and after each (reported, not asserted tightly: RSS follows the GC's mood).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnServer, type SpawnedServer } from '../bench/targets/spawn-server.ts';
import { connectClient, startServer, type TestServer } from './helpers/server.ts';
import { until } from './helpers/until.ts';
import { rawWebSocket } from './battery-raw.ts';

const MESSAGE_BYTES = 16 * 1024;
const TOTAL_BYTES = 40 * 1024 * 1024;
const MESSAGES = TOTAL_BYTES / MESSAGE_BYTES; // 2560
const MiB = 1024 * 1024;

describe('in-process: the bounds hold while 40 MB go to a room with a stalled reader on each transport', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startServer({ maxBufferedBytes: MiB, maxQueueBytes: MiB, historySize: 100, sessionTtlMs: 60_000, holdMs: 500 });
  });
  afterAll(async () => {
    await t.close();
  });

  it('closes the WebSocket 1013 and bounds and gaps the session queue, while a reader that keeps up gets everything', async () => {
    const room = 'firehose';
    const stalled = await rawWebSocket(t.port, `nick=stalled&rooms=${room}`);
    await until(() => stalled.frames.length > 0, 'joined');
    stalled.socket.pause(); // never reads again (until the server has given up on it)

    const created = await fetch(`${t.url}/lp/sessions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ nick: 'sleeper', rooms: [room] }) });
    const { session: sessionId } = (await created.json()) as { session: string };
    const session = t.server.sessions.get(sessionId);

    // A reader that keeps up, to show the bound costs nobody else anything.
    const reader = await connectClient('websocket', t.url, 'reader', [room]);

    const text = 'x'.repeat(MESSAGE_BYTES);
    let maxQueue = 0;
    let wsClosedAt: number | undefined;
    for (let i = 1; i <= MESSAGES; i++) {
      await t.server.core.publish(room, { from: 'firehose', text });
      maxQueue = Math.max(maxQueue, session.queue.bytes);
      // The core drops a closed slow consumer: only the session and the reader remain.
      if (wsClosedAt === undefined && t.server.core.members(room) === 2) {
        wsClosedAt = i;
        stalled.socket.resume(); // read what is left, down to the close frame
      }
      // Paced by the reader that keeps up (at most 32 messages, 512 KiB, ahead of it): it must
      // not become a slow consumer itself in this shared process.
      if (i % 32 === 0) await until(() => reader.messages.length >= i, 'the reader to keep up');
    }
    expect(wsClosedAt, 'the stalled WebSocket was never closed').toBeDefined();
    expect(await stalled.closed).toBe(1013);
    // ~1 MiB buffered at 16 KiB a message, plus what the kernel's socket buffers absorbed first.
    expect(wsClosedAt).toBeLessThan(MESSAGES);

    expect(maxQueue).toBeLessThanOrEqual(MiB);
    expect(session.queue.dropped).toBeGreaterThan(MESSAGES - 100);
    const poll = (await (await fetch(`${t.url}/lp/sessions/${sessionId}/poll?cursor=0`)).json()) as { messages: { seq: number }[]; gap?: Record<string, number>; cursor: number };
    expect(poll.gap).toEqual({ [room]: 1 });
    expect(poll.messages.length).toBeGreaterThan(0);
    expect(poll.messages.length * MESSAGE_BYTES).toBeLessThanOrEqual(MiB);
    expect(poll.messages.at(-1)?.seq).toBe(MESSAGES);

    await until(() => reader.messages.length === MESSAGES, 'the reader to get everything', 20_000);
    expect(reader.messages.map((m) => m.seq)).toEqual(Array.from({ length: MESSAGES }, (_, i) => i + 1));
    await reader.client.close();
  });

  it('a session that stops polling expires (404 unknown_session), and its queue goes with it', async () => {
    const short = await startServer({ sessionTtlMs: 300, maxQueueBytes: 64 * 1024 });
    try {
      const created = await fetch(`${short.url}/lp/sessions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ nick: 'gone', rooms: ['r'] }) });
      const { session } = (await created.json()) as { session: string };
      for (let i = 0; i < 50; i++) await short.server.core.publish('r', { from: 'p', text: 'y'.repeat(4096) });
      expect(short.server.sessions.get(session).queue.bytes).toBeLessThanOrEqual(64 * 1024);
      await until(() => short.server.sessions.size === 0, 'the session to expire');
      const res = await fetch(`${short.url}/lp/sessions/${session}/poll?cursor=0`);
      expect(res.status).toBe(404);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('unknown_session');
      expect(short.server.core.members('r')).toBe(0);
    } finally {
      await short.close();
    }
  });
});

describe('a real pushlab serve process: RSS before and after 40 MB to stalled readers', () => {
  let child: SpawnedServer;
  beforeAll(async () => {
    child = await spawnServer({ args: ['--history', '100', '--max-buffered-bytes', String(MiB), '--max-queue-bytes', String(MiB)] });
  });
  afterAll(async () => {
    await child.stop();
  });

  async function rss(): Promise<number> {
    const text = await (await fetch(`${child.url}/metrics`)).text();
    const m = /^process_resident_memory_bytes (\d+)/m.exec(text);
    if (m === null) throw new Error('no process_resident_memory_bytes in /metrics');
    return Number(m[1]);
  }

  it('stays bounded over 120 MB', { timeout: 120_000 }, async () => {
    const room = 'firehose';
    const stalled = await rawWebSocket(child.port, `nick=stalled&rooms=${room}`);
    await until(() => stalled.frames.length > 0, 'joined');
    stalled.socket.pause();
    const created = await fetch(`${child.url}/lp/sessions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ nick: 'sleeper', rooms: [room] }) });
    const { session } = (await created.json()) as { session: string };

    const before = await rss();
    const body = JSON.stringify({ from: 'firehose', text: 'x'.repeat(MESSAGE_BYTES) });
    const rounds = 3;
    const after: number[] = [];
    let peak = before;
    for (let round = 0; round < rounds; round++) {
      // 8 publishers at once, 40 MB a round.
      let sent = 0;
      await Promise.all(
        Array.from({ length: 8 }, async () => {
          while (sent < MESSAGES) {
            sent++;
            const res = await fetch(`${child.url}/rooms/${room}/messages`, { method: 'POST', body, headers: { 'content-type': 'application/json' } });
            expect(res.status).toBe(201);
            await res.arrayBuffer();
            if (sent % 256 === 0) peak = Math.max(peak, await rss());
          }
        }),
      );
      after.push(await rss());
    }
    peak = Math.max(peak, ...after);
    const mib = (n: number): string => `${(n / MiB).toFixed(1)} MiB`;
    console.log(
      `slow-consumer RSS: before ${mib(before)}, after each ${TOTAL_BYTES / MiB} MiB round ${after.map(mib).join(' → ')}, peak ${mib(peak)} ` +
        `(${rounds * MESSAGES} messages of ${MESSAGE_BYTES / 1024} KiB, ${(rounds * TOTAL_BYTES) / MiB} MiB in all, to one WebSocket that never reads and one session that never polls)`,
    );
    stalled.socket.resume();
    // 1013 — or 1006 when the server had to terminate the socket 2 s after its close frame,
    // which sat behind the data this client never read (the in-process test sees the 1013 itself).
    expect([1013, 1006]).toContain(await stalled.closed);
    const poll = (await (await fetch(`${child.url}/lp/sessions/${session}/poll?cursor=0`)).json()) as { gap?: Record<string, number>; messages: unknown[] };
    expect(poll.gap?.[room]).toBe(1);
    expect(poll.messages.length * MESSAGE_BYTES).toBeLessThanOrEqual(MiB);
    // Loose on purpose (the GC decides when garbage goes): kept data would add 40 MB a round;
    // bounded data lets the later rounds add far less than that.
    const last = after.at(-1) ?? 0;
    const first = after[0] ?? 0;
    expect(last - first).toBeLessThan(TOTAL_BYTES);
  });
});
