/**
 * The bench's default gates (messages lost or unanswered, load-bound workers) fired on purpose,
 * through the real CLI with short windows:
 * - the server frozen (SIGSTOP) for the window's last seconds and past the drain: `expected`
 *   still equals the schedule, the stalled messages are unanswered and lost, the report does
 *   not say "No problem detected", and the bench exits non-zero (99, or 1 when the frozen
 *   server also left the run without its closing metrics sample) with the failed gates on stderr;
 * - many WebSocket subscribers at a high rate: warned before the run, flagged load-bound with
 *   the figures, exit 99 (and `--allow-load-bound` lets it pass);
 * - a quiet 20-client run: not flagged, and the polling transports' bytes include their publishes.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import type { BenchResults } from '../results/types.ts';
import { figures, parseCpuList, readCoreTimes } from '../bench/measure/load-cores.ts';
import { cpuPlan } from '../bench/harness/run.ts';

const BIN = fileURLToPath(new URL('../bin/pushlab.js', import.meta.url));
const dirs: string[] = [];
afterAll(async () => {
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

interface CliRun {
  code: number | null;
  stderr: string;
  results: BenchResults;
  report: string;
}

/** Children of `pid`, recursively, from /proc. */
function descendants(pid: number): { pid: number; cmdline: string }[] {
  const parentOf = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      parentOf.set(Number(entry), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      // gone already
    }
  }
  const out: { pid: number; cmdline: string }[] = [];
  const walk = (p: number): void => {
    for (const [child, parent] of parentOf) {
      if (parent !== p) continue;
      let cmdline = '';
      try {
        cmdline = readFileSync(`/proc/${child}/cmdline`, 'utf8').replace(/\0/g, ' ');
      } catch {
        // gone
      }
      out.push({ pid: child, cmdline });
      walk(child);
    }
  };
  walk(pid);
  return out;
}

async function bench(args: string[], timeoutMs: number, onStderr?: (text: string, child: ChildProcess) => void): Promise<CliRun> {
  const dir = await mkdtemp(join(tmpdir(), 'pushlab-gates-'));
  dirs.push(dir);
  const child = spawn(process.execPath, [BIN, 'bench', ...args, '--out', dir], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (c: Buffer) => {
    stderr += c.toString();
    onStderr?.(stderr, child);
  });
  child.stdout?.resume();
  const code = await new Promise<number | null>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`bench did not finish in ${timeoutMs} ms\n${stderr}`));
    }, timeoutMs);
    child.once('exit', (c) => {
      clearTimeout(timer);
      resolve(c);
    });
  });
  const [folder] = await readdir(dir);
  if (folder === undefined) throw new Error(`no results written\n${stderr}`);
  const results = JSON.parse(await readFile(join(dir, folder, 'results.json'), 'utf8')) as BenchResults;
  const report = await readFile(join(dir, folder, 'index.html'), 'utf8');
  return { code, stderr, results, report };
}

const SHORT = ['--scenario', 'smoke', '--no-capacity', '--warmup', '1s', '--duration', '4s'];

