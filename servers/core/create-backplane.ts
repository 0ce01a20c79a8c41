/** Backplane from a URL: `memory` (embedded default) or `redis://…` / `rediss://…`. */
import { MemoryBackplane } from './memory-backplane.ts';
import { RedisBackplane } from './redis-backplane.ts';
import type { Backplane } from './backplane.ts';

/** How long startup waits for Redis before serving anyway (publishes answer 503 until it comes), ms. */
const REDIS_STARTUP_WAIT_MS = 5000;

export async function createBackplane(url: string, historySize: number): Promise<Backplane> {
  if (url === 'memory') return new MemoryBackplane({ historySize });
  if (/^rediss?:\/\//.test(url)) {
    const backplane = new RedisBackplane({ url, historySize });
    // A server started before its Redis still starts (and recovers on its own): it only
    // says so, rather than crash-looping under a supervisor.
    if (!(await backplane.waitUntilAvailable(REDIS_STARTUP_WAIT_MS))) {
      console.error(`pushlab: redis at ${url} is not reachable yet; serving anyway, publishing answers 503 backplane_unavailable until it is`);
    }
    return backplane;
  }
  throw new Error(`backplane ${url}: expected "memory" or a redis:// URL`);
}
