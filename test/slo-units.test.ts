/**
 * bench/slo/: a step's verdict (judge.ts), the steps' options and the design shortcut (plan.ts),
 * the ratio to the bare baselines (ratio.ts), the table (table.ts), the options and the progress line.
 */
import { describe, expect, it } from 'vitest';
import { judgeStep } from '../bench/slo/judge.ts';
import { cannotMeet, planFor, PROBE_ROOM_SIZE, sloSettings, stepOptions } from '../bench/slo/plan.ts';
import { withBaselineRatios } from '../bench/slo/ratio.ts';
import { capacityCell, renderSloTable } from '../bench/slo/table.ts';
import { sloTargets } from '../bench/slo/run-slo.ts';
import { benchOptions } from '../bench/api.ts';
import { resolveBenchOptions } from '../bench/config/options.ts';
import { describeProgress } from '../bench/harness/progress.ts';
import type { RunResult, SloCapacity, SloResult } from '../results/types.ts';
import { clone, loadFixture } from './fixtures/report-helpers.ts';

/** A sound run of 100 clients with a 5 ms p99, from the fixture. */
function run(change: (r: RunResult) => void = () => {}): RunResult {
  const r = clone(loadFixture('basic').runs[0] as RunResult);
  r.error = undefined;
  r.clients.connected = 100;
  r.latencyMs = { ...r.latencyMs, count: 1000, p99: 5 };
  r.messages = { ...r.messages, lost: 0, unanswered: 0, sendErrors: 0 };
  r.workers = { ...r.workers, loadBound: false, reasons: [] };
  change(r);
  return r;
}

describe('judgeStep', () => {
  it('passes a sound run under the bound', () => {
    expect(judgeStep(run(), 100, 100)).toEqual({ p99Ms: 5, lost: 0, loadBound: false, pass: true });
  });

  it('fails on p99 over the bound, loss, unanswered or failed publishes, missing clients, an error, no deliveries', () => {
    expect(judgeStep(run((r) => (r.latencyMs.p99 = 150)), 100, 100)).toMatchObject({ pass: false, loadBound: false, reason: 'p99 150 ms > 100 ms' });
    expect(judgeStep(run((r) => (r.messages.lost = 3)), 100, 100)).toMatchObject({ pass: false, lost: 3, reason: expect.stringMatching(/^3 of \d+ deliveries lost$/) });
    expect(judgeStep(run((r) => (r.messages.unanswered = 2)), 100, 100).reason).toBe('2 publishes unanswered');
    expect(judgeStep(run((r) => (r.messages.sendErrors = 4)), 100, 100).reason).toBe('4 publishes failed');
    expect(judgeStep(run((r) => (r.clients.connected = 90)), 100, 100).reason).toBe('only 90 of 100 clients connected');
    expect(judgeStep(run((r) => (r.error = 'the server exited (code 1)')), 100, 100).reason).toBe('the server exited (code 1)');
    expect(judgeStep(run((r) => (r.latencyMs.count = 0)), 100, 100).reason).toBe('no delivery measured');
  });

  it('a load-bound run is load-bound first, with every finding kept', () => {
    const s = judgeStep(run((r) => {
      r.workers.loadBound = true;
      r.workers.reasons = ['the load cores (1) were 99% busy', 'lag p99 80 ms'];
      r.latencyMs.p99 = 400;
    }), 100, 100);
    expect(s).toMatchObject({ pass: false, loadBound: true, reason: 'load-bound: the load cores (1) were 99% busy; lag p99 80 ms; p99 400 ms > 100 ms' });
  });
});

