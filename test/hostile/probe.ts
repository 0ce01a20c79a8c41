/**
 * The hostile suite's view of a server process from outside: start any checkout's `pushlab
 * serve` (so the same attacks measure the original code and this one), read its RSS and open
 * descriptors from /proc, time a `GET /health`, and talk raw TCP to it.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import net from 'node:net';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface Child {
  url: string;
  port: number;
  pid: number;
  child: ChildProcess;
  /** Resolves with the exit code (or signal name) once the process is gone. */
  exited: Promise<number | string>;
  stderr(): string;
}

/** Start `node <bin> serve --port 0 …args` and wait for its `listening on` line. */
export function startChild(bin: string, args: string[]): Promise<Child> {
  const child = spawn(process.execPath, [bin, 'serve', '--port', '0', '--no-demo', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  child.stderr?.on('data', (c: Buffer) => (err = (err + c.toString()).slice(-10_000)));
  const exited = new Promise<number | string>((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal ?? 'unknown')));
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`serve did not start: ${err}`)), 20_000);
    child.stdout?.on('data', (c: Buffer) => {
      out += c.toString();
      const m = /listening on (http:\/\/\S+:(\d+))/.exec(out);
      if (m === null || child.pid === undefined) return;
      clearTimeout(timer);
      child.stdout?.removeAllListeners('data');
      child.stdout?.resume();
      resolve({ url: m[1] as string, port: Number(m[2]), pid: child.pid, child, exited, stderr: () => err });
    });
  });
}

/** Resident set size, MB (VmRSS of /proc/<pid>/status). */
export function rssMb(pid: number): number {
  const m = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m === null ? Number.NaN : Number(m[1]) / 1024;
}

/** Open descriptors of the process (/proc/<pid>/fd). */
export function fdCount(pid: number): number {
  return readdirSync(`/proc/${pid}/fd`).length;
}

/**
 * ms until `GET /health` answers 200 on a fresh connection (Infinity: no answer within
 * `timeoutMs`). Timed by curl in its own process, so a busy test process (a thousand sockets
 * to read) does not count against the server.
 */
export async function healthMs(url: string, timeoutMs = 30_000): Promise<number> {
  try {
    const { stdout } = await run('curl', ['-s', '-o', '/dev/null', '-w', '%{http_code} %{time_total}', '--max-time', String(timeoutMs / 1000), `${url}/health`]);
    const [code, seconds] = stdout.trim().split(' ');
    return code === '200' ? Number(seconds) * 1000 : Number.POSITIVE_INFINITY;
  } catch {
    return Number.POSITIVE_INFINITY;
  }
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Poll `check` every 100 ms until it holds or `ms` pass; returns whether it held. */
export async function within(ms: number, check: () => boolean): Promise<boolean> {
  const deadline = Date.now() + ms;
  for (;;) {
    if (check()) return true;
    if (Date.now() > deadline) return false;
    await sleep(100);
  }
}

/** A raw TCP connection that has written `data` and never reads (its receive window fills). */
export function deafSocket(port: number, data?: string | Buffer): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1', () => {
      socket.pause();
      if (data !== undefined) socket.write(data);
      resolve(socket);
    });
    socket.once('error', reject);
    socket.on('error', () => {});
  });
}

/** Open `count` connections with bounded concurrency. */
export async function many<T>(count: number, open: (i: number) => Promise<T>, concurrency = 100): Promise<T[]> {
  const out: T[] = new Array<T>(count);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, count) }, async () => {
      while (next < count) {
        const i = next++;
        out[i] = await open(i);
      }
    }),
  );
  return out;
}

/** POST JSON (the way every pushlab client does). */
export async function postJson(url: string, body: unknown, token?: string): Promise<{ status: number; json: unknown }> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (token !== undefined) headers.authorization = `Bearer ${token}`;
  const res = await fetch(url, { method: 'POST', headers, body: JSON.stringify(body) });
  // Success bodies are JSON; an error's is only drained (the cases look at its status).
  return { status: res.status, json: res.ok ? ((await res.json()) as unknown) : await res.text() };
}

/** Publish `count` messages of `textBytes` to `room`, `parallel` at a time. */
export async function seed(url: string, room: string, count: number, textBytes: number, parallel = 20): Promise<void> {
  const text = 'x'.repeat(textBytes);
  await many(count, async () => {
    const { status } = await postJson(`${url}/rooms/${room}/messages`, { from: 'seed', text });
    if (status !== 201) throw new Error(`seed publish answered ${status}`);
  }, parallel);
}
