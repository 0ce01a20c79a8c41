/**
 * The one clock of the bench: epoch milliseconds with a microsecond fraction.
 * Senders and receivers live in different processes on the same machine, so each stamps
 * with `performance.timeOrigin + performance.now()`: monotonic within a process and anchored
 * to the same wall clock across processes (the brief's choice; Date.now() has only ms).
 */
export function clockMs(): number {
  return performance.timeOrigin + performance.now();
}

export function sleepMs(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
}

/** Resolve at an absolute clockMs() time. */
export function sleepUntil(atMs: number): Promise<void> {
  return sleepMs(atMs - clockMs());
}
