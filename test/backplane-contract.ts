/**
 * The backplane contract (servers/core/backplane.ts), one suite run against every backplane:
 * test/memory-backplane.test.ts and test/redis-backplane.test.ts. Answers are checked against
 * the same expected values — and `history` against a reference model (historyOf over a
 * SeqRing, what the memory backplane answers) for every (after, limit) — so the backplanes
 * answer identically.
 *
 * A group is what shares one store: two Redis backplanes on one Redis are two instances; the
 * memory backplane is its own only instance, so "the other instance" is itself.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Backplane, HistoryResult } from '../servers/core/backplane.ts';
import { Envelope } from '../servers/core/envelope.ts';
import { historyOf } from '../servers/core/memory-backplane.ts';
import { SeqRing } from '../servers/core/ring.ts';
import { until } from './helpers/until.ts';

export interface BackplaneFixture {
  /** Instances sharing one store (1 or more), every one with historySize `historySize`. */
  group(historySize: number): Promise<Backplane[]>;
  /** Close everything made. */
  cleanup(): Promise<void>;
}

function uniqueRoom(tag: string): string {
  return `${tag}-${randomBytes(6).toString('hex')}`;
}

/** Every envelope the listener of `backplane` receives, per room. */
function record(backplane: Backplane): Map<string, Envelope[]> {
  const got = new Map<string, Envelope[]>();
  backplane.setListener((envelope) => {
    let list = got.get(envelope.room);
    if (list === undefined) got.set(envelope.room, (list = []));
    list.push(envelope);
  });
  return got;
}

function shape(result: HistoryResult): { seqs: number[]; jsons: string[]; last: number; gap: boolean } {
  return { seqs: result.messages.map((m) => m.seq), jsons: result.messages.map((m) => m.json), last: result.last, gap: result.gap };
}

