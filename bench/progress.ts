/**
 * One progress line on stderr, rewritten in place. Quiet when stderr is not a terminal
 * (logs, CI, tests) or with --json, so machine output stays clean.
 */
export class Progress {
  readonly #enabled: boolean;
  #last = '';
  #startedAt = Date.now();

  constructor(enabled: boolean) {
    this.#enabled = enabled && process.stderr.isTTY === true;
  }

  update(text: string): void {
    if (!this.#enabled || text === this.#last) return;
    this.#last = text;
    const elapsed = Math.round((Date.now() - this.#startedAt) / 1000);
    const columns = process.stderr.columns ?? 100;
    process.stderr.write(`\r\x1b[K[${elapsed}s] ${text}`.slice(0, columns + 4));
  }

  done(): void {
    if (this.#enabled && this.#last !== '') process.stderr.write('\r\x1b[K');
    this.#last = '';
  }
}
