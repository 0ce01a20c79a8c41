import { describe, expect, it } from 'vitest';
import { halvingFigures, judgeHalving, type HalvingFigures } from '../bench/measure/halving.ts';
import { summarizeRuns } from '../bench/measure/summary.ts';
import { clone, loadFixture } from './fixtures/report-helpers.ts';

const figures = (perWorker: number, workers: number, p50: number, ci: [number, number], loadBound = false): HalvingFigures => ({ perWorker, workers, p50Ms: p50, p99Ms: p50 * 3, p50Ci: ci, loadBound });

describe('the halving check', () => {
  it('says unchanged when the p50 intervals overlap, CHANGED when they part', () => {
    expect(judgeHalving(figures(500, 3, 1.0, [0.9, 1.1]), figures(250, 5, 1.05, [0.95, 1.15])).unchanged).toBe(true);
    const changed = judgeHalving(figures(500, 3, 2.0, [1.9, 2.1]), figures(250, 5, 1.0, [0.9, 1.1]));
    expect(changed.unchanged).toBe(false);
    expect(changed.text).toMatch(/^CHANGED: p50 moved -50%/);
  });

  it('is void when a side was load-bound or halving added no worker', () => {
    expect(judgeHalving(figures(500, 3, 1, [0.9, 1.1], true), figures(250, 5, 1, [0.9, 1.1])).text).toMatch(/^void: 500\/worker was load-bound/);
    expect(judgeHalving(figures(500, 2, 1, [0.9, 1.1]), figures(250, 2, 1, [0.9, 1.1])).text).toMatch(/^void: both runs used 2/);
  });

  it('reads the WebSocket row of a results file', () => {
    const results = clone(loadFixture('basic'));
    results.summary = summarizeRuns(results.runs, results.floors);
    const f = halvingFigures(results, 500);
    expect(f.p50Ms).toBe(results.summary.find((s) => s.target === 'websocket')?.latencyMs.p50);
    expect(f.p50Ci?.length).toBe(2);
    results.summary = [];
    expect(() => halvingFigures(results, 500)).toThrow(/no websocket row/);
  });
});