export function backplaneContract(name: string, makeFixture: () => Promise<BackplaneFixture>): void {
  describe(`backplane contract: ${name}`, () => {
    let fixture: BackplaneFixture;
    let a: Backplane;
    let b: Backplane;
    let gotA: Map<string, Envelope[]>;
    let gotB: Map<string, Envelope[]>;

    beforeAll(async () => {
      fixture = await makeFixture();
      const group = await fixture.group(1000);
      a = group[0] as Backplane;
      b = group[1] ?? a;
      gotA = record(a);
      gotB = b === a ? gotA : record(b);
    });

    afterAll(async () => {
      await fixture.cleanup();
    });

    it('assigns seq 1, 2, 3 … per room and builds the message as the protocol shows it', async () => {
      const room = uniqueRoom('seq');
      const other = uniqueRoom('other');
      const first = await a.publish(room, { from: 'alice', text: 'hi' });
      const second = await b.publish(room, { from: 'bob', text: 'héllo "quoted"\n', sentAt: 1732270000120.5 });
      const elsewhere = await a.publish(other, { from: 'carol', text: 'x' });
      expect([first.seq, second.seq, elsewhere.seq]).toEqual([1, 2, 1]);
      expect(Object.keys(first.message)).toEqual(['room', 'seq', 'id', 'from', 'text', 'ts']);
      expect(first.message).toMatchObject({ room, seq: 1, from: 'alice', text: 'hi' });
      expect(first.message.id).toMatch(/^[0-9A-HJKMNP-TV-Z]{26}$/);
      expect(Math.abs(first.message.ts - Date.now())).toBeLessThan(10_000);
      expect(second.message.sentAt).toBe(1732270000120.5);
      expect(Object.keys(second.message)).toEqual(['room', 'seq', 'id', 'from', 'text', 'ts', 'sentAt']);
      // The envelope's JSON is the message, serialized once.
      for (const e of [first, second, elsewhere]) expect(e.json).toBe(JSON.stringify(e.message));
      expect(await a.last(room)).toBe(2);
      expect(await b.last(other)).toBe(1);
      expect(await a.last(uniqueRoom('empty'))).toBe(0);
    });

    it('delivers each message once, in seq order, to every subscribed instance — the publisher included', async () => {
      const room = uniqueRoom('fanout');
      await a.subscribe(room);
      await b.subscribe(room);
      await a.subscribe(room); // idempotent
      // Both instances publish at once: the seqs interleave but stay contiguous.
      const sent = await Promise.all(Array.from({ length: 60 }, (_, i) => (i % 2 === 0 ? a : b).publish(room, { from: `u${i}`, text: `m${i}` })));
      expect(sent.map((e) => e.seq).sort((x, y) => x - y)).toEqual(Array.from({ length: 60 }, (_, i) => i + 1));
      const expected = Array.from({ length: 60 }, (_, i) => i + 1);
      await until(() => (gotA.get(room)?.length ?? 0) >= 60 && (gotB.get(room)?.length ?? 0) >= 60, 'fan-out to both instances', 5000);
      // A sentinel after the burst: once it is in, any duplicate of the burst would be too (per-room order).
      sent.push(await a.publish(room, { from: 'sentinel', text: 'end' }));
      await until(() => gotA.get(room)?.at(-1)?.seq === 61 && gotB.get(room)?.at(-1)?.seq === 61, 'the sentinel on both instances', 5000);
      expect(gotA.get(room)?.map((e) => e.seq)).toEqual([...expected, 61]);
      expect(gotB.get(room)?.map((e) => e.seq)).toEqual([...expected, 61]);
      // What the listener gets is what the publisher was answered, byte for byte.
      const bySeq = new Map(sent.map((e) => [e.seq, e.json]));
      for (const e of gotB.get(room) ?? []) {
        expect(e.json).toBe(bySeq.get(e.seq));
        expect(e.json).toBe(JSON.stringify(e.message));
      }
    });

    it('history answers from the same store on every instance', async () => {
      const room = uniqueRoom('hist');
      for (let i = 1; i <= 5; i++) await (i % 2 === 0 ? a : b).publish(room, { from: 'h', text: `t${i}` });
      const fromA = shape(await a.history(room, 0, 1000));
      const fromB = shape(await b.history(room, 0, 1000));
      expect(fromA).toEqual(fromB);
      expect(fromA.seqs).toEqual([1, 2, 3, 4, 5]);
      expect(fromA.last).toBe(5);
      expect(fromA.gap).toBe(false);
      expect(shape(await b.history(room, 2, 2)).seqs).toEqual([3, 4]);
      expect(shape(await b.history(room, 5, 10))).toEqual({ seqs: [], jsons: [], last: 5, gap: false });
      expect(shape(await b.history(room, 9, 10))).toEqual({ seqs: [], jsons: [], last: 5, gap: false });
      expect(shape(await a.history(room, 0, 0))).toEqual({ seqs: [], jsons: [], last: 5, gap: false });
      expect(shape(await a.history(uniqueRoom('none'), 0, 10))).toEqual({ seqs: [], jsons: [], last: 0, gap: false });
    });

    it('keeps the last historySize messages and reports gap exactly as the reference model does', async () => {
      const historySize = 7;
      const [small, smallOther] = await fixture.group(historySize);
      const x = small as Backplane;
      const y = smallOther ?? x;
      const room = uniqueRoom('ring');
      const model = new SeqRing<Envelope>(historySize);
      const check = async (): Promise<void> => {
        const last = model.newest;
        for (let after = 0; after <= last + 2; after++) {
          for (const limit of [0, 1, 3, historySize, 1000]) {
            const want = historyOf(model.size === 0 ? undefined : model, after, limit);
            const got = await (after % 2 === 0 ? x : y).history(room, after, limit);
            expect(shape(got), `after=${after} limit=${limit}`).toEqual(shape(want));
          }
        }
      };
      await check();
      for (let i = 1; i <= 17; i++) {
        model.push(await (i % 3 === 0 ? y : x).publish(room, { from: 'r', text: `n${i}` }));
        if (i === 1 || i === 7 || i === 8 || i === 17) await check();
      }
      const tail = await x.history(room, 0, 1000);
      expect(tail.messages.map((m) => m.seq)).toEqual([11, 12, 13, 14, 15, 16, 17]);
      expect(tail.gap).toBe(true);
      expect((await x.history(room, 10, 1000)).gap).toBe(false);
      expect((await x.history(room, 9, 1000)).gap).toBe(true);
    });

    it('stops delivering after unsubscribe and resumes after subscribe', async () => {
      const room = uniqueRoom('unsub');
      const stay = uniqueRoom('stay');
      await a.subscribe(room);
      await a.subscribe(stay);
      await a.publish(room, { from: 'u', text: '1' });
      await until(() => (gotA.get(room)?.length ?? 0) === 1, 'first message', 5000);
      await a.unsubscribe(room);
      if (b !== a) {
        await b.publish(room, { from: 'u', text: '2' });
        // A sentinel in a room a is still in, published after: a's subscriber gets the rooms'
        // messages in publish order, so '2' would be in before it.
        await b.publish(stay, { from: 'u', text: 'sentinel' });
        await until(() => (gotA.get(stay)?.length ?? 0) === 1, 'the sentinel', 5000);
        expect(gotA.get(room)?.map((e) => e.seq)).toEqual([1]);
      }
      await a.subscribe(room);
      const third = await b.publish(room, { from: 'u', text: '3' });
      await until(() => gotA.get(room)?.some((e) => e.seq === third.seq) === true, 'message after re-subscribe', 5000);
    });
  });
}
