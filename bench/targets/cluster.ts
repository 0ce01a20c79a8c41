/**
 * A pushlab cluster for `pushlab bench --instances N` (docs/scaling.md): a Redis backplane
 * (our own redis-server on a free loopback port unless a URL is given), N `pushlab serve`
 * processes sharing it, and nginx in front as the load balancer. Clients talk to `url`
 * (nginx); `instanceUrls` reach the instances directly (for a direct-vs-proxied comparison).
 *
 *   const cluster = await startCluster({ instances: 2, transports: ['websocket'], serverArgs: [] });
 *   …
 *   await cluster.stop();
 */
import type { Transport } from '../../protocol/types.ts';
import { startNginx, type Nginx } from './nginx.ts';
import { startRedisServer, type RedisServer } from './redis-server.ts';
import { spawnServer, type SpawnedServer } from './spawn-server.ts';

export { freePort, findBinary, requireBinary } from './processes.ts';

export interface ClusterOptions {
  instances: number;
  transports: Transport[];
  /** Extra `pushlab serve` flags for every instance (e.g. ['--hold-ms', '20000']). */
  serverArgs: string[];
  /** `redis://…` of a Redis to share; without it the cluster starts its own. */
  backplane?: string;
  /** CPU list for the instances (taskset), e.g. "1". */
  cpus?: string;
  /** Put nginx in front (default true); without it `url` is the first instance's. */
  proxy?: boolean;
  /** nginx worker processes. Default 1. */
  nginxWorkers?: number;
}

export interface Cluster {
  /** Where clients connect: nginx's URL. */
  url: string;
  /** Each instance's own URL. */
  instanceUrls: string[];
  /** Server instances, then redis-server (when started here), then nginx. */
  pids: number[];
  /** The backplane URL in use. */
  backplane: string;
  instances: SpawnedServer[];
  redis: RedisServer | undefined;
  nginx: Nginx | undefined;
  stop(): Promise<void>;
}

/** `--flag value` from a serve argument list, or undefined. */
function flagValue(args: string[], flag: string): string | undefined {
  const i = args.indexOf(flag);
  if (i >= 0) return args[i + 1];
  const inline = args.find((a) => a.startsWith(`${flag}=`));
  return inline?.slice(flag.length + 1);
}

export async function startCluster(options: ClusterOptions): Promise<Cluster> {
  if (!Number.isInteger(options.instances) || options.instances < 1) throw new RangeError('instances must be a positive integer');
  let redis: RedisServer | undefined;
  const instances: SpawnedServer[] = [];
  let nginx: Nginx | undefined;
  const stop = async (): Promise<void> => {
    await nginx?.stop();
    await Promise.all(instances.map((i) => i.stop()));
    await redis?.stop();
  };
  try {
    if (options.backplane === undefined) redis = await startRedisServer();
    const backplane = options.backplane ?? (redis as RedisServer).url;
    const args = [...options.serverArgs, '--backplane', backplane];
    if (flagValue(args, '--transports') === undefined) args.push('--transports', options.transports.join(','));
    // One at a time: N node processes compiling TypeScript at once on a 2-core box only time out.
    for (let i = 0; i < options.instances; i++) {
      instances.push(await spawnServer({ args, ...(options.cpus === undefined ? {} : { cpus: options.cpus }) }));
    }
    const instanceUrls = instances.map((i) => i.url);
    if (options.proxy !== false) {
      const hold = Number(flagValue(args, '--hold-ms') ?? 20_000);
      nginx = await startNginx({ upstreams: instanceUrls, holdMs: Number.isFinite(hold) ? hold : 20_000, workers: options.nginxWorkers ?? 1 });
    }
    const pids = [...instances.map((i) => i.pid)];
    if (redis?.pid !== undefined) pids.push(redis.pid);
    if (nginx !== undefined) pids.push(nginx.pid);
    return { url: nginx?.url ?? (instanceUrls[0] as string), instanceUrls, pids, backplane, instances, redis, nginx, stop };
  } catch (error) {
    await stop().catch(() => {});
    throw error;
  }
}
