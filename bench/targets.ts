/**
 * Starting what a run measures: a fresh `pushlab serve` serving only the run's transport, a
 * bare baseline server, or (scale-out) a cluster from ./cluster.ts — behind one handle that
 * tells the sampler which URLs to scrape and which pids to read, and whether it crashed.
 */
import { fileURLToPath } from 'node:url';
import type { Transport } from '../protocol/types.ts';
import type { BenchOptions, RunTarget } from './results.ts';
import { spawnServer } from './spawn-server.ts';

export interface TargetHandle {
  /** Where clients connect (the proxy, for a cluster). */
  url: string;
  /** Each instance's own URL, for /metrics. */
  instanceUrls: string[];
  pids: number[];
  instances: number;
  proxied: boolean;
  backplane: 'memory' | 'redis';
  /** Set once the server died on its own: why. */
  crashed(): string | undefined;
  stop(): Promise<void>;
}

/** bench/cluster.ts (another engineer's): N `pushlab serve` + redis + nginx. */
interface ClusterModule {
  startCluster(options: { instances: number; transports: Transport[]; serverArgs: string[]; backplane?: string; cpus?: string }): Promise<{ url: string; instanceUrls: string[]; pids: number[]; stop(): Promise<void> }>;
}

const BASELINE_SCRIPTS: Record<'baseline-ws' | 'baseline-long-polling', string> = {
  'baseline-ws': fileURLToPath(new URL('./baselines/ws-broadcast.ts', import.meta.url)),
  'baseline-long-polling': fileURLToPath(new URL('./baselines/long-poll.ts', import.meta.url)),
};

/**
 * Server flags for a run. History must hold what a short-poll client can miss between two
 * polls (rate per room × interval, ×3 for slack), or a slow poll would see a gap that is the
 * configuration's fault, not the transport's.
 */
export function serverArgs(transport: Transport, options: BenchOptions): string[] {
  const perRoomPerPoll = Math.ceil(((options.rate / options.rooms) * options.pollIntervalMs) / 1000);
  const history = Math.max(1000, perRoomPerPoll * 3);
  return ['--transports', transport, '--hold-ms', String(options.holdMs), '--poll-interval-ms', String(options.pollIntervalMs), '--history', String(history), '--no-demo'];
}

export async function startTarget(target: RunTarget, transport: Transport, options: BenchOptions, cpus: string | undefined): Promise<TargetHandle> {
  if (target === 'baseline-ws' || target === 'baseline-long-polling') {
    const server = await spawnServer({ script: BASELINE_SCRIPTS[target], args: ['--hold-ms', String(options.holdMs)], cpus });
    return fromSpawned(server, 'memory');
  }
  if (options.instances > 1 || options.backplane !== undefined) {
    // A computed specifier: the cluster module is optional at type-check time.
    const specifier = new URL('./cluster.ts', import.meta.url).href;
    const mod = (await import(specifier)) as ClusterModule;
    const cluster = await mod.startCluster({ instances: options.instances, transports: [transport], serverArgs: serverArgs(transport, options).slice(2), backplane: options.backplane, cpus });
    return {
      url: cluster.url,
      instanceUrls: cluster.instanceUrls,
      pids: cluster.pids,
      instances: options.instances,
      proxied: cluster.url !== cluster.instanceUrls[0] || cluster.instanceUrls.length > 1,
      // Without a URL the cluster started its own redis-server: still a Redis backplane.
      backplane: 'redis',
      crashed: () => undefined,
      stop: () => cluster.stop(),
    };
  }
  const server = await spawnServer({ args: serverArgs(transport, options), cpus });
  return fromSpawned(server, 'memory');
}

function fromSpawned(server: Awaited<ReturnType<typeof spawnServer>>, backplane: 'memory' | 'redis'): TargetHandle {
  let crashed: string | undefined;
  let stopping = false;
  server.child.once('exit', (code, signal) => {
    if (!stopping) crashed = `the server exited on its own (${String(code ?? signal)}): ${server.stderr().trim().split('\n').slice(-5).join(' | ')}`;
  });
  return {
    url: server.url,
    instanceUrls: [server.url],
    pids: [server.pid],
    instances: 1,
    proxied: false,
    backplane,
    crashed: () => crashed,
    async stop() {
      stopping = crashed === undefined;
      await server.stop();
    },
  };
}
