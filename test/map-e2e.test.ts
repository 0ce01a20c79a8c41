/**
 * A tiny decision map end to end, through the bench library (bench/api.ts): real servers, real
 * load workers, `--scenario map` with overrides small enough for well under a minute on a quiet
 * machine (2 cells × 4 transports, 1 s windows). Checks the grid, a workload on every run, and a
 * cost model per transport in results.map — with the request law's physics, which hold whatever
 * the machine's speed.
 */
import { describe, expect, it } from 'vitest';
import { benchOptions, runBench, type BenchResults } from '../bench/api.ts';
import { fitModels } from '../model/fit.ts';
import { resultsProblems } from '../results/load.ts';
import type { CostModel } from '../results/types.ts';

const TRANSPORTS = ['short-polling', 'long-polling', 'websocket', 'sse'] as const;

describe('pushlab bench --scenario map, end to end', () => {
  it('measures every transport on every cell and fits a cost model per transport', async () => {
    const options = benchOptions({ scenario: 'map', mapClients: [20], mapRates: ['idle', 'r1s'], baselines: false, durationMs: 1000, warmupMs: 500, pollIntervalMs: 1000, holdMs: 1000, allowLoadBound: true });
    const results: BenchResults = await runBench(options);
    expect(resultsProblems(results)).toEqual([]);
    expect(results.map?.cells.map((c) => c.id)).toEqual(['c20-idle', 'c20-r1s']);
    expect(results.runs).toHaveLength(8);
    for (const r of results.runs) {
      expect(r.error, `${r.target}: ${r.error}`).toBeUndefined();
      expect(r.workload?.cell).toBe(r.sweepValue);
      expect(r.workload?.clients).toBe(20);
    }
    // A transport with a model has one fit point per cell; one without had every cell load-bound
    // on this shared machine (the fit leaves those out by design), which the runs must show.
    for (const t of TRANSPORTS) {
      const model = results.map?.models.find((m) => m.target === t);
      if (model === undefined) expect(results.runs.filter((r) => r.target === t).every((r) => r.workers.loadBound)).toBe(true);
      else expect(model.fit.map((p) => p.cell)).toEqual(['c20-idle', 'c20-r1s']);
    }
    // The same fit on every cell, load-bound or not: a model per transport, each law's kind, and
    // the idle cells' request rates (physics, not speed: a poll per interval, a renewal per hold).
    const models = fitModels(results.runs.map((r) => ({ ...r, workers: { ...r.workers, loadBound: false } })), options);
    const law = (t: string): CostModel['requests'] => {
      const m = models.find((x) => x.target === t);
      if (m === undefined) throw new Error(`no model for ${t}`);
      return m.requests;
    };
    expect(models.map((m) => m.target).sort()).toEqual([...TRANSPORTS].sort());
    expect(law('short-polling')).toMatchObject({ kind: 'interval', intervalMs: 1000 });
    expect(law('short-polling').fixedPerClientSecond).toBeGreaterThan(0.7);
    expect(law('short-polling').fixedPerClientSecond).toBeLessThanOrEqual(1.05);
    expect(law('long-polling')).toMatchObject({ kind: 'hold', holdMs: 1000 });
    expect(law('long-polling').fixedPerClientSecond).toBeGreaterThan(0.5);
    expect(law('long-polling').fixedPerClientSecond).toBeLessThanOrEqual(1.05);
    expect(law('websocket')).toMatchObject({ kind: 'none', fixedPerClientSecond: 0, perPublish: 0 });
    expect(law('sse')).toMatchObject({ kind: 'none', fixedPerClientSecond: 0 });
    // SSE publishes by POST, WebSocket by frame.
    expect(law('sse').perPublish).toBeGreaterThan(0.5);
    expect(models.find((m) => m.target === 'short-polling')?.headerBytesPerRequest).toBeGreaterThan(100);
  }, 300_000);
});
