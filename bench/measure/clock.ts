/**
 * The one clock of the bench: epoch milliseconds with a microsecond fraction, read from
 * CLOCK_MONOTONIC (`process.hrtime.bigint()`, system-wide on Linux) plus one epoch offset
 * that every process of a bench shares. The first process to load this module (the
 * orchestrator) measures the offset once and puts it in the environment; forked load
 * workers inherit it. So a sender's stamp and a receiver's stamp in another process differ
 * only by the time that passed — not by each process's own `performance.timeOrigin`, which
 * is anchored to the wall clock with its own error at each process start.
 */
const ENV = 'PUSHLAB_CLOCK_EPOCH_OFFSET_MS';

function monotonicMs(): number {
  // Whole µs first: a Number of nanoseconds loses precision past 2^53 ns (104 days of uptime).
  return Number(process.hrtime.bigint() / 1000n) / 1000;
}

function sharedOffset(): number {
  const inherited = Number(process.env[ENV]);
  if (process.env[ENV] !== undefined && Number.isFinite(inherited)) return inherited;
  const offset = Date.now() - monotonicMs();
  process.env[ENV] = String(offset);
  return offset;
}

const OFFSET_MS = sharedOffset();

export function clockMs(): number {
  return OFFSET_MS + monotonicMs();
}

export function sleepMs(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
}
