/**
 * Per-client publish rate limit (`--rate-limit N`, messages per second; 0 = off): a token
 * bucket per client key (the token's nick when auth is on, else the remote address) holding
 * up to N tokens (one second's burst) and refilled at N per second.
 *
 * Cost per publish is O(1): the bucket is refilled lazily when touched, and touching moves
 * it to the end of the Map (insertion order = least recently used first). The Map is
 * bounded two ways: buckets idle long enough to be full again are dropped from the front
 * as new ones are touched (a full bucket is the same as no bucket), and past `maxKeys` the
 * least recently used is dropped whatever its state.
 *
 *   const limiter = new RateLimiter(20);
 *   const waitMs = limiter.take(key); // 0 = allowed; else ms until the next token
 */
import { ProtocolError } from '../../protocol/errors.ts';

export interface RateLimiterOptions {
  /** Tokens a bucket holds (the burst). Default: one second's worth, at least 1. */
  burst?: number;
  /** Most buckets kept at once. Default 100000. */
  maxKeys?: number;
  /** Clock in ms (tests). Default performance.now. */
  now?: () => number;
}

interface Bucket {
  tokens: number;
  /** When `tokens` was last brought up to date, ms. */
  at: number;
}

export class RateLimiter {
  readonly perSecond: number;
  readonly burst: number;
  readonly #maxKeys: number;
  readonly #now: () => number;
  /** Time for an empty bucket to fill, ms: a bucket untouched this long is full. */
  readonly #fillMs: number;
  readonly #buckets = new Map<string, Bucket>();

  constructor(perSecond: number, options: RateLimiterOptions = {}) {
    if (!(perSecond > 0)) throw new RangeError('perSecond must be > 0');
    this.perSecond = perSecond;
    this.burst = options.burst ?? Math.max(1, perSecond);
    this.#maxKeys = options.maxKeys ?? 100_000;
    this.#now = options.now ?? (() => performance.now());
    this.#fillMs = (this.burst / perSecond) * 1000;
  }

  get size(): number {
    return this.#buckets.size;
  }

  /** Take one token for `key`: 0 when allowed, else how long until one is available, ms. */
  take(key: string): number {
    const now = this.#now();
    let bucket = this.#buckets.get(key);
    if (bucket === undefined) {
      bucket = { tokens: this.burst, at: now };
    } else {
      bucket.tokens = Math.min(this.burst, bucket.tokens + ((now - bucket.at) * this.perSecond) / 1000);
      bucket.at = now;
      this.#buckets.delete(key);
    }
    this.#buckets.set(key, bucket);
    this.#evict(now);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return 0;
    }
    return Math.ceil(((1 - bucket.tokens) * 1000) / this.perSecond);
  }

  /** Drop at most two idle buckets from the front (amortized O(1)), and any past the bound. */
  #evict(now: number): void {
    let checked = 0;
    for (const [key, bucket] of this.#buckets) {
      if (this.#buckets.size > this.#maxKeys || (checked < 2 && now - bucket.at >= this.#fillMs)) {
        this.#buckets.delete(key);
        checked++;
        continue;
      }
      break;
    }
  }
}

/** Throw 429 `rate_limited` (with `Retry-After`, whole seconds) when `key` is over the server's publish limit. */
export function checkPublishLimit(server: { readonly publishLimit?: RateLimiter | undefined }, key: string): void {
  const waitMs = server.publishLimit?.take(key) ?? 0;
  if (waitMs > 0) {
    throw new ProtocolError('rate_limited', `over ${server.publishLimit?.perSecond ?? 0} messages per second; retry in ${waitMs} ms`, { 'retry-after': String(Math.max(1, Math.ceil(waitMs / 1000))) });
  }
}