describe('default gates, through the real CLI', () => {
  it('SIGSTOP of the server for the last seconds and past the drain: expected from the schedule, unanswered and lost, a non-zero exit', async () => {
    let frozen: number | undefined;
    let windowSeenAt: number | undefined;
    const run = await bench([...SHORT, '--transports', 'websocket', '--clients', '4', '--rooms', '1', '--senders', '1', '--rate', '20'], 120_000, (text, child) => {
      if (windowSeenAt !== undefined || !/window \d+\/4 s/.test(text)) return;
      windowSeenAt = Date.now();
      // 2.5 s into the 4 s window: the last 1.5 s, the drain (2 s) and the grace stall.
      setTimeout(() => {
        const server = descendants(child.pid ?? 0).find((p) => / serve /.test(p.cmdline) && !p.cmdline.includes('taskset'));
        if (server === undefined) return;
        frozen = server.pid;
        process.kill(server.pid, 'SIGSTOP');
      }, 2500);
    });
    if (frozen !== undefined) {
      try {
        process.kill(frozen, 'SIGCONT');
      } catch {
        // already gone (SIGKILLed by the bench's stop)
      }
    }
    expect(frozen, run.stderr).toBeDefined();
    const [r] = run.results.runs;
    if (r === undefined) throw new Error('no run');
    const m = r.messages;
    // 4 s at 20 msg/s = 80 scheduled, 4 subscribers each: whatever the server did.
    expect(m.scheduled).toBe(80);
    expect(m.expected).toBe(320);
    expect(m.sent + (m.failed ?? 0) + (m.unanswered ?? 0)).toBe(80);
    expect(m.unanswered).toBeGreaterThan(0);
    expect(m.lost + (m.late ?? 0)).toBeGreaterThan(0);
    // Non-zero: 99 for the failed gates, or 1 when the frozen server also broke the run (its /metrics unanswered at the window's edge).
    expect([1, 99], run.stderr).toContain(run.code);
    expect(run.results.thresholds?.find((t) => t.metric === 'messages.unanswered')?.ok).toBe(false);
    expect(run.stderr).toMatch(/threshold\(s\) failed — .*messages\.unanswered==0/);
    expect(run.report).not.toContain('<h3>No problem detected</h3>');
    expect(run.report).toContain('Publishes unanswered or deliveries late');
  }, 150_000);

  it('many WebSocket subscribers at a high rate: warned before the run, flagged load-bound with its figures, a non-zero exit', async () => {
    const run = await bench([...SHORT, '--warmup', '5s', '--duration', '3s', '--transports', 'websocket', '--clients', '1000', '--rooms', '1', '--senders', '2', '--rate', '80'], 180_000);
    expect(run.stderr).toMatch(/warning: websocket: 80,000 deliveries\/s is beyond what/);
    const [r] = run.results.runs;
    if (r === undefined) throw new Error('no run');
    expect(r.workers.loadBound, JSON.stringify(r.workers)).toBe(true);
    expect(r.workers.reasons.join(' ')).toMatch(/load cores|event-loop delay|sender lag|of a core/);
    expect(r.workers.loadCoresBusyPercent).toBeGreaterThan(0);
    // 99 for the load-bound gate; 1 when this busy machine also left subscribers unjoined (a run error).
    expect([1, 99], run.stderr).toContain(run.code);
    expect(run.results.thresholds?.find((t) => t.metric === 'workers.loadBound')?.ok).toBe(false);
    expect(run.report).toContain('⚠ load-bound');
    expect(run.report).toContain('Load-bound runs: these measure the load generator');
  }, 200_000);

  it('a quiet 20-client run at 20 msg/s is not flagged, and short and long polling pay for their publishes', async () => {
    // The load-bound check sees the load cores from outside, so other work on a shared machine
    // counts too (rightly: the run could not have its core). "Not flagged" is asserted when the
    // load cores were quiet just before the run; the unit tests cover the rule itself.
    // Quiet just before *and* just after it (other work that starts mid-run shows after it).
    const cores = parseCpuList(cpuPlan().load ?? '0');
    const busy = async (): Promise<number> => {
      const before = readCoreTimes(cores);
      await new Promise((r) => setTimeout(r, 2000));
      const after = readCoreTimes(cores);
      return before !== undefined && after !== undefined ? figures(cores, before, after).busyPercent : 100;
    };
    const backgroundBefore = await busy();
    const run = await bench([...SHORT, '--transports', 'short-polling,long-polling,websocket', '--clients', '20', '--rooms', '1', '--senders', '2', '--rate', '20', '--size', '100'], 180_000);
    const background = Math.max(backgroundBefore, await busy());
    for (const r of run.results.runs) {
      // Known open finding (issue 12, lean load clients): a long-poll subscriber worker stalls its
      // event loop 15–20 ms now and then even on a quiet machine, beside a ~30 ms p99, so its
      // event-loop share sits at the 50% limit. Every other reason must stay silent for it too.
      const reasons = r.target === 'long-polling' ? r.workers.reasons.filter((why) => !/event-loop delay/.test(why)) : r.workers.reasons;
      if (background < 30) expect(reasons, r.target).toEqual([]);
      else console.warn(`load cores ${background}% busy before or after the quiet run (other work): not judging its load-bound flag (${r.target}: ${r.workers.reasons.join('; ') || 'not flagged'})`);
      expect(r.messages.negativeLatency).toBe(0);
    }
    for (const target of ['short-polling', 'long-polling']) {
      const r = run.results.runs.find((x) => x.target === target);
      // Every acked publish carried a 100-byte text (plus JSON and headers) into the server.
      expect(r?.bytes.in, target).toBeGreaterThan((r?.messages.sent ?? 0) * 150);
    }
  }, 200_000);
});
