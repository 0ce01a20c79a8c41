/**
 * bench/config/map-grid.ts and the map's options: the default grid, each cell's options and
 * workload, whole polling cycles per window, the overrides (--map-clients, --map-rates,
 * --clients) and their errors, the plan (every target on every cell), and a workload on every run.
 */
import { describe, expect, it } from 'vitest';
import { resolveBenchOptions } from '../bench/config/options.ts';
import { mapRunOptions, mapSteps, parseMapRate, MAP_CONNECTS_PER_SECOND } from '../bench/config/map-grid.ts';
import { failedStart } from '../bench/harness/run-result.ts';
import { planRuns } from '../bench/harness/run.ts';
import { workloadOf } from '../model/workload.ts';
import { UsageError } from '../options/usage-error.ts';

const map = (values: Record<string, string> = {}) => resolveBenchOptions({ scenario: 'map', ...values }).options;

describe('the map grid', () => {
  it('defaults to 100/1,000/5,000 clients × idle, 1 per minute, per 10 s, per s and a hot room', () => {
    const steps = mapSteps(map());
    expect(steps.map((s) => s.cell.id)).toEqual(['100', '1000', '5000'].flatMap((n) => ['idle', 'r60s', 'r10s', 'hot'].map((r) => `c${n}-${r}`)));
    const c1000r10 = steps.find((s) => s.cell.id === 'c1000-r10s');
    expect(c1000r10?.cell.label).toBe('1,000 clients · 1 msg per client per 10 s');
    expect(c1000r10?.cell.workload).toEqual({ clients: 1000, rooms: 50, senders: 4, ratePerSecond: 100, perClientRatePerSecond: 0.1, roomRatePerSecond: 2, deliveriesPerSecond: 2000, size: 100, cell: 'c1000-r10s' });
    expect(steps.find((s) => s.cell.id === 'c100-r60s')?.cell.workload.ratePerSecond).toBeCloseTo(100 / 60, 5);
    expect(steps.find((s) => s.cell.id === 'c100-idle')?.options).toMatchObject({ rate: 0, senders: 0, rooms: 5 });
    expect(steps.find((s) => s.cell.id === 'c5000-hot')?.cell.workload).toMatchObject({ rooms: 1, ratePerSecond: 10, deliveriesPerSecond: 50_000 });
  });

  it('plans every transport on every cell (the baselines only in the SLO search), each run named by its cell, short and without capacity', () => {
    const options = map();
    expect(options).toMatchObject({ durationMs: 2000, warmupMs: 500, idleMs: 0, holdMs: 2000, capacity: false, baselines: true, peers: [], allowLoadBound: true });
    const plan = planRuns(options);
    expect(plan).toHaveLength(12 * 4);
    expect(new Set(plan.filter((p) => p.sweepValue === 'c100-hot').map((p) => p.target))).toEqual(new Set(['short-polling', 'long-polling', 'websocket', 'sse']));
  });

  it('rounds a polling window up to whole intervals or holds, leaves push transports alone', () => {
    const options = { ...map(), durationMs: 3000, holdMs: 5000 };
    expect(mapRunOptions(options, 'short-polling').durationMs).toBe(4000);
    expect(mapRunOptions(options, 'long-polling').durationMs).toBe(5000);
    expect(mapRunOptions(options, 'websocket').durationMs).toBe(3000);
    expect(planRuns(map({ 'hold-ms': '3000' })).find((p) => p.target === 'long-polling')?.options.durationMs).toBe(3000);
  });

  it('takes --map-clients, --map-rates and an explicit --clients; other scenarios are no map unless asked', () => {
    expect(map({ 'map-clients': '10,30', 'map-rates': 'idle,r2m,r5s' }).mapRates).toEqual(['idle', 'r2m', 'r5s']);
    expect(mapSteps(map({ 'map-clients': '10,30', 'map-rates': 'r2m' })).map((s) => s.cell.workload.ratePerSecond)).toEqual([10 / 120, 30 / 120].map((v) => Math.round(v * 1e6) / 1e6));
    expect(map({ clients: '300' }).mapClients).toEqual([300]);
    expect(map({ clients: '300', 'map-clients': '40' }).mapClients).toEqual([40]);
    expect(resolveBenchOptions({ scenario: 'smoke' }).options.mapClients).toBeUndefined();
    // Asking for one axis on another scenario asks for the map; the other axis takes its default.
    expect(resolveBenchOptions({ scenario: 'smoke', 'map-clients': '20' }).options.mapRates).toEqual(['idle', 'r60s', 'r10s', 'hot']);
  });

  it('refuses a bad rate, a bad client count, and a map combined with --sweep or --phases', () => {
    expect(() => parseMapRate('fast')).toThrow(UsageError);
    expect(() => map({ 'map-rates': 'r0s' })).toThrow(/--map-rates: "r0s" is not a rate/);
    expect(() => map({ 'map-clients': '10,x' })).toThrow(/--map-clients must be whole numbers/);
    expect(() => map({ sweep: 'rate=1,2' })).toThrow(/cannot be combined with --sweep or --phases/);
    expect(() => map({ phases: '2s:1:10' })).toThrow(/cannot be combined with --sweep or --phases/);
  });
});

describe('workload on every run', () => {
  it('is computed from the run\'s options; a map run names its cell', () => {
    const { options } = resolveBenchOptions({ scenario: 'smoke' });
    const run = failedStart({ target: 'websocket', transport: 'websocket', repetition: 1, options }, 'x');
    expect(run.workload).toEqual({ clients: 20, rooms: 2, senders: 2, ratePerSecond: 20, perClientRatePerSecond: 1, roomRatePerSecond: 10, deliveriesPerSecond: 200, size: 64 });
    const step = mapSteps(map())[3];
    const mapRun = failedStart({ target: 'sse', transport: 'sse', repetition: 1, options: step?.options ?? options, sweepValue: step?.cell.id ?? '' }, 'x');
    expect(mapRun.workload).toEqual(step?.cell.workload);
    expect(mapRun.workload?.cell).toBe('c100-hot');
  });

  it('has no senders at rate 0', () => {
    expect(workloadOf({ clients: 10, rooms: 2, senders: 4, rate: 0, size: 64 })).toMatchObject({ senders: 0, deliveriesPerSecond: 0, perClientRatePerSecond: 0 });
  });
});

describe('the map warm-up', () => {
  it('grows with the cell\'s clients so they connect before the window (MAP_CONNECTS_PER_SECOND), never below the bench\'s', () => {
    const base = resolveBenchOptions({ scenario: 'map' }).options;
    expect(mapRunOptions({ ...base, clients: 100 }, 'websocket').warmupMs).toBe(Math.max(base.warmupMs, Math.ceil((100 / MAP_CONNECTS_PER_SECOND) * 1000) + 500));
    expect(mapRunOptions({ ...base, clients: 5000 }, 'long-polling').warmupMs).toBe(Math.ceil((5000 / MAP_CONNECTS_PER_SECOND) * 1000) + 500);
    expect(mapRunOptions({ ...base, clients: 10, warmupMs: 3000 }, 'sse').warmupMs).toBe(3000);
  });
});
