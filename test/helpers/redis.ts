/**
 * A real redis-server for tests on a free loopback port (bench/targets/redis-server.ts does the work).
 * When redis-server is missing this throws `redis-server is not installed: apt-get install -y
 * redis-server` — a test never skips silently (test/helpers/binaries.ts installs it first).
 */
import { startRedisServer, type RedisServer } from '../../bench/targets/redis-server.ts';

export type TestRedis = RedisServer;

export function startRedis(): Promise<TestRedis> {
  return startRedisServer();
}
