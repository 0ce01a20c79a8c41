import { describe, expect, it } from 'vitest';
import { ChatCore, type Member } from '../servers/core/chat-core.ts';
import { Envelope } from '../servers/core/envelope.ts';
import { MemoryBackplane } from '../servers/core/memory-backplane.ts';
import { SeqRing } from '../servers/core/ring.ts';
import { SessionQueue } from '../servers/core/session-queue.ts';
import { messageId } from '../servers/core/ids.ts';

function envelope(room: string, seq: number, text = 'x'): Envelope {
  return new Envelope({ room, seq, id: `id${seq}`, from: 'a', text, ts: 0 });
}

class Recorder implements Member {
  readonly got: number[] = [];
  readonly joins: { room: string; last: number; gap: number | undefined }[] = [];
  joined(room: string, last: number, gap: number | undefined): void {
    this.joins.push({ room, last, gap });
  }
  deliver(e: Envelope): void {
    this.got.push(e.seq);
  }
}

describe('SeqRing', () => {
  it('keeps the newest `capacity` items and answers after(N)', () => {
    const ring = new SeqRing<Envelope>(3);
    for (let seq = 1; seq <= 5; seq++) ring.push(envelope('r', seq));
    expect(ring.oldest).toBe(3);
    expect(ring.newest).toBe(5);
    expect(ring.after(0, 10).map((e) => e.seq)).toEqual([3, 4, 5]);
    expect(ring.after(3, 10).map((e) => e.seq)).toEqual([4, 5]);
    expect(ring.after(3, 1).map((e) => e.seq)).toEqual([4]);
    expect(ring.after(5, 10)).toEqual([]);
  });

  it('refuses a seq that does not follow the newest', () => {
    const ring = new SeqRing<Envelope>(3);
    ring.push(envelope('r', 1));
    expect(() => ring.push(envelope('r', 3))).toThrow(RangeError);
  });
});

describe('MemoryBackplane', () => {
  it('assigns seq 1, 2, 3 per room, with no gaps, independently per room', async () => {
    const bp = new MemoryBackplane();
    const seqs = [];
    for (let i = 0; i < 3; i++) seqs.push((await bp.publish('a', { from: 'x', text: 't' })).seq);
    seqs.push((await bp.publish('b', { from: 'x', text: 't' })).seq);
    expect(seqs).toEqual([1, 2, 3, 1]);
    expect(await bp.last('a')).toBe(3);
    expect(await bp.last('nope')).toBe(0);
  });

  it('bounds history and reports a gap when after+1 is gone', async () => {
    const bp = new MemoryBackplane({ historySize: 5 });
    for (let i = 0; i < 12; i++) await bp.publish('a', { from: 'x', text: `m${i}` });
    const page = await bp.history('a', 2, 100);
    expect(page.last).toBe(12);
    expect(page.gap).toBe(true);
    expect(page.messages.map((e) => e.seq)).toEqual([8, 9, 10, 11, 12]);
    const fresh = await bp.history('a', 8, 100);
    expect(fresh.gap).toBe(false);
    expect(fresh.messages.map((e) => e.seq)).toEqual([9, 10, 11, 12]);
    expect((await bp.history('a', 12, 100)).gap).toBe(false);
    expect((await bp.history('a', 0, 0)).messages).toEqual([]);
  });

  it('passes sentAt through untouched and leaves it out when absent', async () => {
    const bp = new MemoryBackplane();
    const withSentAt = await bp.publish('a', { from: 'x', text: 't', sentAt: 1732270000120.5 });
    const without = await bp.publish('a', { from: 'x', text: 't' });
    expect(withSentAt.message.sentAt).toBe(1732270000120.5);
    expect('sentAt' in without.message).toBe(false);
    expect(JSON.parse(withSentAt.json)).toEqual(withSentAt.message);
  });
});

