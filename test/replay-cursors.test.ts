/**
 * Lazy long-poll replay (servers/core/replay-cursors.ts through LpSessions): a session made
 * with `after` holds cursors into history, not copies; polls fill its queue a step at a time,
 * replay before live, in seq order, with a gap where history no longer reaches; the room cap
 * and the shared queue budget refuse what is past them.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ChatCore } from '../servers/core/chat-core.ts';
import { LpSessions, type LpSession } from '../servers/core/lp-sessions.ts';
import { MemoryBackplane } from '../servers/core/memory-backplane.ts';
import { ProtocolError } from '../protocol/errors.ts';

let open: LpSessions[] = [];
afterEach(() => {
  for (const s of open) s.endAll();
  open = [];
});

function setup(options: { historySize?: number; maxPageBytes?: number; maxRooms?: number; maxTotalQueueBytes?: number } = {}): { core: ChatCore; sessions: LpSessions } {
  const core = new ChatCore(new MemoryBackplane({ historySize: options.historySize ?? 1000 }), { historySize: options.historySize ?? 1000 });
  const sessions = new LpSessions(core, { maxQueueBytes: 1 << 20, sessionTtlMs: 60_000, maxSessions: 100, ...options });
  open.push(sessions);
  return { core, sessions };
}

async function publish(core: ChatCore, room: string, count: number, text = 'm'): Promise<void> {
  for (let i = 0; i < count; i++) await core.publish(room, { from: 'p', text });
}

/** Poll until the queue has nothing owed or queued; the (room, seq) pairs in order, and gaps seen. */
async function drain(sessions: LpSessions, session: LpSession): Promise<{ got: string[]; gaps: Record<string, number>[]; polls: number }> {
  const got: string[] = [];
  const gaps: Record<string, number>[] = [];
  let polls = 0;
  while (session.readable) {
    polls++;
    await sessions.fill(session);
    const batch = session.queue.batch();
    if (batch === undefined) break;
    for (const e of batch.envelopes) got.push(`${e.room}:${e.seq}`);
    if (batch.gap !== undefined) gaps.push(batch.gap);
    session.queue.ack(batch.cursor);
  }
  return { got, gaps, polls };
}

describe('lazy replay', () => {
  it('queues nothing at creation; polls replay history, then live messages, each once, in order', async () => {
    const { core, sessions } = setup();
    await publish(core, 'a', 50);
    await publish(core, 'b', 20);
    const session = await sessions.create('n', ['a', 'b'], { a: 10, b: 0 });
    expect(session.queue.length).toBe(0);
    expect(session.readable).toBe(true);
    // Live messages while the replay is owed: they come after it, not before.
    await publish(core, 'a', 5);
    expect(session.queue.length).toBe(0);
    const { got } = await drain(sessions, session);
    const a = got.filter((k) => k.startsWith('a:')).map((k) => Number(k.slice(2)));
    const b = got.filter((k) => k.startsWith('b:')).map((k) => Number(k.slice(2)));
    expect(a).toEqual(Array.from({ length: 45 }, (_, i) => 11 + i));
    expect(b).toEqual(Array.from({ length: 20 }, (_, i) => 1 + i));
    // Caught up: live again, straight into the queue.
    await publish(core, 'a', 1);
    expect(session.queue.batch()?.envelopes.map((e) => e.seq)).toEqual([56]);
  });

  it('moves at most a step per poll (maxPageBytes here), at least one message', async () => {
    const { core, sessions } = setup({ maxPageBytes: 1000 });
    await publish(core, 'a', 100, 'x'.repeat(100));
    const session = await sessions.create('n', ['a'], { a: 0 });
    const { got, polls } = await drain(sessions, session);
    expect(got.length).toBe(100);
    expect(polls).toBeGreaterThan(10);
  });

  it('reports a gap where history no longer reaches', async () => {
    const { core, sessions } = setup({ historySize: 10 });
    await publish(core, 'a', 30);
    const session = await sessions.create('n', ['a'], { a: 5 });
    const { got, gaps } = await drain(sessions, session);
    expect(got).toEqual(Array.from({ length: 10 }, (_, i) => `a:${21 + i}`));
    expect(gaps[0]).toEqual({ a: 6 });
  });

  it('refuses more rooms than maxRooms (invalid_room), at creation and on join', async () => {
    const { sessions } = setup({ maxRooms: 2 });
    await expect(sessions.create('n', ['a', 'b', 'c'], undefined)).rejects.toMatchObject({ code: 'invalid_room' });
    const session = await sessions.create('n', ['a', 'b'], undefined);
    await expect(sessions.join(session, 'c', undefined)).rejects.toBeInstanceOf(ProtocolError);
    await expect(sessions.join(session, 'a', 0)).resolves.toBe(0);
  });

  it('refuses new sessions once all queues hold the budget, and gives bytes back when a session ends', async () => {
    const { core, sessions } = setup({ maxTotalQueueBytes: 500 });
    const first = await sessions.create('n', ['a'], undefined);
    await publish(core, 'a', 10, 'y'.repeat(60));
    expect(sessions.budget.used).toBeGreaterThanOrEqual(500);
    await expect(sessions.create('m', [], undefined)).rejects.toMatchObject({ code: 'rate_limited' });
    sessions.end(first);
    expect(sessions.budget.used).toBe(0);
    await expect(sessions.create('m', [], undefined)).resolves.toBeDefined();
  });
});
