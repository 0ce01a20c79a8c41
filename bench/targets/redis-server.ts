/**
 * A redis-server of our own as a child process, on a free loopback port, no persistence and
 * no daemonizing, for a cluster run without `--backplane` (bench/targets/cluster.ts) and for tests.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { Redis } from 'ioredis';
import { freePort, hasExited, requireBinary, stopChild } from './processes.ts';

export interface RedisServer {
  url: string;
  port: number;
  /** The running server's pid (undefined while stopped). */
  readonly pid: number | undefined;
  /** SIGTERM and wait for the exit. */
  stop(): Promise<void>;
  /** Start again on the same port (a fresh, empty Redis) and wait until it answers PING. */
  restart(): Promise<void>;
}

export const REDIS_INSTALL_HINT = 'apt-get install -y redis-server';

export async function startRedisServer(options: { port?: number } = {}): Promise<RedisServer> {
  const binary = requireBinary('redis-server', REDIS_INSTALL_HINT);
  const port = options.port ?? (await freePort());
  const url = `redis://127.0.0.1:${port}`;
  let child: ChildProcess | undefined;
  let stderr = '';

  const start = async (): Promise<void> => {
    const proc = spawn(binary, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--daemonize', 'no', '--loglevel', 'warning'], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    proc.stderr?.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString()).slice(-4000);
    });
    child = proc;
    await waitForPing(url, proc, () => stderr);
  };

  await start();
  return {
    url,
    port,
    get pid() {
      return child !== undefined && !hasExited(child) ? child.pid : undefined;
    },
    async stop() {
      const proc = child;
      child = undefined;
      if (proc !== undefined) await stopChild(proc, 'SIGTERM', 3000);
    },
    async restart() {
      const proc = child;
      child = undefined;
      if (proc !== undefined) await stopChild(proc, 'SIGTERM', 3000);
      await start();
    },
  };
}

/** Wait until Redis at `url` answers PING; fails when `proc` exits first or after `timeoutMs`. */
export async function waitForPing(url: string, proc?: ChildProcess, stderr: () => string = () => '', timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (proc !== undefined && hasExited(proc)) throw new Error(`redis-server exited (${String(proc.exitCode ?? proc.signalCode)}) before answering PING\n${stderr()}`);
    const client = new Redis(url, { lazyConnect: true, enableOfflineQueue: false, maxRetriesPerRequest: 0, retryStrategy: () => null, connectTimeout: 500 });
    client.on('error', () => {});
    try {
      await client.connect();
      if ((await client.ping()) === 'PONG') return;
    } catch {
      // not up yet
    } finally {
      client.disconnect();
    }
    if (Date.now() > deadline) throw new Error(`redis-server at ${url} did not answer PING within ${timeoutMs} ms\n${stderr()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
