/**
 * Is a capacity figure the server's limit? Only when the server's own CPU time over the probe
 * shows its core saturated. Otherwise the figure is a *lower bound*, with the reason: the load
 * side (autocannon's processes on the load cores) was full, or the limit was elsewhere.
 */
import { figures as coreFigures, parseCpuList, readCoreTimes, type CoreTimes } from './load-cores.ts';
import { procStat } from './procfs.ts';

import { SERVER_SATURATED_PERCENT } from '../../results/method-limits.ts';

export { SERVER_SATURATED_PERCENT };
/** The load cores at least this busy (percent) explain a server below saturation (same as the runs' load-bound rule). */
export const LOAD_SATURATED_PERCENT = 85;

export interface CapacityBound {
  /** `capacity` when the server core was saturated, else `lower-bound`. */
  kind: 'capacity' | 'lower-bound';
  /** Server process CPU over the probe, percent of one core. */
  serverCpuPercent: number;
  /** The load cores' busy share over the probe, percent (absent off Linux). */
  loadCoresBusyPercent?: number;
  /** Why a lower bound (absent for capacity). */
  reason?: string;
}

export function classifyCapacity(serverCpuPercent: number, loadCoresBusyPercent: number | undefined): CapacityBound {
  const base = { serverCpuPercent: Math.round(serverCpuPercent * 10) / 10, ...(loadCoresBusyPercent === undefined ? {} : { loadCoresBusyPercent }) };
  if (serverCpuPercent >= SERVER_SATURATED_PERCENT) return { kind: 'capacity', ...base };
  const server = `the server used ${base.serverCpuPercent}% of its core (capacity needs ≥ ${SERVER_SATURATED_PERCENT}%)`;
  const reason =
    loadCoresBusyPercent !== undefined && loadCoresBusyPercent >= LOAD_SATURATED_PERCENT
      ? `load side saturated: the load cores were ${loadCoresBusyPercent}% busy and ${server}`
      : `${server}; the load cores were ${loadCoresBusyPercent ?? '?'}% busy: the limit is elsewhere (connections, latency, the kernel)`;
  return { kind: 'lower-bound', ...base, reason };
}

/** Samples the server process's CPU time and the load cores around one probe. */
export class CapacityWatch {
  readonly #pid: number;
  readonly #cores: number[] | undefined;
  #cpu0 = 0;
  #at0 = 0;
  #cores0: CoreTimes | undefined;

  constructor(serverPid: number, loadCpus: string | undefined) {
    this.#pid = serverPid;
    this.#cores = loadCpus === undefined ? undefined : parseCpuList(loadCpus);
  }

  start(): void {
    this.#cpu0 = procStat(this.#pid)?.cpuSeconds ?? 0;
    this.#at0 = performance.now();
    this.#cores0 = this.#cores === undefined ? undefined : readCoreTimes(this.#cores);
  }

  stop(): CapacityBound {
    const seconds = Math.max(0.001, (performance.now() - this.#at0) / 1000);
    const cpu = (procStat(this.#pid)?.cpuSeconds ?? this.#cpu0) - this.#cpu0;
    const cores1 = this.#cores === undefined ? undefined : readCoreTimes(this.#cores);
    const load = this.#cores === undefined || this.#cores0 === undefined || cores1 === undefined ? undefined : coreFigures(this.#cores, this.#cores0, cores1).busyPercent;
    return classifyCapacity((cpu / seconds) * 100, load);
  }
}
