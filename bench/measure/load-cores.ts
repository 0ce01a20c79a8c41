/**
 * The load cores seen from outside the workers: busy and steal time from /proc/stat over the
 * window. Per-worker CPU cannot see saturation when several workers share one core (two at
 * 50% each fill it); the core's own counters can. Linux only: elsewhere the figures are absent.
 */
import { readProcFile } from './proc-file.ts';
import os from 'node:os';
import { readTcpCounters } from './tcp-segments.ts';

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

export function figures(cores: number[], a: CoreTimes, b: CoreTimes): LoadCoreFigures {
  const total = Math.max(1, b.total - a.total);
  const pct = (n: number): number => Math.round((n / total) * 1000) / 10;
  return { cores, busyPercent: pct(total - (b.idle - a.idle)), stealPercent: pct(b.steal - a.steal) };
}

/** Samples the load cores at the window's two edges (timers on the shared clock). */
export class LoadCoreSampler {
  readonly cores: number[];
  #start: CoreTimes | undefined;
  #end: CoreTimes | undefined;
  #tcpStart: ReturnType<typeof readTcpCounters>;
  #tcpEnd: ReturnType<typeof readTcpCounters>;
  #timers: ReturnType<typeof setTimeout>[] = [];

  constructor(loadCpus: string | undefined) {
    this.cores = loadCpus === undefined ? os.cpus().map((_, i) => i) : parseCpuList(loadCpus);
  }

  /** Sample at `startInMs` and `endInMs` from now. */
  schedule(startInMs: number, endInMs: number): void {
    // The machine's TCP counters ride on the same two timers: the same window edges.
    this.#timers.push(setTimeout(() => ((this.#start = readCoreTimes(this.cores)), (this.#tcpStart = readTcpCounters())), Math.max(0, startInMs)));
    this.#timers.push(setTimeout(() => ((this.#end = readCoreTimes(this.cores)), (this.#tcpEnd = readTcpCounters())), Math.max(0, endInMs)));
  }

  stop(): void {
    for (const t of this.#timers) clearTimeout(t);
  }

  result(): LoadCoreFigures | undefined {
    return this.#start === undefined || this.#end === undefined ? undefined : { ...figures(this.cores, this.#start, this.#end), tcp: { start: this.#tcpStart, end: this.#tcpEnd } };
  }
}
