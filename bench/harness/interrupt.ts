/**
 * Ctrl-C and SIGTERM during a bench: the first signal aborts the bench (the current run
 * stops, what completed is written, marked partial), a second one means "now": every child
 * is killed and the process exits at once. Exit codes follow the shell's 128 + signal
 * number: 130 for SIGINT, 143 for SIGTERM.
 */
import { withDescendants } from '../measure/procfs.ts';

export type { Interruption } from '../../results/types.ts'; // its schema: results/schema/checks.ts

export const SIGNAL_EXIT_CODES = { SIGINT: 130, SIGTERM: 143 } as const;
export type StopSignal = keyof typeof SIGNAL_EXIT_CODES;

export interface Interrupts {
  signal: AbortSignal;
  /** The first signal received, once one was. */
  received(): StopSignal | undefined;
  dispose(): void;
}

/** Every process below this one (servers, workers, redis-server, nginx and their children). */
function descendants(): number[] {
  return withDescendants([process.pid]).filter((pid) => pid !== process.pid);
}

function kill(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch {
    // already gone
  }
}

/**
 * The net under the orchestrator's own cleanup: SIGTERM to whatever child is still alive,
 * SIGKILL after `graceMs`. Called after an interrupted bench has written its results.
 */
export async function stopDescendants(graceMs = 3000): Promise<void> {
  let left = descendants();
  for (const pid of left) kill(pid, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (left.length > 0 && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 100));
    left = descendants();
  }
  for (const pid of left) kill(pid, 'SIGKILL');
}

export function installInterrupts(onFirst: (signal: StopSignal) => void): Interrupts {
  const controller = new AbortController();
  let first: StopSignal | undefined;
  const handler = (signal: StopSignal): void => {
    if (first !== undefined) {
      // Second signal: the user will not wait for the results to be written.
      for (const pid of descendants()) kill(pid, 'SIGKILL');
      process.exit(SIGNAL_EXIT_CODES[signal]);
    }
    first = signal;
    onFirst(signal);
    controller.abort();
  };
  const onInt = (): void => handler('SIGINT');
  const onTerm = (): void => handler('SIGTERM');
  process.on('SIGINT', onInt);
  process.on('SIGTERM', onTerm);
  return {
    signal: controller.signal,
    received: () => first,
    dispose() {
      process.off('SIGINT', onInt);
      process.off('SIGTERM', onTerm);
    },
  };
}
