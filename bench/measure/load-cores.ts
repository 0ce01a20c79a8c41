/**
 * The load cores seen from outside the workers: busy and steal time from /proc/stat over the
 * window. Per-worker CPU cannot see saturation when several workers share one core (two at
 * 50% each fill it); the core's own counters can. Linux only: elsewhere the figures are absent.
 */
import { readProcFile } from './proc-file.ts';
import os from 'node:os';
import { readTcpCounters } from './tcp-segments.ts';
import { procStat } from './procfs.ts';

export interface CoreTimes {
  /** Jiffies per state, summed over the cores watched. */
  total: number;
  idle: number;
  steal: number;
}

export interface LoadCoreFigures {
  /** The cores watched (the load cores when taskset pins the workers, else every core). */
  cores: number[];
  /** Busy (everything but idle and iowait, steal included) over the window, percent of those cores. */
  busyPercent: number;
  /** Time the hypervisor took from them, percent. */
  stealPercent: number;
  /** Busy core-seconds over the window: the busy share × cores × the wall time between the two samples (harness headroom, bench/measure/headroom.ts). */
  busyCoreSeconds?: number;
  /** True when no load cores were given (no taskset): every core was watched, the server's too. */
  sharedWithServer?: boolean;
  /** CPU of the harness's own processes (load workers and the bench) over the window, seconds: what other users of the machine do not touch. */
  processCpuSeconds?: number;
  /** /proc/net/snmp's TCP counters at the same two edges (bench/measure/tcp-segments.ts), when readable. */
  tcp?: { start: ReturnType<typeof readTcpCounters>; end: ReturnType<typeof readTcpCounters> };
}

/** `1`, `1-3`, `1,3-4` (taskset's list syntax) → core numbers. */
export function parseCpuList(list: string): number[] {
  const out: number[] = [];
  for (const part of list.split(',')) {
    const [a, b] = part.split('-').map((x) => Number.parseInt(x, 10));
    if (a === undefined || !Number.isFinite(a)) continue;
    const end = b !== undefined && Number.isFinite(b) ? b : a;
    for (let c = a; c <= end; c++) out.push(c);
  }
  return out;
}

/** Sum the /proc/stat lines of `cores` (text given for tests). Undefined where /proc/stat is missing. */
export function readCoreTimes(cores: readonly number[], text?: string): CoreTimes | undefined {
  const stat = text ?? readProcFile('/proc/stat');
  if (stat === undefined) return undefined;
  const sum: CoreTimes = { total: 0, idle: 0, steal: 0 };
  for (const line of stat.split('\n')) {
    const m = /^cpu(\d+)\s+(.*)$/.exec(line);
    if (m === null || !cores.includes(Number(m[1]))) continue;
    // user nice system idle iowait irq softirq steal (guest time is already in user)
    const v = (m[2] ?? '').trim().split(/\s+/).map(Number);
    const [user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0] = v;
    sum.total += user + nice + system + idle + iowait + irq + softirq + steal;
    sum.idle += idle + iowait;
    sum.steal += steal;
  }
  return sum.total > 0 ? sum : undefined;
}

/** `elapsedMs`: wall time between the two samples; with it, the busy core-seconds too. */
export function figures(cores: number[], a: CoreTimes, b: CoreTimes, elapsedMs?: number): LoadCoreFigures {
  const total = Math.max(1, b.total - a.total);
  const busy = total - (b.idle - a.idle);
  const pct = (n: number): number => Math.round((n / total) * 1000) / 10;
  const out: LoadCoreFigures = { cores, busyPercent: pct(busy), stealPercent: pct(b.steal - a.steal) };
  // Jiffies are USER_HZ ticks; the share of them × cores × wall time needs no USER_HZ.
  if (elapsedMs !== undefined && elapsedMs > 0) out.busyCoreSeconds = Math.round((busy / total) * cores.length * (elapsedMs / 1000) * 10000) / 10000;
  return out;
}

/** Samples the load cores at the window's two edges (timers on the shared clock). */
export class LoadCoreSampler {
  readonly cores: number[];
  readonly #shared: boolean;
  #start: CoreTimes | undefined;
  #end: CoreTimes | undefined;
  #startAt = 0;
  #endAt = 0;
  #pids: () => number[] = () => [];
  #cpuStart: number | undefined;
  #cpuEnd: number | undefined;
  #tcpStart: ReturnType<typeof readTcpCounters>;
  #tcpEnd: ReturnType<typeof readTcpCounters>;
  #timers: ReturnType<typeof setTimeout>[] = [];

  constructor(loadCpus: string | undefined) {
    this.cores = loadCpus === undefined ? os.cpus().map((_, i) => i) : parseCpuList(loadCpus);
    this.#shared = loadCpus === undefined;
  }

  /** Sample at `startInMs` and `endInMs` from now; `pids`: the harness's own processes, read at both edges. */
  schedule(startInMs: number, endInMs: number, pids?: () => number[]): void {
    if (pids !== undefined) this.#pids = pids;
    // The machine's TCP counters ride on the same two timers: the same window edges.
    this.#timers.push(setTimeout(() => ((this.#startAt = performance.now()), (this.#cpuStart = this.#ownCpu()), (this.#start = readCoreTimes(this.cores)), (this.#tcpStart = readTcpCounters())), Math.max(0, startInMs)));
    this.#timers.push(setTimeout(() => ((this.#endAt = performance.now()), (this.#cpuEnd = this.#ownCpu()), (this.#end = readCoreTimes(this.cores)), (this.#tcpEnd = readTcpCounters())), Math.max(0, endInMs)));
  }

  /** Summed CPU seconds of the harness's processes; undefined when one cannot be read (then no figure). */
  #ownCpu(): number | undefined {
    const pids = this.#pids();
    if (pids.length === 0) return undefined;
    let sum = 0;
    for (const pid of pids) {
      const stat = procStat(pid);
      if (stat === undefined) return undefined;
      sum += stat.cpuSeconds;
    }
    return sum;
  }

  stop(): void {
    for (const t of this.#timers) clearTimeout(t);
  }

  result(): LoadCoreFigures | undefined {
    return this.#start === undefined || this.#end === undefined ? undefined : { ...figures(this.cores, this.#start, this.#end, this.#endAt - this.#startAt), ...(this.#shared ? { sharedWithServer: true } : {}), ...(this.#cpuStart === undefined || this.#cpuEnd === undefined ? {} : { processCpuSeconds: Math.round((this.#cpuEnd - this.#cpuStart) * 1000) / 1000 }), tcp: { start: this.#tcpStart, end: this.#tcpEnd } };
  }
}
