/**
 * The bench as CI and a person live with it, through the real CLI in child processes:
 * thresholds and exit 99, progress under a pipe, SIGINT/SIGTERM keeping completed runs with no
 * process left behind, --config and --from, --target against a separately started server,
 * a target that cannot start, and the small edges of the command line.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BenchResults } from '../results/types.ts';
import { withDescendants } from '../bench/measure/procfs.ts';
import { resultsProblems } from '../results/load.ts';
import { spawnServer, type SpawnedServer } from '../bench/targets/spawn-server.ts';
import { freePort } from '../bench/targets/processes.ts';

const BIN = fileURLToPath(new URL('../bin/pushlab.js', import.meta.url));
/** Small and short: one second of warm-up, a few seconds of window, no capacity probe. */
const QUICK = ['--scenario', 'smoke', '--duration', '3s', '--warmup', '1s', '--no-capacity', '--poll-interval-ms', '400', '--hold-ms', '1500'];

interface Cli {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** When each stderr line arrived, ms since the start. */
  lineTimes: number[];
}

function runCli(args: string[], options: { timeoutMs?: number; onLine?: (line: string, pid: number) => void } = {}): Promise<Cli> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Cli = { code: null, signal: null, stdout: '', stderr: '', lineTimes: [] };
    let partial = '';
    child.stdout.on('data', (c: Buffer) => (out.stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => {
      out.stderr += c.toString();
      partial += c.toString();
      const lines = partial.split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) {
        out.lineTimes.push(Date.now() - started);
        options.onLine?.(line, child.pid ?? 0);
      }
    });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`pushlab ${args.join(' ')} did not finish\n${out.stderr}`));
    }, options.timeoutMs ?? 120_000);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      resolve({ ...out, code, signal });
    });
  });
}

