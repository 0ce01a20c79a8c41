/**
 * Start the delay proxy process for some server URLs and hand back the URLs to use instead.
 * Pinned with taskset to the load cores (never the server's), like the load workers, and run
 * at a high priority (nice PROXY_NICE, when allowed: root or CAP_SYS_NICE): the proxy stands
 * for the network, and a path that waits for the CPU behind the load workers is slower than
 * asked — measured here under load, 5–11 ms over a 20 ms RTT at nice 0. Its CPU is small and
 * reported per run.
 */
import { fork, spawnSync, type ChildProcess } from 'node:child_process';
import { setPriority } from 'node:os';
import { fileURLToPath } from 'node:url';
import type { PathSpec } from './link.ts';
import type { FromProxy } from './proxy-process.ts';

/** The proxy's nice value (−20 highest … 19 lowest; the load workers run at 0). */
export const PROXY_NICE = -15;

const SCRIPT = fileURLToPath(new URL('./proxy-process.ts', import.meta.url));
const TSX_LOADER = import.meta.resolve('tsx');

export interface SpawnedProxy {
  /** `urls[i]` reaches `targets[i]` across the path (same scheme and path, the proxy's port). */
  urls: string[];
  pid: number;
  /** The nice value it runs at (PROXY_NICE, or 0 when raising it was not allowed). */
  priority: number;
  /** The proxy's CPU so far, seconds (user + system), and connections accepted. */
  cpu(): Promise<{ seconds: number; connections: number } | undefined>;
  stop(): Promise<void>;
}

function answer<T extends FromProxy['type']>(child: ChildProcess, type: T, timeoutMs: number): Promise<Extract<FromProxy, { type: T }>> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => done(new Error(`the delay proxy did not answer "${type}" within ${timeoutMs} ms`)), timeoutMs);
    const onMessage = (m: FromProxy): void => {
      if (m.type === 'fatal') done(new Error(`the delay proxy failed: ${m.error}`));
      else if (m.type === type) done(undefined, m as Extract<FromProxy, { type: T }>);
    };
    const onExit = (code: number | null): void => done(new Error(`the delay proxy exited (${String(code)})`));
    function done(error?: Error, value?: Extract<FromProxy, { type: T }>): void {
      clearTimeout(timer);
      child.off('message', onMessage);
      child.off('exit', onExit);
      if (error !== undefined) reject(error);
      else resolve(value as Extract<FromProxy, { type: T }>);
    }
    child.on('message', onMessage);
    child.once('exit', onExit);
  });
}

export async function spawnDelayProxy(urls: readonly string[], spec: PathSpec, cpus: string | undefined): Promise<SpawnedProxy> {
  const parsed = urls.map((u) => new URL(u));
  const targets = parsed.map((u) => `${u.hostname}:${u.port === '' ? (u.protocol === 'https:' ? 443 : 80) : u.port}`);
  const child = fork(SCRIPT, [JSON.stringify({ targets, spec })], { execArgv: ['--import', TSX_LOADER], stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  if (cpus !== undefined && child.pid !== undefined) spawnSync('taskset', ['-pc', cpus, String(child.pid)], { stdio: 'ignore' });
  let priority = 0;
  try {
    if (child.pid !== undefined) setPriority(child.pid, PROXY_NICE);
    priority = PROXY_NICE;
  } catch {
    // Not root: the proxy runs at the default priority (the calibration shows what that costs).
  }
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let ready: Extract<FromProxy, { type: 'ready' }>;
  try {
    ready = await answer(child, 'ready', 15_000);
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
  return {
    urls: parsed.map((u, i) => {
      const v = new URL(u.href);
      v.hostname = '127.0.0.1';
      v.port = String(ready.ports[i]);
      // Keep the caller's form: `http://127.0.0.1:3000` stays without the trailing slash URL adds.
      return (urls[i] as string).endsWith('/') ? v.href : v.href.replace(/\/$/, '');
    }),
    pid: child.pid ?? 0,
    priority,
    async cpu() {
      if (!child.connected) return undefined;
      const promise = answer(child, 'cpu', 2000);
      child.send({ type: 'cpu' });
      const m = await promise.catch(() => undefined);
      return m === undefined ? undefined : { seconds: (m.userUs + m.systemUs) / 1e6, connections: m.connections };
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}
