import { describe, expect, it } from 'vitest';
import { addLateJoin, missedBeforeJoin, type LateJoins } from '../bench/measure/late-joins.ts';
import { loadBoundReasons } from '../bench/measure/load-bound.ts';
import { connectTimes, countInWindow, scheduledAt, type ScheduleSpec } from '../bench/measure/schedule.ts';

// 10 msg/s over 0–10 s, two rooms: message k is due at k·100 ms, in room k mod 2.
const spec: ScheduleSpec = { startMs: 0, endMs: 10_000, rate: 10, senders: 1, rooms: 2 };
const window = countInWindow(spec, 2000, 10_000); // k 20..99

describe('missedBeforeJoin', () => {
  it('counts only the room’s messages scheduled before the join that never arrived', () => {
    // Joined at 3050 ms: room 1's k 21, 23, …, 29 were due before (5 messages); k 23 arrived anyway.
    const got = new Set([23]);
    expect(missedBeforeJoin(spec, window, 1, 3050, (k) => got.has(k))).toBe(4);
    // Room 0: k 20, 22, …, 30 (6 messages) due before 3050 ms, none received.
    expect(missedBeforeJoin(spec, window, 0, 3050, () => false)).toBe(6);
  });

  it('owes a message due at or after the join, and excuses nothing for an on-time join', () => {
    expect(scheduledAt(spec, 30).atMs).toBe(3000);
    expect(missedBeforeJoin(spec, window, 0, 3000, () => false)).toBe(5); // k 30 is owed
    expect(missedBeforeJoin(spec, window, 0, 1500, () => false)).toBe(0);
  });
});

describe('addLateJoin', () => {
  it('counts joins after the window opened, and the latest delay', () => {
    const into: LateJoins = { count: 0, maxMs: 0 };
    expect(addLateJoin(into, 1999, 2000)).toBe(false);
    expect(addLateJoin(into, undefined, 2000)).toBe(false); // never joined: all its messages stay expected
    expect(addLateJoin(into, 2250, 2000)).toBe(true);
    expect(addLateJoin(into, 2100, 2000)).toBe(true);
    expect(into).toEqual({ count: 2, maxMs: 250 });
  });

  it('makes the run load-bound, with the figures', () => {
    const latency = { p50: 2, p90: 3, p99: 5, p999: 6, max: 7, mean: 2, count: 100 };
    const quiet = { cpuWindowMax: 20, lag: { ...latency, p50: 0.01, p99: 0.05 }, lagMax: 0.1, eventLoopDelay: { p50Ms: 0.1, p99Ms: 1 }, latency };
    expect(loadBoundReasons({ ...quiet, lateJoins: { count: 0, subscribers: 20, maxMs: 0 } })).toEqual([]);
    const [reason] = loadBoundReasons({ ...quiet, lateJoins: { count: 3, subscribers: 20, maxMs: 412 } });
    expect(reason).toMatch(/3 of 20 subscribers joined only after the window opened \(the latest 412 ms late\)/);
  });
});

describe('connectTimes with a setup allowance', () => {
  it('ends the spread the setup time before the window (an emulated path needs round trips to join)', () => {
    expect(Math.max(...connectTimes(200, 0, 2000, 3))).toBeGreaterThan(1500); // loopback: 80% of the warm-up
    const under = connectTimes(200, 0, 2000, 3, 900); // e.g. 6 × 150 ms RTT
    expect(Math.max(...under)).toBeLessThan(1100);
    expect(Math.max(...under)).toBeGreaterThan(1000);
    expect(connectTimes(5, 0, 500, 3, 900).every((t) => t === 0)).toBe(true); // no room left: all at once
  });
});
