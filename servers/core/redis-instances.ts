/**
 * Where each instance's long-poll sessions live (an InstanceDirectory on Redis): a TTL'd
 * key `<prefix>instance:<tag>` holds a live instance's URL, so a poll that reached the
 * wrong instance can be forwarded (session-router.ts).
 */
import type { Redis } from 'ioredis';
import { unavailable } from './redis-connection.ts';
import type { InstanceDirectory } from './session-router.ts';

export class RedisInstances implements InstanceDirectory {
  readonly #redis: Redis;
  readonly #prefix: string;
  constructor(redis: Redis, prefix: string) {
    this.#redis = redis;
    this.#prefix = prefix;
  }

  async registerInstance(tag: string, url: string, ttlMs: number): Promise<void> {
    await this.#redis.set(this.#key(tag), url, 'PX', ttlMs);
  }

  async lookupInstance(tag: string): Promise<string | undefined> {
    try {
      return (await this.#redis.get(this.#key(tag))) ?? undefined;
    } catch (error) {
      throw unavailable(error);
    }
  }

  async unregisterInstance(tag: string): Promise<void> {
    await this.#redis.del(this.#key(tag));
  }

  #key(tag: string): string {
    return `${this.#prefix}instance:${tag}`;
  }
}
