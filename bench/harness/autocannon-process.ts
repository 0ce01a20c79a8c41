/**
 * Runs autocannon in its own processes on the load cores — one per load core, the connections
 * split between them — and sums their figures. Several processes report latency separately:
 * the merged p50/p99/max are the worst process's (conservative), the mean is request-weighted.
 */
import { fork, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type autocannon from 'autocannon';
import { parseCpuList } from '../measure/load-cores.ts';

const CHILD = fileURLToPath(new URL('./autocannon-child.ts', import.meta.url));
const TSX_LOADER = import.meta.resolve('tsx');
/** Beyond this many autocannon processes the load side gains nothing on a small machine. */
const MAX_PROCESSES = 4;

export interface AutocannonFigures {
  durationSeconds: number;
  requestsTotal: number;
  requestsPerSecond: { mean: number; p50: number; max: number };
  /** autocannon's latency, whole ms. */
  latencyMs: { p50: number; p99: number; max: number; mean: number };
  errors: number;
  non2xx: number;
}

/** How many autocannon processes for these load cores (1 when unpinned). */
export function autocannonProcesses(loadCpus: string | undefined, connections: number): number {
  const cores = loadCpus === undefined ? 1 : parseCpuList(loadCpus).length;
  return Math.max(1, Math.min(MAX_PROCESSES, cores, connections));
}

type ChildMessage = { type: 'started' } | { type: 'result'; figures: AutocannonFigures };

function runOne(options: autocannon.Options, loadCpus: string | undefined, onStarted: () => void): Promise<AutocannonFigures> {
  return new Promise((resolve, reject) => {
    const child = fork(CHILD, [], { execArgv: ['--import', TSX_LOADER], stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
    if (loadCpus !== undefined && child.pid !== undefined) spawnSync('taskset', ['-pc', loadCpus, String(child.pid)], { stdio: 'ignore' });
    let stderr = '';
    let answer: AutocannonFigures | undefined;
    child.stderr?.on('data', (c: Buffer) => (stderr = (stderr + c.toString()).slice(-2000)));
    child.on('message', (m: ChildMessage) => (m.type === 'started' ? onStarted() : (answer = m.figures)));
    child.once('error', reject);
    child.once('exit', (code) => (answer !== undefined ? resolve(answer) : reject(new Error(`autocannon process exited (${String(code)}): ${stderr.trim()}`))));
    child.send(options);
  });
}

/** Sum several processes' figures (see the module comment for latency). */
export function combine(parts: readonly AutocannonFigures[]): AutocannonFigures {
  const total = parts.reduce((s, p) => s + p.requestsTotal, 0);
  const sum = (f: (p: AutocannonFigures) => number): number => parts.reduce((s, p) => s + f(p), 0);
  const worst = (f: (p: AutocannonFigures) => number): number => Math.max(0, ...parts.map(f));
  return {
    durationSeconds: worst((p) => p.durationSeconds),
    requestsTotal: total,
    requestsPerSecond: { mean: sum((p) => p.requestsPerSecond.mean), p50: sum((p) => p.requestsPerSecond.p50), max: sum((p) => p.requestsPerSecond.max) },
    latencyMs: { p50: worst((p) => p.latencyMs.p50), p99: worst((p) => p.latencyMs.p99), max: worst((p) => p.latencyMs.max), mean: total > 0 ? sum((p) => p.latencyMs.mean * p.requestsTotal) / total : 0 },
    errors: sum((p) => p.errors),
    non2xx: sum((p) => p.non2xx),
  };
}

/** `onStarted` runs once every process is about to send its first request (start sampling there). */
export async function runAutocannon(options: autocannon.Options & { connections: number }, loadCpus: string | undefined, onStarted: () => void = () => {}): Promise<{ figures: AutocannonFigures; processes: number }> {
  const n = autocannonProcesses(loadCpus, options.connections);
  const share = (i: number): number => Math.floor(options.connections / n) + (i < options.connections % n ? 1 : 0);
  let started = 0;
  const parts = await Promise.all(Array.from({ length: n }, (_, i) => runOne({ ...options, connections: share(i) }, loadCpus, () => (++started === n ? onStarted() : undefined))));
  return { figures: combine(parts), processes: n };
}
