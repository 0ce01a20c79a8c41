/** Exponential backoff with full jitter (AWS architecture blog's advice), so reconnecting clients spread out. */
export class Backoff {
  readonly #minMs: number;
  readonly #maxMs: number;
  #attempt = 0;

  constructor(minMs = 100, maxMs = 5000) {
    this.#minMs = minMs;
    this.#maxMs = maxMs;
  }

  /** Next delay, ms: uniform in [min, min(max, min·2^attempt)]. */
  next(): number {
    const cap = Math.min(this.#maxMs, this.#minMs * 2 ** this.#attempt);
    this.#attempt = Math.min(this.#attempt + 1, 30);
    return this.#minMs + Math.random() * (cap - this.#minMs);
  }

  reset(): void {
    this.#attempt = 0;
  }

  get attempts(): number {
    return this.#attempt;
  }
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => {
      clearTimeout(timer);
      resolve();
    }, { once: true });
  });
}
