import { describe, expect, it } from 'vitest';
import { parseFlags } from '../cli/args.ts';
import { costOf, idleCycleMs } from '../bench/measure/cost-of-run.ts';
import { costSummaryOf } from '../bench/measure/cost-summary.ts';
import { deltaBetween, splitCost } from '../bench/measure/fixed-cost.ts';
import { idleSeconds } from '../bench/harness/idle-phase.ts';
import { BENCH_FLAG_SPECS, resolveBenchOptions } from '../bench/config/options.ts';
import type { RunResult, TargetSummary } from '../results/types.ts';
import type { Sample } from '../bench/measure/sampler.ts';
import { stat } from '../bench/measure/summary.ts';
import { costTable, costWins } from '../reports/render/costs.ts';
import { clone, loadFixture } from './fixtures/report-helpers.ts';

/** A server sample at second t with counters that grow as given. */
function sample(t: number, cpuSeconds: number, bytes: number, requests: number): Sample {
  return { t, atMs: 1_000_000 + t * 1000, cpuSeconds, rssBytes: 0, heapUsedBytes: 0, eventLoopDelayP99Ms: 0, requests, bytesIn: bytes / 2, bytesOut: bytes / 2, scrapeFailed: false };
}

const options = (argv: string[]) => resolveBenchOptions(parseFlags(argv, BENCH_FLAG_SPECS).values).options;

describe('fixed and marginal cost', () => {
  // Window 0–10 s: 1.0 s CPU, 100 kB, 200 requests for 1,000 deliveries. Idle 12–16 s: 0.04 s CPU, 4 kB, 20 requests.
  const samples = [sample(0, 1, 0, 0), sample(10, 2, 100_000, 200), sample(12, 2.01, 100_500, 205), sample(16, 2.05, 104_500, 225)];

  it('takes the counters between two scraped seconds, skipping a failed scrape', () => {
    const failed = { ...sample(16, 99, 0, 0), scrapeFailed: true };
    const d = deltaBetween([...samples.slice(0, 3), failed, samples[3] as Sample], 12, 16);
    expect(d?.cpuSeconds).toBeCloseTo(0.04, 9);
    expect({ ...d, cpuSeconds: 0 }).toEqual({ cpuSeconds: 0, bytes: 4000, requests: 20, seconds: 4 });
    expect(deltaBetween([], 0, 10)).toBeUndefined();
  });

  it('splits the window into a fixed rate per client-second and a marginal cost per delivery', () => {
    const idle = deltaBetween(samples, 12, 16);
    const window = deltaBetween(samples, 0, 10);
    if (idle === undefined || window === undefined) throw new Error('no deltas');
    const split = splitCost(idle, window, 1000, 10, 'idle-phase', 0, 2048);
    // 0.04 s over 10 clients × 4 s = 1 ms per client-second; 4,000 B / 40 = 100 B; 20 / 40 = 0.5.
    expect(split.fixed).toEqual({ cpuMsPerClientSecond: 1, bytesPerClientSecond: 100, requestsPerClientSecond: 0.5, heapPerConnectionBytes: 2048 });
    // Window minus 10 s of the fixed rate (×2.5 the 4 s idle): CPU 1 − 0.1, bytes 100k − 10k, requests 200 − 50.
    expect(split.marginal).toEqual({ cpuSecondsPer1kDelivered: 0.9, bytesPerDelivered: 90, requestsPerDelivered: 0.15 });
    expect(split.note).toBeUndefined();
  });

  it('says when the idle phase is shorter than one client cycle (a long poll hold)', () => {
    const idle = { cpuSeconds: 0, bytes: 0, requests: 0, seconds: 4 };
    const split = splitCost(idle, idle, 10, 10, 'idle-phase', idleCycleMs('long-polling', { pollIntervalMs: 2000, holdMs: 20_000 }), undefined);
    expect(split.note).toMatch(/shorter than one client cycle \(20 s\)/);
    expect(idleCycleMs('websocket', { pollIntervalMs: 2000, holdMs: 20_000 })).toBe(0);
  });

  it('uses the window as the idle phase when the rate is 0, with no marginal cost', () => {
    const idle = options(['--scenario', 'idle']);
    expect(idleSeconds(idle)).toBe(0);
    const { cost } = costOf(idle, 'websocket', [sample(0, 0, 0, 0), sample(40, 0.4, 0, 0)], undefined, 0, 1000, undefined);
    expect(cost?.source).toBe('window');
    expect(cost?.fixed.cpuMsPerClientSecond).toBe(0.01);
    expect(cost?.marginal).toBeUndefined();
  });

  it('--idle sets the phase (0 turns it off), default 4 s', () => {
    expect(options([]).idleMs).toBe(4000);
    expect(idleSeconds(options(['--idle', '2500ms']))).toBe(3);
    const off = options(['--idle', '0']);
    expect(idleSeconds(off)).toBe(0);
    expect(costOf(off, 'websocket', samples, undefined, 1000, 10, undefined)).toEqual({});
  });
});

