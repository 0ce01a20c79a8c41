/**
 * The worker's timers, all cleared at once when the result is taken: `at` a time on the
 * bench's clock (epoch ms, bench/measure/clock.ts) or `after` a delay, ms.
 */
import { clockMs } from '../../measure/clock.ts';

export class Timers {
  readonly #list: ReturnType<typeof setTimeout>[] = [];

  at(timeMs: number, fn: () => void): void {
    this.after(Math.max(0, timeMs - clockMs()), fn);
  }

  after(delayMs: number, fn: () => void): void {
    this.#list.push(setTimeout(fn, delayMs));
  }

  clear(): void {
    for (const t of this.#list) clearTimeout(t);
  }
}