describe('plan', () => {
  const options = benchOptions({ scenario: 'default', sweep: { option: 'rate', values: [1, 2] }, idleMs: 4000 });

  it('a rate step: the bench\'s clients and rooms at the rate, one short window, no sweep, no repetitions, no idle phase', () => {
    const o = stepOptions(options, 'rate', 400);
    expect(o).toMatchObject({ clients: 100, rooms: 1, rate: 400, senders: 4, repeat: 1, durationMs: 2000, warmupMs: 1000, idleMs: 0, faults: false });
    expect(o.sweep).toBeUndefined();
    expect(stepOptions({ ...options, senders: 0, rate: 0 }, 'rate', 50).senders).toBe(1);
  });

  it('an idle step: the clients in rooms of 10, a trickle probe, a warm-up long enough to connect them', () => {
    expect(stepOptions(options, 'idle-connections', 200)).toMatchObject({ clients: 200, rooms: 200 / PROBE_ROOM_SIZE, senders: 1, rate: 10, warmupMs: 1000 });
    expect(stepOptions(options, 'idle-connections', 12_800)).toMatchObject({ rooms: 1280, warmupMs: 6400 });
    expect(stepOptions({ ...options, sloWindowMs: 500 }, 'idle-connections', 200).durationMs).toBe(500);
  });

  it('the ladders come from --slo-rates and --slo-clients (the table\'s defaults without them)', () => {
    expect(planFor(options, 'rate')).toEqual({ ladder: [100, 200, 400, 800, 1600, 3200], resolution: 1.25, maxBisections: 2 });
    expect(planFor(options, 'idle-connections').ladder).toEqual([200, 800, 3200, 12_800]);
    expect(planFor({ ...options, sloRates: undefined }, 'rate').ladder[0]).toBe(100);
    const set = resolveBenchOptions({ 'slo-rates': '10, 20,40', 'slo-clients': '30' }).options;
    expect(planFor(set, 'rate').ladder).toEqual([10, 20, 40]);
    expect(planFor(set, 'idle-connections').ladder).toEqual([30]);
    expect(() => resolveBenchOptions({ 'slo-rates': '100,50' })).toThrow(/--slo-rates must ascend/);
    expect(() => resolveBenchOptions({ 'slo-clients': '0,10' })).toThrow(/--slo-clients must be a whole number ≥ 1/);
    expect(() => resolveBenchOptions({ 'slo-rates': 'fast' })).toThrow(/--slo-rates must be a whole number/);
  });

  it('short polling at a 2 s interval cannot meet 100 ms at any load; at 50 ms it can; other transports are searched', () => {
    expect(cannotMeet('short-polling', options, 100)).toMatch(/every 2000 ms answers p99 ≈ 0.99 × interval = 1980 ms > 100 ms/);
    expect(cannotMeet('short-polling', { ...options, pollIntervalMs: 50 }, 100)).toBeUndefined();
    expect(cannotMeet('short-polling', { ...options, pollIntervalMs: 50, rttMs: 60 }, 100)).toMatch(/\+ RTT = 110 ms/);
    expect(cannotMeet('long-polling', options, 100)).toBeUndefined();
  });

  it('the settings come from the option table, an older results file\'s options included', () => {
    expect(sloSettings(options)).toEqual({ p99Ms: 100, windowMs: 2000 });
    expect(sloSettings({ ...options, sloP99Ms: undefined, sloWindowMs: undefined })).toEqual({ p99Ms: 100, windowMs: 2000 });
  });

  it('searches the transports and the bare baselines, not the peers', () => {
    const targets = sloTargets([
      { target: 'websocket', transport: 'websocket' },
      { target: 'baseline-ws', transport: 'websocket' },
      { target: 'peer-socketio', transport: 'websocket' },
    ]);
    expect(targets.map((t) => t.target)).toEqual(['websocket', 'baseline-ws']);
  });
});

function capacity(target: SloCapacity['target'], kind: SloCapacity['kind'], value: number, bound: SloCapacity['bound'], upper?: number): SloCapacity {
  const transport = target === 'baseline-ws' ? 'websocket' : target === 'baseline-long-polling' ? 'long-polling' : (target as SloCapacity['transport']);
  return { target, transport, kind, sloP99Ms: 100, value, bound, ...(upper === undefined ? {} : { upper }), steps: [{ value, p99Ms: 5, lost: 0, loadBound: false, pass: true }] };
}

