import { describe, expect, it } from 'vitest';
import { autocannonProcesses, combine, type AutocannonFigures } from '../bench/harness/autocannon-process.ts';
import { classifyCapacity } from '../bench/measure/capacity-bound.ts';
import { measureCapacity } from '../bench/harness/capacity.ts';
import { BENCH_FLAG_SPECS, resolveBenchOptions } from '../bench/config/options.ts';
import { parseFlags } from '../cli/args.ts';
import { capacityTable } from '../reports/render/capacity.ts';

describe('capacity or lower bound', () => {
  it('calls a figure capacity only when the server core was saturated', () => {
    expect(classifyCapacity(97, 60)).toEqual({ kind: 'capacity', serverCpuPercent: 97, loadCoresBusyPercent: 60 });
    const loadSide = classifyCapacity(55, 99);
    expect(loadSide.kind).toBe('lower-bound');
    expect(loadSide.reason).toMatch(/^load side saturated: the load cores were 99% busy/);
    const elsewhere = classifyCapacity(40, 30);
    expect(elsewhere.reason).toMatch(/the limit is elsewhere/);
  });

  it('splits autocannon over one process per load core and sums them', () => {
    expect(autocannonProcesses(undefined, 50)).toBe(1);
    expect(autocannonProcesses('1-3', 50)).toBe(3);
    expect(autocannonProcesses('1-7', 2)).toBe(2);
    const part = (rps: number, p99: number, total: number): AutocannonFigures => ({ durationSeconds: 3, requestsTotal: total, requestsPerSecond: { mean: rps, p50: rps, max: rps }, latencyMs: { p50: 1, p99, max: p99, mean: p99 / 2 }, errors: 0, non2xx: 1 });
    const sum = combine([part(100, 4, 300), part(300, 8, 900)]);
    expect(sum.requestsPerSecond.mean).toBe(400);
    expect(sum.latencyMs.p99).toBe(8);
    expect(sum.latencyMs.mean).toBe((2 * 300 + 4 * 900) / 1200);
    expect(sum.non2xx).toBe(2);
  });

  it('runs autocannon in its own process against a real server and samples the server CPU', async () => {
    const { options } = resolveBenchOptions(parseFlags(['--scenario', 'smoke', '--transports', 'short-polling', '--capacity-duration', '1s'], BENCH_FLAG_SPECS).values);
    const results = await measureCapacity(options, undefined, () => {}, undefined);
    expect(results.map((r) => r.endpoint)).toEqual(['short-poll-empty', 'publish']);
    for (const r of results) {
      expect(r.processes).toBe(1);
      expect(r.requestsPerSecond.mean).toBeGreaterThan(0);
      expect(r.serverCpuPercent).toBeGreaterThan(0);
      expect(r.kind === 'capacity' || (r.kind === 'lower-bound' && (r.reason ?? '').length > 0)).toBe(true);
    }
    const html = capacityTable(results.map((r, i) => (i === 0 ? { ...r, ...classifyCapacity(10, 99) } : r)));
    expect(html).toContain('lower bound<span class="spread">load side saturated');
  }, 30_000);
});