describe('ChatCore', () => {
  it('fans a message out to every member of its room, and only that room', async () => {
    const core = new ChatCore(new MemoryBackplane());
    const a = new Recorder();
    const b = new Recorder();
    const other = new Recorder();
    await core.join('lobby', a);
    await core.join('lobby', b);
    await core.join('dev', other);
    await core.publish('lobby', { from: 'x', text: 'hi' });
    expect(a.got).toEqual([1]);
    expect(b.got).toEqual([1]);
    expect(other.got).toEqual([]);
    core.leave('lobby', a);
    await core.publish('lobby', { from: 'x', text: 'again' });
    expect(a.got).toEqual([1]);
    expect(b.got).toEqual([1, 2]);
  });

  it('join with after replays history first, then live, with the joined call before both', async () => {
    const core = new ChatCore(new MemoryBackplane());
    for (let i = 0; i < 4; i++) await core.publish('lobby', { from: 'x', text: 't' });
    const m = new Recorder();
    const last = await core.join('lobby', m, 1);
    expect(last).toBe(4);
    expect(m.joins).toEqual([{ room: 'lobby', last: 4, gap: undefined }]);
    await core.publish('lobby', { from: 'x', text: 't' });
    expect(m.got).toEqual([2, 3, 4, 5]);
  });

  it('join with an after that history no longer holds reports the first missed seq', async () => {
    const core = new ChatCore(new MemoryBackplane({ historySize: 2 }), { historySize: 2 });
    for (let i = 0; i < 5; i++) await core.publish('lobby', { from: 'x', text: 't' });
    const m = new Recorder();
    await core.join('lobby', m, 1);
    expect(m.joins[0]?.gap).toBe(2);
    expect(m.got).toEqual([4, 5]);
  });

  it('a member that throws does not cost the others their copy', async () => {
    const core = new ChatCore(new MemoryBackplane());
    const bad: Member = { deliver: () => { throw new Error('boom'); } };
    const good = new Recorder();
    await core.join('lobby', bad);
    await core.join('lobby', good);
    await core.publish('lobby', { from: 'x', text: 't' });
    expect(good.got).toEqual([1]);
  });
});

describe('SessionQueue', () => {
  it('gives each message the next cursor and keeps it until acknowledged', () => {
    const q = new SessionQueue(1 << 20);
    q.push(envelope('r', 1));
    q.push(envelope('r', 2));
    expect(q.batch()?.cursor).toBe(2);
    // Not acknowledged: the same batch again (a lost answer is redelivered).
    expect(q.batch()?.envelopes.map((e) => e.seq)).toEqual([1, 2]);
    q.ack(1);
    expect(q.batch()?.envelopes.map((e) => e.seq)).toEqual([2]);
    q.ack(2);
    expect(q.batch()).toBeUndefined();
    expect(q.bytes).toBe(0);
    expect(q.newest).toBe(2);
  });

  it('is bounded by bytes: drops the oldest and reports the first missed seq per room until acked', () => {
    const one = envelope('r', 1, 'x'.repeat(100)).bytes;
    const q = new SessionQueue(one * 3);
    for (let seq = 1; seq <= 5; seq++) q.push(envelope('r', seq, 'x'.repeat(100)));
    const batch = q.batch();
    expect(batch?.envelopes.map((e) => e.seq)).toEqual([3, 4, 5]);
    expect(batch?.gap).toEqual({ r: 1 });
    expect(q.bytes).toBeLessThanOrEqual(one * 3);
    expect(q.dropped).toBe(2);
    // Acknowledging a batch that carried the gap clears it.
    q.ack(batch?.cursor ?? 0);
    q.push(envelope('r', 6, 'x'.repeat(100)));
    expect(q.batch()?.gap).toBeUndefined();
  });

  it('keeps the newest message even when it alone is over the bound', () => {
    const q = new SessionQueue(10);
    q.push(envelope('r', 1, 'x'.repeat(100)));
    expect(q.batch()?.envelopes.length).toBe(1);
  });

  it('compacts its array as acknowledgements move on', () => {
    const q = new SessionQueue(1 << 30);
    for (let seq = 1; seq <= 500; seq++) {
      q.push(envelope('r', seq));
      q.ack(seq);
    }
    expect(q.length).toBe(0);
    expect(q.bytes).toBe(0);
  });
});

describe('message ids', () => {
  it('are 26 Crockford base32 characters and sort by time', () => {
    const a = messageId(1_700_000_000_000);
    const b = messageId(1_700_000_000_001);
    expect(a).toMatch(/^[0-9A-HJKMNP-TV-Z]{26}$/);
    expect(a < b).toBe(true);
  });
});
