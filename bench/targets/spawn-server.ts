/**
 * Start `pushlab serve` as a child process (a fresh process per run: the bench never reuses
 * a warmed-up server) and wait for its `listening on` line. Optionally pinned to CPUs with
 * taskset, so server and load generators don't share a core.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { GC_NODE_ARGS } from './gc-heap.ts';

const BIN = fileURLToPath(new URL('../../bin/pushlab.js', import.meta.url));

export interface SpawnedServer {
  url: string;
  port: number;
  pid: number;
  /** `--tls-*`: the certificate the server printed (clients trust it). */
  tlsCertPath?: string;
  child: ChildProcess;
  /** What the server printed on stderr (kept for error reports). */
  stderr(): string;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves with the exit code (or signal name). */
  stop(graceMs?: number): Promise<number | string>;
}

let tasksetChecked: boolean | undefined;
export function hasTaskset(): boolean {
  tasksetChecked ??= spawnSync('taskset', ['--version'], { stdio: 'ignore' }).status === 0;
  return tasksetChecked;
}

export interface SpawnServerOptions {
  /** Extra `pushlab serve` flags, e.g. ['--transports', 'websocket']. `--port 0` is added unless given. */
  args?: string[];
  /** CPU list for taskset (e.g. "0"); ignored where taskset is missing. */
  cpus?: string;
  /** Give up waiting for `listening on` after this, ms. Default 15000. */
  startTimeoutMs?: number;
  env?: NodeJS.ProcessEnv;
  /**
   * Run this TypeScript file (through tsx) instead of `pushlab serve` — the bench's bare
   * baseline servers and its floor echo server. It must print `listening on http://…:PORT`.
   */
  script?: string;
  /**
   * Start it with `--expose-gc`, ./gc-hook.js preloaded and an IPC channel, so the bench can
   * force a GC and read the heap (bench/targets/gc-heap.ts). Default false.
   */
  gcHook?: boolean;
}

/**
 * The environment without the user's PUSHLAB_* serve settings: `pushlab serve` reads them
 * (cli/serve.ts), and a bench's servers must be configured by the bench alone — a
 * PUSHLAB_TOKEN_SECRET exported for a real server would otherwise lock the bench's clients out.
 */
export function benchEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('PUSHLAB_')));
}

/** tsx's loader, resolved from here so a child started from any cwd finds it. */
const TSX_LOADER = import.meta.resolve('tsx');

export function spawnServer(options: SpawnServerOptions = {}): Promise<SpawnedServer> {
  const args = [...(options.args ?? [])];
  if (!args.includes('--port')) args.push('--port', '0');
  const command = options.cpus !== undefined && hasTaskset() ? 'taskset' : process.execPath;
  const entry = [...(options.gcHook === true ? GC_NODE_ARGS : []), ...(options.script === undefined ? [BIN, 'serve'] : ['--import', TSX_LOADER, options.script])];
  const argv = command === 'taskset' ? ['-c', options.cpus ?? '0', process.execPath, ...entry, ...args] : [...entry, ...args];
  // The IPC channel (fd 3) survives taskset's exec: node finds it through NODE_CHANNEL_FD.
  const child = spawn(command, argv, { stdio: ['ignore', 'pipe', 'pipe', ...(options.gcHook === true ? (['ipc'] as const) : [])], env: options.env ?? benchEnv() });
  let stdout = '';
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-20_000);
  });
  const exited = new Promise<number | string>((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal ?? 'unknown')));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`pushlab serve did not start within ${options.startTimeoutMs ?? 15_000} ms\n${stderr}`));
    }, options.startTimeoutMs ?? 15_000);
    const early = (code: number | null): void => {
      clearTimeout(timer);
      reject(new Error(`pushlab serve exited with ${String(code)} before listening\n${stderr}`));
    };
    child.once('exit', early);
    child.stdout?.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const m = /listening on (https?:\/\/\S+:(\d+))/.exec(stdout);
      if (m === null || child.pid === undefined) return;
      clearTimeout(timer);
      child.off('exit', early);
      child.stdout?.removeAllListeners('data');
      child.stdout?.resume();
      const pid = child.pid;
      const cert = /tls: certificate (\S+)/.exec(stdout);
      resolve({
        ...(cert === null ? {} : { tlsCertPath: cert[1] as string }),
        url: m[1] as string,
        port: Number(m[2]),
        pid,
        child,
        stderr: () => stderr,
        async stop(graceMs = 6000) {
          if (child.exitCode !== null || child.signalCode !== null) return exited;
          child.kill('SIGTERM');
          const kill = setTimeout(() => child.kill('SIGKILL'), graceMs);
          const result = await exited;
          clearTimeout(kill);
          return result;
        },
      });
    });
  });
}
