/**
 * `pushlab project` end to end: the real command (`node bin/pushlab.js project …`) on the
 * results-map.json fixture (a real fanout bench with hand-worked cost models,
 * test/fixtures/results-map.md): JSON, the table, warnings on stderr, usage errors (exit 2).
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { BenchResults } from '../results/types.ts';
import { runProjectCli } from '../cli/project.ts';

const BIN = fileURLToPath(new URL('../bin/pushlab.js', import.meta.url));
const FIXTURE = fileURLToPath(new URL('./fixtures/results-map.json', import.meta.url));
const NO_MAP = fileURLToPath(new URL('./fixtures/results-basic.json', import.meta.url));

function pushlab(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { timeout: 60_000 }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === 'number' ? error.code : 1;
      resolve({ code, stdout, stderr });
    });
  });
}

type Json = { extrapolation: string; transports: Record<string, { requestsPerSecond: number; cpuCores: number; memoryBytes: number; bandwidthBitsPerSecond: { out: number; in: number }; instances: number; extrapolated: boolean; slo?: { verdict: string } }>; warnings: string[] };

/** The command in-process (the usage errors: many cases, no need for a process each). */
async function inProcess(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runProjectCli(args, { out: (t) => out.push(t), err: (t) => err.push(t) });
  return { code, stdout: out.join('\n'), stderr: err.join('\n') };
}

// Each spawn loads the TypeScript sources through tsx: seconds on a busy 2-core machine.
describe('pushlab project', { timeout: 120_000 }, () => {
  it('1M clients in 10k rooms at 1,000 msg/s: short polling ≈ 500k req/s, WebSocket far fewer cores, extrapolation warned', async () => {
    const { code, stdout, stderr } = await pushlab('project', FIXTURE, '--clients', '1000000', '--rooms', '10000', '--rate', '1000', '--json');
    expect(code).toBe(0);
    const out = JSON.parse(stdout) as Json;
    expect(out.extrapolation).toBe('linear');
    const sp = out.transports['short-polling'];
    const ws = out.transports.websocket;
    expect(Object.keys(out.transports).sort()).toEqual(['long-polling', 'short-polling', 'sse', 'websocket']);
    expect(Math.abs((sp?.requestsPerSecond ?? 0) - 500_000) / 500_000).toBeLessThan(0.01);
    expect(ws?.requestsPerSecond).toBe(0);
    expect((sp?.cpuCores ?? 0) / (ws?.cpuCores ?? Infinity)).toBeGreaterThan(5);
    for (const t of Object.values(out.transports)) {
      expect(t.memoryBytes).toBeGreaterThan(0);
      expect(t.bandwidthBitsPerSecond.out).toBeGreaterThan(0);
      expect(t.instances).toBeGreaterThanOrEqual(1);
      expect(t.extrapolated).toBe(true);
    }
    expect(out.warnings.length).toBeGreaterThan(0);
    expect(stderr).toMatch(/pushlab project: warning: extrapolated: clients 1,000,000 \(measured 1,000\)/);
  });

  it('predicts a measured cell\'s server CPU within 25% and warns of nothing inside the range', async () => {
    const results = JSON.parse(readFileSync(FIXTURE, 'utf8')) as BenchResults;
    const { code, stdout, stderr } = await pushlab('project', FIXTURE, '--clients', '1000', '--rooms', '1', '--rate', '10', '--json');
    expect(code).toBe(0);
    expect(stderr).toBe('');
    const out = JSON.parse(stdout) as Json;
    expect(out.warnings).toEqual([]);
    // Long polling's run was load-bound (the harness's figure, left out of the fit).
    for (const run of results.runs.filter((r) => !r.workers.loadBound)) {
      const measured = run.server.cpuSeconds / run.durationSeconds;
      expect(Math.abs((out.transports[run.target]?.cpuCores ?? 0) - measured) / measured, run.target).toBeLessThan(0.25);
    }
  });

  it('prints a labelled table by default, with --slo-p99 marks and --size scaling', async () => {
    const { code, stdout, stderr } = await pushlab('project', FIXTURE, '--clients', '100000', '--rooms', '1000', '--rate', '500', '--slo-p99', '100', '--size', '1000');
    expect(code).toBe(0);
    expect(stdout).toMatch(/^Projection — a linear extrapolation of the cost model, not a measurement\./);
    expect(stdout).toMatch(/^short-polling \*.*fails$/m);
    expect(stdout).toMatch(/short-polling: fails — latency floor/);
    expect(stderr).toMatch(/size 1,000 B differs from the measured 100 B/);
    const json = JSON.parse((await pushlab('project', FIXTURE, '--clients', '100000', '--rooms', '1000', '--rate', '500', '--slo-p99', '100ms', '--json')).stdout) as Json;
    expect(json.transports['short-polling']?.slo?.verdict).toBe('fails');
  });

  it('exits 2 on results without a map, saying which bench to run', async () => {
    const { code, stdout, stderr } = await pushlab('project', NO_MAP, '--clients', '10', '--rooms', '1', '--rate', '1');
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toMatch(/^pushlab project: .*these results hold no cost model \(no `map` section\): run `pushlab bench --scenario map` first/);
  });

  it('answers usage errors with exit 2 and a clear message', async () => {
    const cases: [string[], RegExp][] = [
      [['project', '--clients', '10', '--rooms', '1', '--rate', '1'], /missing the results\.json of a map bench/],
      [['project', '/nonexistent/results.json', '--clients', '10', '--rooms', '1', '--rate', '1'], /cannot read results file \/nonexistent\/results\.json: no such file/],
      [['project', NO_MAP, '--clients', '10', '--rooms', '1', '--rate', '1'], /run `pushlab bench --scenario map` first/],
      [['project', FIXTURE, '--clients', '10', '--rooms', '1'], /--rate is required/],
      [['project', FIXTURE, '--clients', '10', '--rooms', '1', '--rate', 'fast'], /--rate must be a number of messages per second ≥ 0, got "fast"/],
      [['project', FIXTURE, '--clients', '10', '--rooms', '20', '--rate', '1'], /--rooms \(20\) must not exceed --clients \(10\)/],
      [['project', FIXTURE, '--clients', '10', '--rooms', '1', '--rate', '1', '--utilisation', '1.5'], /--utilisation must be a fraction in \(0, 1\]/],
      [['project', FIXTURE, '--clients', '0', '--rooms', '1', '--rate', '1'], /--clients must be a whole number ≥ 1/],
      [['project', FIXTURE, '--clients', '10', '--rooms', '1', '--rate', '1', '--nope'], /Unknown option '--nope'/],
    ];
    const results = await Promise.all(cases.map(([args]) => inProcess(...args.slice(1))));
    results.forEach((r, i) => {
      const [args, message] = cases[i] as [string[], RegExp];
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr, args.join(' ')).toMatch(message);
      expect(r.stdout, args.join(' ')).toBe('');
    });
  });
});
