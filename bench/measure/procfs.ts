/**
 * Processes seen through /proc (Linux): CPU seconds and RSS of a pid, and a pid's descendants
 * (nginx's workers are its master's children). Elsewhere every reader answers "not there".
 */
import { readFileSync, readdirSync } from 'node:fs';
import { spawnSync } from 'node:child_process';

let procUnits: { ticks: number; page: number } | undefined;
function units(): { ticks: number; page: number } {
  if (procUnits === undefined) {
    const get = (name: string, fallback: number): number => {
      const n = Number(spawnSync('getconf', [name], { encoding: 'utf8' }).stdout?.trim());
      return Number.isFinite(n) && n > 0 ? n : fallback;
    };
    procUnits = { ticks: get('CLK_TCK', 100), page: get('PAGESIZE', 4096) };
  }
  return procUnits;
}

/** CPU seconds (user + sys) and RSS of a process from /proc; undefined when it is gone or not Linux. */
export function procStat(pid: number): { cpuSeconds: number; rssBytes: number } | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // Fields after the command name (which may contain spaces) start at field 3 (state).
  const rest = text.slice(text.lastIndexOf(')') + 2).split(' ');
  const { ticks, page } = units();
  const utime = Number(rest[11]);
  const stime = Number(rest[12]);
  const rss = Number(rest[21]);
  return { cpuSeconds: (utime + stime) / ticks, rssBytes: rss * page };
}

/** Parent pid of every process, from /proc/<pid>/stat (empty when /proc is not there). */
export function parentPids(): Map<number, number[]> {
  const children = new Map<number, number[]>();
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return children;
  }
  for (const name of entries) {
    if (!/^\d+$/.test(name)) continue;
    let text: string;
    try {
      text = readFileSync(`/proc/${name}/stat`, 'utf8');
    } catch {
      continue;
    }
    // Field 4 (ppid) is the second after the command name, which may contain spaces.
    const ppid = Number(text.slice(text.lastIndexOf(')') + 2).split(' ')[1]);
    const list = children.get(ppid) ?? [];
    list.push(Number(name));
    children.set(ppid, list);
  }
  return children;
}

/**
 * `pids` and all their descendants. nginx's master only forks: its workers do the proxying,
 * and a parent's /proc stat counts a child's CPU only once the child has exited and been
 * reaped — so a cluster's cost must read the workers themselves.
 */
export function withDescendants(pids: readonly number[], children: Map<number, number[]> = parentPids()): number[] {
  const out: number[] = [];
  const seen = new Set<number>();
  const stack = [...pids];
  while (stack.length > 0) {
    const pid = stack.pop() as number;
    if (seen.has(pid)) continue;
    seen.add(pid);
    out.push(pid);
    stack.push(...(children.get(pid) ?? []));
  }
  return out;
}