describe('ratios and the table', () => {
  const capacities = withBaselineRatios([
    capacity('short-polling', 'rate', 0, 'not-met', 50),
    capacity('long-polling', 'rate', 800, 'server', 1131),
    capacity('websocket', 'rate', 200, 'load-generator', 400),
    capacity('baseline-ws', 'rate', 200, 'load-generator', 400),
    capacity('baseline-long-polling', 'rate', 1600, 'server', 2263),
    capacity('websocket', 'idle-connections', 12_800, 'search-limit'),
    capacity('baseline-ws', 'idle-connections', 0, 'not-met', 200),
  ]);

  it('divides each pushlab transport by its bare baseline of the same kind, and only those', () => {
    const ratio = (t: string, k: string): number | undefined => capacities.find((c) => c.target === t && c.kind === k)?.ratioToBaseline;
    expect(ratio('long-polling', 'rate')).toBe(0.5);
    expect(ratio('websocket', 'rate')).toBe(1);
    // A baseline of 0 gives no ratio; a baseline or a peer gets none itself.
    expect(ratio('websocket', 'idle-connections')).toBeUndefined();
    expect(ratio('baseline-ws', 'rate')).toBeUndefined();
    expect(ratio('short-polling', 'rate')).toBeUndefined();
  });

  it('gives no ratio for a transport whose 0 is only a lower bound (its first step was load-bound)', () => {
    const found = withBaselineRatios([capacity('websocket', 'rate', 0, 'load-generator', 100), capacity('baseline-ws', 'rate', 100, 'load-generator', 200)]);
    expect(found.find((c) => c.target === 'websocket')?.ratioToBaseline).toBeUndefined();
    // A real 0 against the baseline (the server failed its lowest step) still divides.
    const notMet = withBaselineRatios([capacity('websocket', 'rate', 0, 'not-met', 100), capacity('baseline-ws', 'rate', 100, 'server', 200)]);
    expect(notMet.find((c) => c.target === 'websocket')?.ratioToBaseline).toBe(0);
  });

  it('writes each bound so a lower bound never reads as the server\'s capacity', () => {
    expect(capacityCell(capacity('long-polling', 'rate', 800, 'server', 1131))).toBe('800 (<1,131)');
    expect(capacityCell(capacity('websocket', 'rate', 200, 'load-generator', 400))).toBe('≥ 200 load gen');
    expect(capacityCell(capacity('websocket', 'idle-connections', 12_800, 'search-limit'))).toBe('≥ 12,800 top');
    expect(capacityCell(capacity('short-polling', 'rate', 0, 'not-met', 50))).toBe('not met');
  });

  it('prints one row per target with the ratios marked', () => {
    const slo: SloResult = { p99Ms: 100, windowMs: 2000, capacities, elapsedMs: 241_000 };
    const text = renderSloTable(slo);
    const lines = text.split('\n');
    expect(lines[0]).toBe('Capacity under the SLO p99 ≤ 100 ms, zero loss, not load-bound (7 steps, 241 s):');
    const row = (t: string): string => lines.find((l) => l.startsWith(`${t} `)) ?? '';
    expect(row('long-polling')).toMatch(/800 \(<1,131\)\s+50%\s+–\s+–\s+1$/);
    // Both lower bounds: the ratio compares the load generator with itself.
    expect(row('websocket')).toMatch(/≥ 200 load gen\s+100%\?\s+≥ 12,800 top\s+–\s+2$/);
    expect(row('short-polling')).toMatch(/not met/);
    expect(text).toMatch(/a lower bound, not the server's capacity/);
  });
});

describe('options and progress', () => {
  it('--slo-search is off by default with a 100 ms bound and 2 s windows; flags set them', () => {
    expect(resolveBenchOptions({}).options).toMatchObject({ sloSearch: false, sloP99Ms: 100, sloWindowMs: 2000, sloRates: [100, 200, 400, 800, 1600, 3200], sloClients: [200, 800, 3200, 12_800] });
    expect(resolveBenchOptions({ 'slo-search': true, 'slo-p99': '250', 'slo-window': '1s' }).options).toMatchObject({ sloSearch: true, sloP99Ms: 250, sloWindowMs: 1000 });
    expect(() => resolveBenchOptions({ 'slo-p99': '0' })).toThrow(/--slo-p99/);
  });

  it('a step\'s progress line names the search and the step', () => {
    expect(describeProgress({ stage: 'slo', run: 3, runs: 12, target: 'websocket rate 400 msg/s (step 4)', phase: 'window', second: 1, seconds: 2, etaMs: 65_000 }))
      .toBe('slo search 3/12 websocket rate 400 msg/s (step 4) · window 1/2 s · ETA 1m05s');
  });
});
