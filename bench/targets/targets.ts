/**
 * Starting what a run measures: a fresh `pushlab serve` serving only the run's transport, a
 * bare baseline server, or (scale-out) a cluster from ./cluster.ts — behind one handle that
 * tells the sampler which URLs to scrape and which pids to read, and whether it crashed.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Transport } from '../../protocol/types.ts';
import { startCluster } from './cluster.ts';
import { isPeerTarget } from '../peers/peers.ts';
import { startPeerServer } from '../peers/start.ts';
import type { BenchOptions, ProcessPartCost, RunTarget } from '../../results/types.ts';
import { withDescendants } from '../measure/procfs.ts';
import { hasTaskset, spawnServer } from './spawn-server.ts';
import { benchTls } from './tls.ts';
import { heapAfterGc } from './gc-heap.ts';
import { isNullTarget, nullServer } from './null-targets.ts';
import type { Topology } from '../config/topology.ts';

export interface TargetHandle {
  /** Where clients connect (the proxy, for a cluster). */
  url: string;
  /** Each instance's own URL, for /metrics. */
  instanceUrls: string[];
  pids: number[];
  instances: number;
  proxied: boolean;
  backplane: 'memory' | 'redis';
  /**
   * Scale-out: which pids are which part (instances, redis-server, nginx), for the per-part
   * CPU split. Absent for a single process. A Redis given by URL is not ours: not sampled.
   */
  parts?: { part: ProcessPartCost['part']; pids: number[] }[];
  /** `--target`: a server the bench did not start (no pids: its cost comes from its /metrics). */
  external?: boolean;
  /**
   * A single process started with the GC hook (bench/targets/gc-heap.ts): force a full GC and
   * answer the heap right after it, bytes (undefined when it does not answer). Absent otherwise.
   */
  heapAfterGc?: () => Promise<number | undefined>;
  /** Set once the server died on its own: why. */
  crashed(): string | undefined;
  stop(): Promise<void>;
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
  // Every load worker publishes from loopback, so the server sees one client: its per-client
  // publish limit (on by default) would cap the offered rate. The bench measures capacity: off.
  const args = ['--transports', transport, '--hold-ms', String(options.holdMs), '--poll-interval-ms', String(options.pollIntervalMs), '--history', String(history), '--no-demo', '--rate-limit', '0'];
  if (options.compression === true) args.push('--compression');
  // --tls: the bench's one certificate (bench/targets/tls.ts), trusted by its load workers.
  if (options.tls === true) {
    const tls = benchTls();
    args.push('--tls-cert', tls.certPath, '--tls-key', tls.keyPath);
  }
  return args;
}

/**
 * Start a run's target. `topology` (scale-out benches) picks the rung: `memory · 1 · direct`
 * is the plain single process; a Redis rung is a cluster from ./cluster.ts — its own
 * redis-server unless `--backplane` names one, N instances, nginx in front when proxied.
 */
export async function startTarget(target: RunTarget, transport: Transport, options: BenchOptions, cpus: string | undefined, topology?: Topology): Promise<TargetHandle> {
  if (options.target !== undefined) return externalTarget(options.target);
  if (target === 'baseline-ws' || target === 'baseline-long-polling') {
    const server = await spawnServer({ script: BASELINE_SCRIPTS[target], args: ['--hold-ms', String(options.holdMs)], cpus, gcHook: true });
    return fromSpawned(server, 'memory');
  }
  if (isNullTarget(target)) return fromSpawned(await spawnServer({ ...nullServer(target, options), cpus, gcHook: true }), 'memory');
  if (isPeerTarget(target)) return fromSpawned(await startPeerServer(target, cpus), 'memory');
  if (topology !== undefined && topology.backplane === 'redis') {
    const cluster = await startCluster({
      instances: topology.instances,
      transports: [transport],
      serverArgs: serverArgs(transport, options).slice(2),
      ...(options.backplane === undefined ? {} : { backplane: options.backplane }),
      ...(cpus === undefined ? {} : { cpus }),
      proxy: topology.proxied,
    });
    // The whole server side on the server's core(s), like a single process: every rung gets
    // the same CPU budget, and redis-server and nginx don't take the load generator's core.
    // -a: every thread (redis-server's background threads); nginx's workers are its children.
    if (cpus !== undefined && hasTaskset()) {
      const helpers = [cluster.redis?.pid, cluster.nginx?.pid].filter((p): p is number => p !== undefined);
      for (const pid of withDescendants(helpers)) spawnSync('taskset', ['-apc', cpus, String(pid)], { stdio: 'ignore' });
    }
    const parts: NonNullable<TargetHandle['parts']> = [{ part: 'servers', pids: cluster.instances.map((i) => i.pid) }];
    if (cluster.redis?.pid !== undefined) parts.push({ part: 'redis', pids: [cluster.redis.pid] });
    if (cluster.nginx !== undefined) parts.push({ part: 'nginx', pids: [cluster.nginx.pid] });
    let stopping = false;
    let crashed: string | undefined;
    for (const instance of cluster.instances) {
      instance.child.once('exit', (code, signal) => {
        if (!stopping) crashed ??= `an instance exited on its own (${String(code ?? signal)}): ${instance.stderr().trim().split('\n').slice(-5).join(' | ')}`;
      });
    }
    return {
      url: cluster.url,
      instanceUrls: cluster.instanceUrls,
      pids: cluster.pids,
      instances: topology.instances,
      proxied: cluster.nginx !== undefined,
      backplane: 'redis',
      parts,
      crashed: () => crashed,
      async stop() {
        stopping = true;
        await cluster.stop();
      },
    };
  }
  const server = await spawnServer({ args: serverArgs(transport, options), cpus, gcHook: true });
  const handle = fromSpawned(server, 'memory');
  // The ladder's reference rung reports its (one) part too, so every rung splits alike.
  if (topology !== undefined) handle.parts = [{ part: 'servers', pids: [server.pid] }];
  return handle;
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
    ...(server.child.channel === undefined || server.child.channel === null ? {} : { heapAfterGc: () => heapAfterGc(server.child) }),
    crashed: () => crashed,
    async stop() {
      stopping = crashed === undefined;
      await server.stop();
    },
  };
}

/**
 * `--target URL`: a pushlab-protocol server the bench did not start, anywhere the user says.
 * Only that URL is contacted. It is checked once (GET /health) so an unreachable server is a
 * failed run with its cause, not a run of connection errors; it is never stopped.
 */
export async function externalTarget(url: string): Promise<TargetHandle> {
  const base = url.replace(/\/+$/, '');
  let backplane: TargetHandle['backplane'] = 'memory';
  try {
    const health = await fetch(`${base}/health`, { signal: AbortSignal.timeout(5000) });
    if (!health.ok) throw new Error(`GET ${base}/health answered ${health.status}`);
  } catch (error) {
    const cause = (error as Error & { cause?: { code?: string; message?: string } }).cause;
    throw new Error(`${base} does not answer: ${cause?.code ?? cause?.message ?? (error as Error).message}`);
  }
  try {
    // /config says which backplane the server runs on; an older server may not have it.
    const config = (await (await fetch(`${base}/config`, { signal: AbortSignal.timeout(5000) })).json()) as { backplane?: string };
    if (config.backplane === 'redis') backplane = 'redis';
  } catch {
    // not a pushlab server's /config: keep the default
  }
  return { url: base, instanceUrls: [base], pids: [], instances: 1, proxied: false, backplane, external: true, crashed: () => undefined, stop: async () => {} };
}
