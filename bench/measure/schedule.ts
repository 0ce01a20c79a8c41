/**
 * The open-loop send schedule, fixed before the run starts (as wrk2 does): message k is due
 * at `startMs + k · 1000 / rate`, whatever happened to message k − 1. A sender that falls
 * behind sends late but the message still carries its *scheduled* time in `sentAt`, so the
 * delay counts as latency (coordinated omission corrected). Message k is sent by sender
 * k mod senders to room k mod rooms: the rate is constant across senders and every room
 * gets the same share.
 */

export interface ScheduleSpec {
  /** Epoch ms (clockMs) of message 0. */
  startMs: number;
  /** No message is due at or after this, epoch ms. */
  endMs: number;
  /** Messages per second, total. 0 = no messages. */
  rate: number;
  senders: number;
  rooms: number;
}

export interface Scheduled {
  k: number;
  atMs: number;
  sender: number;
  room: number;
}

/** How many messages the schedule holds: those due in [startMs, endMs). */
export function scheduleLength(spec: ScheduleSpec): number {
  if (spec.rate <= 0 || spec.endMs <= spec.startMs) return 0;
  return Math.ceil(((spec.endMs - spec.startMs) * spec.rate) / 1000);
}

export function scheduledAt(spec: ScheduleSpec, k: number): Scheduled {
  return { k, atMs: spec.startMs + (k * 1000) / spec.rate, sender: k % spec.senders, room: k % spec.rooms };
}

/** Messages due in [fromMs, toMs): the counted window. */
export function countInWindow(spec: ScheduleSpec, fromMs: number, toMs: number): { first: number; end: number } {
  const n = scheduleLength(spec);
  if (n === 0) return { first: 0, end: 0 };
  // The estimate, then corrected with the very test the senders and receivers apply
  // (fromMs ≤ atMs < toMs on the same floats): epoch-ms arithmetic rounds, and a message on
  // the window's edge must be counted by all sides alike.
  const inside = (k: number, edge: number): boolean => scheduledAt(spec, k).atMs >= edge;
  let first = Math.min(n, Math.max(0, Math.ceil(((fromMs - spec.startMs) * spec.rate) / 1000)));
  while (first > 0 && inside(first - 1, fromMs)) first--;
  while (first < n && !inside(first, fromMs)) first++;
  let end = Math.min(n, Math.max(first, Math.ceil(((toMs - spec.startMs) * spec.rate) / 1000)));
  while (end > first && inside(end - 1, toMs)) end--;
  while (end < n && !inside(end, toMs)) end++;
  return { first, end };
}

/**
 * Timers fire in whole milliseconds and often a little late: the timer is armed this much
 * before the due time and the rest is spun through, so a send is late by microseconds, not
 * by up to a millisecond (which is large beside a 2 ms WebSocket p50). Costs at most
 * SPIN_MS of CPU per message on the sender (8% of a core at 80 msg/s).
 */
export const SPIN_MS = 1;

/**
 * Drive a schedule with timers: `fire` is called for every due message, in order, as soon
 * as it is due (never early). Returns a stop function. The timer is re-armed for the next
 * due time, so a late wake-up sends everything overdue at once — open loop, no skipping.
 */
export function runSchedule(spec: ScheduleSpec, owns: (s: Scheduled) => boolean, fire: (s: Scheduled, nowMs: number) => void, clock: () => number, onDone: () => void): () => void {
  const n = scheduleLength(spec);
  let k = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let stopped = false;
  const tick = (): void => {
    if (stopped) return;
    // Spin through the last SPIN_MS (see above) when the next message is that close.
    if (k < n) {
      const due = scheduledAt(spec, k).atMs;
      if (due - clock() <= SPIN_MS) while (clock() < due);
    }
    const now = clock();
    while (k < n) {
      const s = scheduledAt(spec, k);
      if (s.atMs > now) break;
      if (owns(s)) fire(s, now);
      k++;
    }
    if (k >= n) {
      onDone();
      return;
    }
    timer = setTimeout(tick, Math.max(0, scheduledAt(spec, k).atMs - clock() - SPIN_MS));
  };
  timer = setTimeout(tick, Math.max(0, spec.startMs - clock() - SPIN_MS));
  return () => {
    stopped = true;
    if (timer !== undefined) clearTimeout(timer);
  };
}

/** mulberry32: a tiny seeded PRNG, so `--seed` reproduces connect times. Returns [0, 1). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * When each subscriber connects, epoch ms: spread at random over the first 80% of the
 * warm-up (seeded), so short-poll timers and long-poll renewals don't line up, and the last
 * fifth of the warm-up lets the system settle before the window opens. `setupMs` is how long a
 * connection takes to join on the emulated path (a few round trips under --rtt): the spread ends
 * at least that long before the window, so a client connecting last has joined when it opens
 * (one that has not is a late join: bench/measure/late-joins.ts).
 */
export function connectTimes(count: number, startMs: number, warmupMs: number, seed: number, setupMs = 0): number[] {
  const rnd = seededRandom(seed);
  const spread = Math.max(0, Math.min(warmupMs * 0.8, warmupMs - setupMs));
  return Array.from({ length: count }, () => startMs + rnd() * spread);
}