describe('fixed and marginal cost in the summary and the report', () => {
  const withCost = (run: RunResult, cpu: number, delivered: boolean): RunResult => ({
    ...run,
    cost: { source: 'idle-phase', idleSeconds: 4, connections: 100, fixed: { cpuMsPerClientSecond: cpu, bytesPerClientSecond: cpu * 100, requestsPerClientSecond: cpu }, ...(delivered ? { marginal: { cpuSecondsPer1kDelivered: cpu, bytesPerDelivered: 100, requestsPerDelivered: 0 } } : {}) },
  });

  it('summarizes the runs that measured it: median, min, max', () => {
    const base = loadFixture('basic').runs[0] as RunResult;
    const summary = costSummaryOf([withCost(base, 1, true), withCost(base, 3, true), base], stat);
    expect(summary.cost?.runs).toBe(2);
    expect(summary.cost?.fixed.cpuMsPerClientSecond).toEqual({ median: 2, min: 1, max: 3 });
    expect(costSummaryOf([base], stat)).toEqual({});
  });

  it('names a winner outside the spread, a tie inside it, and no marginal winner when nothing was delivered', () => {
    const results = clone(loadFixture('basic'));
    const rows = results.summary.filter((s) => ['websocket', 'short-polling'].includes(s.target));
    const set = (s: TargetSummary, lo: number, hi: number, delivered: number): void => {
      const st = { median: (lo + hi) / 2, min: lo, max: hi };
      s.repetitions = 3;
      s.delivered = { median: delivered, min: delivered, max: delivered };
      s.cost = { runs: 3, fixed: { cpuMsPerClientSecond: st, bytesPerClientSecond: st, requestsPerClientSecond: st }, marginal: { cpuSecondsPer1kDelivered: st, bytesPerDelivered: st, requestsPerDelivered: st } };
    };
    const [a, b] = rows as [TargetSummary, TargetSummary];
    set(a, 1, 2, 10);
    set(b, 5, 6, 10);
    expect(costWins(rows, undefined)).toMatch(/Fixed: CPU per client-second<\/span> .*wins/);
    set(b, 1.5, 6, 10);
    expect(costWins(rows, undefined)).toMatch(/Fixed: CPU per client-second<\/span>: no winner — .* within the run-to-run spread/);
    set(a, 1, 2, 0);
    set(b, 5, 6, 0);
    expect(costWins(rows, undefined)).toContain('Marginal cost: no winner — nothing was delivered.');
    results.summary = rows;
    expect(costTable(results)).toContain('Fixed and marginal cost');
  });
});

describe('TCP segments per delivered message', () => {
  const snmp = (out: number, inn: number, re: number): string => `Ip: Forwarding\nIp: 1\nTcp: RtoAlgorithm InSegs OutSegs RetransSegs InErrs\nTcp: 1 ${inn} ${out} ${re} 0\n`;
  it('reads the kernel counters and divides the window by the deliveries, marked quiet-machine only', async () => {
    const { readTcpCounters, segmentsOf, tcpOf } = await import('../bench/measure/tcp-segments.ts');
    const a = readTcpCounters(snmp(1000, 900, 5));
    const b = readTcpCounters(snmp(3000, 2900, 5));
    expect(segmentsOf(a, b, 1000)).toEqual({ outSegments: 2000, inSegments: 2000, perDelivered: 2, retransmitted: 0, validOn: 'quiet-machine' });
    expect(readTcpCounters('Ip: 1\n')).toBeUndefined();
    expect(tcpOf(undefined, 10)).toEqual({});
    // This machine's own counters are readable (Linux): the live path is not dead code.
    expect(readTcpCounters()?.outSegs).toBeGreaterThan(0);
  });
});
