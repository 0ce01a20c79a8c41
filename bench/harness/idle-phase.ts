/**
 * The idle phase after the drain: every client still connected, nothing scheduled, the server
 * sampled as in the window. Its counters are the run's fixed cost (bench/measure/fixed-cost.ts). It
 * runs only when the drain completed: with messages still missing the phase is not idle (and
 * the 1 s late grace runs instead, as before).
 */
import { clockMs, sleepMs } from '../measure/clock.ts';
import type { BenchOptions } from '../../results/types.ts';
import type { Sampler } from '../measure/sampler.ts';

/** The idle phase's edges, whole seconds since the window opened (the sampler's `t`). */
export interface IdleSpan {
  fromT: number;
  toT: number;
}

/** Whole seconds the idle phase lasts (0 = none: `--idle 0`, an idle-rate run, or no sampler). */
export function idleSeconds(options: BenchOptions): number {
  if (options.rate === 0) return 0;
  // The default (4 s: two short-poll intervals at 2 s) is declared once, in the option table.
  return Math.ceil((options.idleMs ?? 0) / 1000);
}

/**
 * After the drain: the late grace when something is missing, else the idle phase. `aborted`
 * is checked every 250 ms so an interrupt is not held up; `onSecond` reports progress.
 */
export async function afterDrain(complete: boolean, options: BenchOptions, windowStartMs: number, sampler: Sampler, graceMs: number, aborted: () => boolean, onSecond: (second: number, seconds: number) => void = () => {}): Promise<IdleSpan | undefined> {
  const seconds = idleSeconds(options);
  if (!complete) {
    await sleepMs(graceMs);
    return undefined;
  }
  if (seconds === 0) return undefined;
  // Start on the next whole second the sampler will stamp, so both edges are real samples.
  const fromT = Math.ceil((clockMs() - windowStartMs) / 1000 + 0.05);
  const toT = fromT + seconds;
  while (clockMs() < windowStartMs + toT * 1000 && !aborted()) {
    onSecond(Math.max(0, Math.floor((clockMs() - windowStartMs) / 1000) - fromT), seconds);
    await sleepMs(Math.min(250, Math.max(0, windowStartMs + toT * 1000 - clockMs())));
  }
  // Interrupted in the phase: its far edge was never sampled, so no fixed cost for this run.
  if (aborted()) return undefined;
  await sampler.settled(toT, 3000);
  return { fromT, toT };
}
