/**
 * A fixed-capacity ring of items ordered by a contiguous integer key (a room's seq).
 * Keeps the newest `capacity`; O(1) push and O(1) lookup of "the item after key N".
 */
export class SeqRing<T extends { readonly seq: number }> {
  readonly capacity: number;
  readonly #items: (T | undefined)[];
  #count = 0;
  #newest = 0;

  constructor(capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError('capacity must be a positive integer');
    this.capacity = capacity;
    this.#items = new Array<T | undefined>(capacity);
  }

  /** Items must arrive with seq = newest + 1 (the first may start anywhere). */
  push(item: T): void {
    if (this.#count > 0 && item.seq !== this.#newest + 1) {
      throw new RangeError(`seq ${item.seq} does not follow ${this.#newest}`);
    }
    this.#items[item.seq % this.capacity] = item;
    this.#newest = item.seq;
    if (this.#count < this.capacity) this.#count++;
  }

  /** Newest seq held, 0 when empty. */
  get newest(): number {
    return this.#count === 0 ? 0 : this.#newest;
  }

  /** Oldest seq held, 0 when empty. */
  get oldest(): number {
    return this.#count === 0 ? 0 : this.#newest - this.#count + 1;
  }

  get size(): number {
    return this.#count;
  }

  /** Items with seq > after, oldest first, at most `limit`. Starts at the oldest held when `after` is older. */
  after(after: number, limit: number): T[] {
    const out: T[] = [];
    if (this.#count === 0) return out;
    const from = Math.max(after + 1, this.oldest);
    const to = Math.min(this.#newest, from + limit - 1);
    for (let seq = from; seq <= to; seq++) out.push(this.#items[seq % this.capacity] as T);
    return out;
  }
}
