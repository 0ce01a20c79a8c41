/**
 * Which cores the server gets and which the load: the server on the first core this process
 * may use, the load (workers, floor clients, autocannon, this process) on every other one, so
 * on a bigger machine the load workers spread over all cores but the server's. Pure parts
 * (planCpus, formatCpuList, allowedCpus on given text) are tested without taskset or /proc.
 */
import os from 'node:os';
import { readProcFile } from '../measure/proc-file.ts';
import { parseCpuList } from '../measure/load-cores.ts';
import { hasTaskset } from '../targets/spawn-server.ts';

export interface CpuPlan {
  /** taskset list for the server (one core). Absent: no pinning (no taskset, or one core). */
  server?: string;
  /** taskset list for the load side: every allowed core but the server's. */
  load?: string;
}

/** Core numbers → taskset's list syntax, runs folded into ranges: [1,2,3,5] → `1-3,5`. */
export function formatCpuList(cores: readonly number[]): string {
  const sorted = [...new Set(cores)].sort((a, b) => a - b);
  const parts: string[] = [];
  for (let i = 0; i < sorted.length; ) {
    let j = i;
    while (j + 1 < sorted.length && (sorted[j + 1] as number) === (sorted[j] as number) + 1) j++;
    parts.push(i === j ? String(sorted[i]) : `${sorted[i]}-${sorted[j]}`);
    i = j + 1;
  }
  return parts.join(',');
}

/**
 * The cores this process may run on: `Cpus_allowed_list` of /proc/self/status (a container or
 * an outer taskset may give cores 4-7, not 0-3), else 0 … availableParallelism − 1.
 */
export function allowedCpus(statusText: string | undefined = readProcFile('/proc/self/status'), fallback = os.availableParallelism()): number[] {
  const m = statusText === undefined ? null : /^Cpus_allowed_list:\s*(\S+)/m.exec(statusText);
  const listed = m === null ? [] : parseCpuList(m[1] as string);
  return listed.length > 0 ? listed : Array.from({ length: fallback }, (_, i) => i);
}

/** Server on the lowest allowed core, load on all the others; nothing pinned without taskset or a second core. */
export function planCpus(allowed: readonly number[], taskset: boolean): CpuPlan {
  const cores = [...new Set(allowed)].sort((a, b) => a - b);
  if (!taskset || cores.length < 2) return {};
  return { server: String(cores[0]), load: formatCpuList(cores.slice(1)) };
}

let planned: CpuPlan | undefined;

/**
 * This machine's plan, computed once: runBench pins this process to the load cores, after
 * which /proc/self/status would no longer list the server's core.
 */
export function cpuPlan(): CpuPlan {
  planned ??= planCpus(allowedCpus(), hasTaskset());
  return planned;
}
