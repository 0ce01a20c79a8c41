/** The room sequencer without Redis: ordering, duplicates, catch-up from history, resync, floor. */
import { describe, expect, it } from 'vitest';
import { Envelope } from '../servers/core/envelope.ts';
import { RoomSequencer, type SequencerSource } from '../servers/core/room-sequencer.ts';
import type { HistoryResult } from '../servers/core/backplane.ts';

const msg = (seq: number, room = 'lobby'): Envelope => new Envelope({ room, seq, id: `m${seq}`, from: 'a', text: `t${seq}`, ts: seq });

/** An in-memory history: `stored` are the seqs it holds; `floors` records floor() calls. */
/** `top` is the store's newest seq. */
function source(stored: number[], top = stored.at(-1) ?? 0): SequencerSource & { floors: number[]; fail: boolean; top: number } {
  const s = {
    floors: [] as number[],
    fail: false,
    top,
    last: async (): Promise<number> => s.top,
    history: async (room: string, after: number, limit: number): Promise<HistoryResult> => {
      if (s.fail) throw new Error('store down');
      const messages = stored.filter((q) => q > after).slice(0, limit).map((q) => msg(q, room));
      return { messages, last: s.top, gap: false };
    },
    floor: async (_room: string, seq: number): Promise<void> => {
      s.floors.push(seq);
    },
  };
  return s;
}

function sequencer(src: SequencerSource, pageSize = 100): { seq: RoomSequencer; got: number[]; failures: number[] } {
  const got: number[] = [];
  const failures: number[] = [];
  const seq = new RoomSequencer({ source: src, pageSize, dispatch: (e) => got.push(e.seq), onCatchUpFailed: () => failures.push(1) });
  return { seq, got, failures };
}

const settle = (): Promise<void> => new Promise((r) => setImmediate(r));

describe('room sequencer', () => {
  it('takes the newest seq as its baseline and dispatches what follows, in order, once', async () => {
    const { seq, got } = sequencer(source([1, 2, 3]));
    await seq.subscribe('lobby', async () => {});
    seq.receive('lobby', msg(4));
    seq.receive('lobby', msg(4));
    seq.receive('lobby', msg(3));
    seq.receive('lobby', msg(5));
    expect(got).toEqual([4, 5]);
  });

  it('ignores rooms it does not follow, and forgets a room on unsubscribe', async () => {
    const { seq, got } = sequencer(source([]));
    seq.receive('lobby', msg(1));
    await seq.subscribe('lobby', async () => {});
    expect(seq.rooms()).toEqual(['lobby']);
    expect(seq.unsubscribe('lobby')).toBe(true);
    expect(seq.unsubscribe('lobby')).toBe(false);
    seq.receive('lobby', msg(1));
    expect(got).toEqual([]);
  });

  it('buffers live messages that arrive while subscribing and flushes them after the baseline', async () => {
    const { seq, got } = sequencer(source([1, 2]));
    // A live message arrives between the subscription and the baseline read.
    await seq.subscribe('lobby', async () => seq.receive('lobby', msg(3)));
    expect(got).toEqual([3]);
  });

  it('shares one subscription between concurrent callers, and forgets a room whose subscribe failed', async () => {
    const { seq } = sequencer(source([]));
    let confirms = 0;
    const a = seq.subscribe('lobby', async () => void confirms++);
    const b = seq.subscribe('lobby', async () => void confirms++);
    await Promise.all([a, b]);
    expect(confirms).toBe(1);
    await expect(seq.subscribe('other', async () => Promise.reject(new Error('no')))).rejects.toThrow('no');
    expect(seq.rooms()).toEqual(['lobby']);
  });

  it('on a hole, fills it from history before the live message that revealed it', async () => {
    const src = source([1, 2, 3, 4, 5], 2);
    const { seq, got } = sequencer(src, 2);
    await seq.subscribe('lobby', async () => {});
    src.top = 5;
    seq.receive('lobby', msg(3));
    seq.receive('lobby', msg(6));
    seq.receive('lobby', msg(7));
    await settle();
    await settle();
    expect(got).toEqual([3, 4, 5, 6, 7]);
  });

  it('resync: a paused room buffers live messages, catches up from history, then flushes them in order', async () => {
    const src = source([1, 2, 3, 4], 1);
    const { seq, got } = sequencer(src);
    await seq.subscribe('lobby', async () => {});
    seq.pauseAll();
    seq.receive('lobby', msg(5));
    seq.receive('lobby', msg(4));
    expect(got).toEqual([]);
    await seq.resync();
    expect(got).toEqual([2, 3, 4, 5]);
  });

  it('when the store went back (lost its data), raises its seq to the last dispatched and reuses none', async () => {
    const src = source([], 0);
    const { seq, got } = sequencer(src);
    await seq.subscribe('lobby', async () => {});
    seq.receive('lobby', msg(1));
    seq.receive('lobby', msg(2));
    seq.pauseAll();
    await seq.resync();
    expect(src.floors).toEqual([2]);
    seq.receive('lobby', msg(2));
    seq.receive('lobby', msg(3));
    expect(got).toEqual([1, 2, 3]);
  });

  it('a failed catch-up keeps the live messages waiting and asks for a retry', async () => {
    const src = source([1, 2, 3], 1);
    const { seq, got, failures } = sequencer(src);
    await seq.subscribe('lobby', async () => {});
    src.fail = true;
    seq.receive('lobby', msg(3));
    await settle();
    expect(failures).toEqual([1]);
    expect(got).toEqual([]);
    src.fail = false;
    await seq.resync();
    expect(got).toEqual([2, 3]);
  });
});
