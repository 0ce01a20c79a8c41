/**
 * The delay proxy as its own process (forked by bench/delay/spawn-proxy.ts over IPC): on the
 * load side, pinned to the load cores, so its CPU is its own to measure and it never takes the
 * server's core. argv[2] is JSON `{ targets, spec }`; it answers `ready` with its ports, and
 * `cpu` with its process.cpuUsage() in µs.
 */
import { startDelayProxy } from './proxy.ts';
import type { PathSpec } from './link.ts';

export type ToProxy = { type: 'cpu' };
export type FromProxy = { type: 'ready'; ports: number[] } | { type: 'cpu'; userUs: number; systemUs: number; connections: number } | { type: 'fatal'; error: string };

const { targets, spec } = JSON.parse(process.argv[2] ?? '{}') as { targets: string[]; spec: PathSpec };

startDelayProxy(targets, spec).then(
  (proxy) => {
    process.on('message', (m: ToProxy) => {
      if (m.type !== 'cpu') return;
      const cpu = process.cpuUsage();
      process.send?.({ type: 'cpu', userUs: cpu.user, systemUs: cpu.system, connections: proxy.connections() } satisfies FromProxy);
    });
    process.send?.({ type: 'ready', ports: proxy.ports } satisfies FromProxy);
  },
  (error: unknown) => {
    process.send?.({ type: 'fatal', error: (error as Error).message } satisfies FromProxy);
    setTimeout(() => process.exit(1), 50);
  },
);
// The bench went away: don't linger.
process.on('disconnect', () => process.exit(0));
