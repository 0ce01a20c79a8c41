/**
 * The orchestrator's side of one load worker: the forked process (bench/harness/worker/,
 * run under tsx, pinned to the load cores), its IPC as questions with answers and timeouts,
 * and its death — every pending question gets the failure as its answer.
 */
import { fork, spawnSync, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { BenchOptions } from '../../results/types.ts';
import { subscribersPerRoom } from '../measure/accounting.ts';
import type { FromWorker, ToWorker } from './worker-protocol.ts';

const WORKER = fileURLToPath(new URL('./worker/worker.ts', import.meta.url));
const TSX_LOADER = import.meta.resolve('tsx');

/** Deliveries so far over all workers; `expected` from what was sent (rooms share the schedule equally). */
export async function deliveries(workers: readonly WorkerHandle[], options: BenchOptions, timeoutMs: number): Promise<{ delivered: number; expected: number; inFlight: number; done: boolean }> {
  const progress = await Promise.all(workers.map((w) => w.ask({ type: 'progress' }, 'progress', timeoutMs)));
  let delivered = 0;
  let sent = 0;
  let inFlight = 0;
  let done = true;
  for (const p of progress) {
    if (p === undefined) continue;
    delivered += p.delivered;
    sent += p.sent;
    inFlight += p.inFlight;
    done &&= p.done;
  }
  // sent × subscribers per room: rooms get equal shares of the schedule (k mod rooms).
  const expected = Math.round(subscribersPerRoom(options.clients, options.rooms).reduce((sum, subs) => sum + (sent / options.rooms) * subs, 0));
  return { delivered, expected, inFlight, done };
}

export class WorkerHandle {
  readonly child: ChildProcess;
  readonly ready: Promise<void>;
  died: string | undefined;
  stderr = '';
  #waiters = new Map<string, (m: FromWorker) => void>();

  constructor(id: number, cpus: string | undefined) {
    this.child = fork(WORKER, [], { execArgv: ['--import', TSX_LOADER], stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
    this.child.stderr?.on('data', (c: Buffer) => {
      this.stderr = (this.stderr + c.toString()).slice(-4000);
    });
    if (cpus !== undefined && this.child.pid !== undefined) spawnSync('taskset', ['-pc', cpus, String(this.child.pid)], { stdio: 'ignore' });
    this.ready = new Promise((resolve, reject) => {
      this.#waiters.set('ready', () => resolve());
      this.child.once('exit', (code, signal) => {
        this.died ??= `load worker ${id} exited (${String(code ?? signal)}) ${this.stderr.trim().split('\n').slice(-3).join(' | ')}`;
        reject(new Error(this.died));
        for (const w of this.#waiters.values()) w({ type: 'fatal', error: this.died });
        this.#waiters.clear();
      });
    });
    this.ready.catch(() => {});
    this.child.on('message', (m: FromWorker) => {
      if (m.type === 'fatal') {
        // Every pending question gets the failure as its answer.
        this.died ??= `load worker ${id} failed: ${m.error}`;
        const waiters = [...this.#waiters.values()];
        this.#waiters.clear();
        for (const w of waiters) w(m);
        return;
      }
      const waiter = this.#waiters.get(m.type);
      if (waiter !== undefined) {
        this.#waiters.delete(m.type);
        waiter(m);
      }
    });
  }

  send(message: ToWorker): void {
    if (this.child.connected) this.child.send(message);
  }

  ask<T extends FromWorker['type']>(message: ToWorker, answer: T, timeoutMs: number): Promise<Extract<FromWorker, { type: T }> | undefined> {
    if (this.died !== undefined || !this.child.connected) return Promise.resolve(undefined);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.#waiters.delete(answer);
        resolve(undefined);
      }, timeoutMs);
      this.#waiters.set(answer, (m) => {
        clearTimeout(timer);
        resolve(m.type === answer ? (m as Extract<FromWorker, { type: T }>) : undefined);
      });
      this.send(message);
    });
  }

  kill(): void {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGKILL');
  }
}