async function onlyResults(dir: string): Promise<{ results: BenchResults; folder: string }> {
  const folders = await readdir(dir);
  expect(folders).toHaveLength(1);
  const folder = join(dir, folders[0] as string);
  return { results: JSON.parse(await readFile(join(folder, 'results.json'), 'utf8')) as BenchResults, folder };
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function noneAlive(pids: number[]): Promise<number[]> {
  const deadline = Date.now() + 3000;
  let left = pids.filter(alive);
  while (left.length > 0 && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 100));
    left = left.filter(alive);
  }
  return left;
}

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'pushlab-ci-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('thresholds and progress through the CLI', () => {
  it('a threshold it cannot meet: exit 99, names it, still writes results.json and the report; progress lines under a pipe ≤ 10 s apart', async () => {
    const out = join(root, 'fail');
    const cli = await runCli(['bench', ...QUICK, '--transports', 'websocket,long-polling', '--threshold', 'websocket:latencyMs.p99<0.001', '--out', out]);
    expect(cli.code, cli.stderr).toBe(99);
    expect(cli.stderr).toMatch(/threshold\(s\) failed — .*websocket: websocket:latencyMs\.p99<0\.001 \([\d.]+\)/);
    expect(cli.stdout).toMatch(/FAIL websocket: latencyMs\.p99 < 0\.001 ms — [\d.]+ ms/);
    const { results, folder } = await onlyResults(out);
    expect(resultsProblems(results)).toEqual([]);
    const failed = results.thresholds?.find((t) => t.expression === 'websocket:latencyMs.p99<0.001');
    expect(failed).toMatchObject({ ok: false, target: 'websocket', source: 'user' });
    expect(failed?.actual).toBe(results.runs.find((r) => r.target === 'websocket')?.latencyMs.p99);
    // Four default gates (loss, unanswered, negative latency, load-bound) × two targets.
    expect(results.thresholds?.filter((t) => t.source === 'default').length).toBe(8);
    const html = await readFile(join(folder, 'index.html'), 'utf8');
    expect(html).toContain('data-threshold="websocket:latencyMs.p99&lt;0.001" data-ok="false"');
    // No terminal: plain lines, the first soon, none more than 10 s after the one before.
    const progress = cli.stderr.split('\n').filter((l) => l.startsWith('pushlab bench ['));
    expect(progress.some((l) => /run 2\/2 long-polling #1 · window \d+\/3 s · \d+ delivered · ETA/.test(l))).toBe(true);
    expect(cli.lineTimes[0]).toBeLessThan(10_000);
    const gaps = cli.lineTimes.slice(1).map((t, i) => t - (cli.lineTimes[i] as number));
    expect(Math.max(...gaps)).toBeLessThanOrEqual(10_000);
    expect(cli.stderr).not.toMatch(/\r|\x1b\[/);
  }, 150_000);

  it('a threshold it meets: exit 0; --no-default-thresholds drops the gates; --quiet prints no progress', async () => {
    const out = join(root, 'pass');
    const cli = await runCli(['bench', ...QUICK, '--transports', 'websocket', '--threshold', 'websocket:latencyMs.p99<60s', '--no-default-thresholds', '--quiet', '--out', out]);
    expect(cli.code, cli.stderr).toBe(0);
    const { results, folder } = await onlyResults(out);
    expect(results.thresholds).toHaveLength(1);
    expect(results.thresholds?.[0]).toMatchObject({ ok: true, source: 'user', metric: 'latencyMs.p99', limit: 60_000 });
    expect((await stat(join(folder, 'index.html'))).size).toBeGreaterThan(1000);
    expect(cli.stderr).not.toMatch(/pushlab bench \[/);
    expect(cli.stdout).toMatch(/ok {3}websocket: latencyMs\.p99 < 60000 ms/);
  }, 150_000);
});

describe('progress on a terminal', () => {
  it('a live line rewritten in place, with an ETA (under a real pseudo-terminal: script(1))', async () => {
    const out = join(root, 'tty');
    const command = [process.execPath, BIN, 'bench', ...QUICK, '--transports', 'websocket', '--no-default-thresholds', '--out', out].map((a) => `'${a}'`).join(' ');
    const cli = await new Promise<{ code: number | null; text: string }>((resolve) => {
      const child = spawn('script', ['-qfec', command, '/dev/null'], { stdio: ['ignore', 'pipe', 'pipe'] });
      let text = '';
      child.stdout.on('data', (c: Buffer) => (text += c.toString()));
      child.once('exit', (code) => resolve({ code, text }));
    });
    expect(cli.code, cli.text).toBe(0);
    expect(cli.text).toMatch(/\r\x1b\[K\[\d+s · ETA \d+s\] run 1\/1 websocket #1 · window \d\/3 s · \d+ delivered/);
    expect(cli.text).not.toMatch(/^pushlab bench \[/m);
  }, 120_000);
});

describe('interrupts keep what was measured', () => {
  it('SIGINT during the second of three targets: exit 130, results.json partial with the first run, no process left behind', async () => {
    const out = join(root, 'sigint');
    let children: number[] = [];
    let sent = false;
    const cli = await runCli(['bench', ...QUICK, '--duration', '5s', '--transports', 'short-polling,long-polling,websocket', '--out', out], {
      onLine: (line, pid) => {
        if (sent || !/run 2\/3 long-polling #1 · window/.test(line)) return;
        sent = true;
        children = withDescendants([pid]).filter((p) => p !== pid);
        process.kill(pid, 'SIGINT');
      },
    });
    expect(sent).toBe(true);
    expect(children.length).toBeGreaterThan(1); // the server and its load workers were running
    expect(cli.code, cli.stderr).toBe(130);
    const { results, folder } = await onlyResults(out);
    expect(results.partial).toBe(true);
    expect(results.interruption).toMatchObject({ signal: 'SIGINT', runsCompleted: 1, runsPlanned: 3, during: 'long-polling #1' });
    expect(results.runs.map((r) => r.target)).toEqual(['short-polling']);
    expect(results.runs[0]?.messages.delivered).toBeGreaterThan(0);
    expect(resultsProblems(results)).toEqual([]);
    expect(await readFile(join(folder, 'index.html'), 'utf8')).toContain('data-partial="true"');
    expect(await noneAlive(children)).toEqual([]);
  }, 150_000);

  it('SIGTERM during the first run: exit 143, partial with no runs, every child stopped', async () => {
    const out = join(root, 'sigterm');
    let children: number[] = [];
    let sent = false;
    const cli = await runCli(['bench', ...QUICK, '--transports', 'websocket,long-polling', '--out', out], {
      onLine: (line, pid) => {
        if (sent || !/run 1\/2 websocket #1 · (warm-up|window)/.test(line)) return;
        sent = true;
        children = withDescendants([pid]).filter((p) => p !== pid);
        process.kill(pid, 'SIGTERM');
      },
    });
    expect(cli.code, cli.stderr).toBe(143);
    const { results, folder } = await onlyResults(out);
    expect(results).toMatchObject({ partial: true, runs: [], interruption: { signal: 'SIGTERM', runsCompleted: 0, runsPlanned: 2 } });
    expect(await readFile(join(folder, 'index.html'), 'utf8')).toContain('Partial results: interrupted by SIGTERM');
    expect(await noneAlive(children)).toEqual([]);
  }, 150_000);
});

describe('workloads as files', () => {
  it('--config examples/chat.yaml runs its phases; --from reruns exactly the recorded options', async () => {
    const first = join(root, 'config');
    const cli = await runCli(['bench', '--config', 'examples/chat.yaml', '--scenario', 'ci', '--transports', 'websocket', '--out', first]);
    expect([0, 99], cli.stderr).toContain(cli.code);
    const { results, folder } = await onlyResults(first);
    expect(results.options).toMatchObject({ scenario: 'ci', clients: 10, pollIntervalMs: 500, phases: [{ durationMs: 3000, rate: 10, clients: 10 }, { durationMs: 3000, rate: 20, clients: 10 }] });
    expect(results.options.thresholds).toEqual(['messages.lost==0', 'websocket:latencyMs.p99<250ms', 'requests.perSecond<=1000']);
    expect(results.runs.map((r) => [r.sweepValue, r.durationSeconds])).toEqual([
      ['phase 1: 3s · 10 msg/s · 10 clients', 3],
      ['phase 2: 3s · 20 msg/s · 10 clients', 3],
    ]);
    expect(results.runs[1]?.messages.sent).toBeGreaterThan(results.runs[0]?.messages.sent ?? Infinity);

    const again = join(root, 'from');
    const refused = await runCli(['bench', '--from', join(folder, 'results.json'), '--clients', '5']);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/--from reruns exactly the recorded options: --clients cannot be combined/);
    const rerun = await runCli(['bench', '--from', join(folder, 'results.json'), '--quiet', '--out', again]);
    expect([0, 99], rerun.stderr).toContain(rerun.code);
    const { results: second } = await onlyResults(again);
    expect(second.options).toEqual(results.options);
    expect(second.runs.map((r) => r.sweepValue)).toEqual(results.runs.map((r) => r.sweepValue));
  }, 200_000);
});

describe('external targets', () => {
  let server: SpawnedServer;
  beforeAll(async () => {
    server = await spawnServer({ args: ['--transports', 'websocket,long-polling', '--rate-limit', '0', '--no-demo'] });
  });
  afterAll(async () => {
    await server.stop();
  });

  it('--target drives a pushlab serve started separately: deliveries, its CPU and memory from /metrics, and leaves it running', async () => {
    const out = join(root, 'target');
    const cli = await runCli(['bench', ...QUICK, '--transports', 'websocket,long-polling', '--target', server.url, '--no-default-thresholds', '--out', out]);
    expect(cli.code, cli.stderr).toBe(0);
    const { results } = await onlyResults(out);
    expect(results.options.target).toBe(server.url);
    expect(results.capacity).toEqual([]);
    expect(results.runs.map((r) => r.target)).toEqual(['websocket', 'long-polling']);
    for (const r of results.runs) {
      expect(r.error).toBeUndefined();
      // Every delivery counted (a loaded test machine may lose a few: that is the gate's business, off here).
      expect(r.messages.delivered).toBeGreaterThan(r.messages.expected * 0.9);
      expect(r.server.notMeasured).toBeUndefined();
      expect(r.server.cpuSeconds).toBeGreaterThan(0);
      expect(r.server.rssPeakBytes).toBeGreaterThan(10 * 1048576);
      expect(r.requests.serverCounted).toBeGreaterThanOrEqual(r.target === 'websocket' ? 0 : 1);
    }
    // Its own hold (20 s default) differs from the bench's --hold-ms: said, not silently modelled.
    expect(results.warnings).toContain('the target holds long polls 20000 ms, the bench assumed --hold-ms 1500: long-polling\'s drain and model use the latter (pass --hold-ms 20000)');
    // The bench did not stop what it did not start.
    expect((await fetch(`${server.url}/health`)).status).toBe(200);
  }, 150_000);

  it('a target that does not answer is a failed run with its cause on one line; the bench still writes results (exit 1)', async () => {
    const out = join(root, 'unreachable');
    const port = await freePort();
    const cli = await runCli(['bench', ...QUICK, '--transports', 'websocket,long-polling', '--target', `http://127.0.0.1:${port}`, '--out', out]);
    expect(cli.code).toBe(1);
    const { results } = await onlyResults(out);
    expect(results.runs).toHaveLength(2);
    for (const r of results.runs) expect(r.error).toBe(`could not start: http://127.0.0.1:${port} does not answer: ECONNREFUSED`);
    expect(cli.stderr).not.toMatch(/at .*\.ts:\d+/); // no stack trace
  }, 120_000);
});

describe('the command line', () => {
  it('-h on every command, `pushlab help <command>`, empty --out and negative numbers refused in our words', async () => {
    for (const command of ['serve', 'bench', 'report', 'compare', 'token']) {
      const help = await runCli([command, '-h']);
      expect(help.code, command).toBe(0);
      expect(help.stdout, command).toMatch(new RegExp(`pushlab ${command}`));
    }
    const viaHelp = await runCli(['help', 'bench']);
    expect(viaHelp.code).toBe(0);
    expect(viaHelp.stdout).toMatch(/--threshold <expr>/);
    expect(viaHelp.stdout).toMatch(/Exit codes: 0 ok/);
    const out = await runCli(['bench', '--out=']);
    expect(out.code).toBe(2);
    expect(out.stderr).toMatch(/^pushlab bench: --out needs a value/);
    const negative = await runCli(['bench', '--rate', '-5']);
    expect(negative.code).toBe(2);
    expect(negative.stderr).toMatch(/^pushlab bench: --rate must be a whole number ≥ 0, got "-5"/);
    const duration = await runCli(['bench', '--duration', '1m30s', '--warmup', 'soon']);
    expect(duration.stderr).toMatch(/--warmup must be a duration like 30s, 2m, 1m30s/);
  }, 120_000);
});
