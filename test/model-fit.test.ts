/**
 * model/: the cost model's fit on synthetic cells whose true costs are known — the non-negative
 * least squares, the request law (gap and perPublish), the linear costs, memory, residuals and
 * leave-one-out cross-validation — and predict() on a workload.
 */
import { describe, expect, it } from 'vitest';
import { requestsPerSecond } from '../model/batching.ts';
import { crossValidate, errorStat, percentError } from '../model/cross-validate.ts';
import { fitModel, fitModels } from '../model/fit.ts';
import { nnls } from '../model/least-squares.ts';
import { cellPoints, type CellPoint } from '../model/points.ts';
import { predict } from '../model/predict.ts';
import { fitRequestLaw } from '../model/request-law.ts';
import { workloadOf } from '../model/workload.ts';
import type { LinearCost, RequestLaw, RunResult, Transport } from '../results/types.ts';

const settings = { pollIntervalMs: 2000, holdMs: 2000 };
const CPU: LinearCost = { intercept: 0.01, perConnection: 2e-6, perRequest: 5e-5, perDelivered: 3e-6, perPublish: 1e-4 };
const OUT: LinearCost = { intercept: 200, perConnection: 3, perRequest: 400, perDelivered: 150, perPublish: 60 };
const IN: LinearCost = { intercept: 50, perConnection: 1, perRequest: 300, perDelivered: 0, perPublish: 250 };
const TRUE_LAW: Record<string, RequestLaw> = {
  'short-polling': { kind: 'interval', intervalMs: 2000, fixedPerClientSecond: 0.5, perPublish: 1 },
  'long-polling': { kind: 'hold', holdMs: 2000, gapMs: 7, fixedPerClientSecond: 1 / 2.007, perPublish: 1 },
  websocket: { kind: 'none', fixedPerClientSecond: 0, perPublish: 0 },
};

const lin = (c: LinearCost, n: number, req: number, deliv: number, pub: number): number => c.intercept + c.perConnection * n + c.perRequest * req + c.perDelivered * deliv + c.perPublish * pub;

/** The map's default grid (rooms of 20), each cell's measurements computed from the true costs. */
function synthetic(transport: Transport, noise: (i: number) => number = () => 1): CellPoint[] {
  const points: CellPoint[] = [];
  for (const clients of [100, 1000, 5000]) {
    for (const [id, rate, rooms] of [['idle', 0, clients / 20], ['r60s', clients / 60, clients / 20], ['r10s', clients / 10, clients / 20], ['r1s', clients, clients / 20], ['hot', 10, 1]] as const) {
      const w = workloadOf({ clients, rooms, senders: 4, rate, size: 100 }, `c${clients}-${id}`);
      const req = requestsPerSecond(TRUE_LAW[transport] as RequestLaw, w);
      const f = noise(points.length);
      points.push({
        cell: w.cell as string, target: transport, transport, workload: w, durationSeconds: 2, loadBound: false,
        measured: {
          cpuCores: lin(CPU, clients, req, w.deliveriesPerSecond, rate) * f,
          requestsPerSecond: req,
          bytesOutPerSecond: lin(OUT, clients, req, w.deliveriesPerSecond, rate),
          bytesInPerSecond: lin(IN, clients, req, w.deliveriesPerSecond, rate),
          rssBytes: 60e6 + 9000 * clients,
          heapBytes: 12e6 + 4000 * clients,
        },
      });
    }
  }
  return points;
}

const close = (actual: number, expected: number, relative = 1e-3): void => {
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(relative * Math.abs(expected) + 1e-12);
};

describe('nnls', () => {
  it('recovers exact coefficients and clamps one the unconstrained fit would make negative to 0', () => {
    const rows = [[1, 0], [1, 1], [1, 2], [1, 3]];
    expect(nnls(rows, [3, 5, 7, 9]).map((v) => Math.round(v * 1e9) / 1e9)).toEqual([3, 2]);
    // b = 4 − x: the slope would be −1; constrained, it is 0 and the intercept the mean.
    const x = nnls(rows, [4, 3, 2, 1]);
    expect(x[1]).toBe(0);
    close(x[0] as number, 2.5, 1e-9);
  });
});

describe('fitRequestLaw', () => {
  it('long polling: recovers the renewal gap and perPublish; the fixed rate is the idle cells\' measurement', () => {
    const points = synthetic('long-polling').map((p) => ({ clients: p.workload.clients, ratePerSecond: p.workload.ratePerSecond, roomRatePerSecond: p.workload.roomRatePerSecond, requestsPerSecond: p.measured.requestsPerSecond, durationSeconds: 2 }));
    const law = fitRequestLaw('long-polling', settings, points);
    expect(law.kind).toBe('hold');
    expect(law.holdMs).toBe(2000);
    expect(Math.abs((law.gapMs ?? 0) - 7)).toBeLessThan(0.5);
    close(law.perPublish, 1, 0.01);
    close(law.fixedPerClientSecond, 1 / 2.007, 1e-4);
  });

  it('short polling: the interval is the option, perPublish 1; WebSocket: none, 0 requests at rest', () => {
    const sp = fitRequestLaw('short-polling', settings, synthetic('short-polling').map((p) => ({ ...p.workload, requestsPerSecond: p.measured.requestsPerSecond, durationSeconds: 2 })));
    expect(sp).toMatchObject({ kind: 'interval', intervalMs: 2000, fixedPerClientSecond: 0.5 });
    close(sp.perPublish, 1, 1e-3);
    const ws = fitRequestLaw('websocket', settings, synthetic('websocket').map((p) => ({ ...p.workload, requestsPerSecond: p.measured.requestsPerSecond, durationSeconds: 2 })));
    expect(ws).toEqual({ kind: 'none', fixedPerClientSecond: 0, perPublish: 0 });
  });

  it('without an idle cell the fixed rate is the law\'s own at rest', () => {
    const busy = synthetic('short-polling').filter((p) => p.workload.ratePerSecond > 0).map((p) => ({ ...p.workload, requestsPerSecond: p.measured.requestsPerSecond, durationSeconds: 2 }));
    expect(fitRequestLaw('short-polling', settings, busy).fixedPerClientSecond).toBe(0.5);
  });
});

describe('fitModel', () => {
  it('recovers every linear coefficient and the memory per connection from exact long-polling cells', () => {
    const model = fitModel(synthetic('long-polling'), settings);
    if (model === undefined) throw new Error('no model');
    for (const key of Object.keys(CPU) as (keyof LinearCost)[]) close(model.cpu[key], CPU[key], 0.02);
    for (const key of ['perConnection', 'perRequest', 'perDelivered'] as const) close(model.bytesOut[key], OUT[key], 0.02);
    expect(model.memory).toEqual({ baseRssBytes: 60e6, rssPerConnectionBytes: 9000, heapPerConnectionBytes: 4000, baseHeapBytes: 12e6 });
    expect(model.range).toEqual({ clients: [100, 5000], ratePerSecond: [0, 5000] });
    // Exact data: every residual and every held-out error is (near) zero.
    for (const p of model.fit) close(p.predicted.cpuCores, p.measured.cpuCores, 0.01);
    expect(model.crossValidation.cpu.cells).toBe(15);
    expect(model.crossValidation.cpu.maxAbsPercent).toBeLessThan(2);
    expect(model.crossValidation.requests.maxAbsPercent).toBeLessThan(2);
  });

  it('recovers WebSocket\'s costs (no requests: that coefficient stays 0) and predicts a workload', () => {
    const model = fitModel(synthetic('websocket'), settings);
    if (model === undefined) throw new Error('no model');
    close(model.cpu.perConnection, CPU.perConnection, 0.02);
    close(model.cpu.perDelivered, CPU.perDelivered, 0.02);
    close(model.cpu.perPublish, CPU.perPublish, 0.02);
    expect(model.cpu.perRequest).toBe(0);
    expect(model.headerBytesPerRequest).toBeUndefined();
    const w = workloadOf({ clients: 2000, rooms: 100, senders: 4, rate: 200, size: 100 });
    const p = predict(model, w);
    close(p.cpuCores, lin(CPU, 2000, 0, w.deliveriesPerSecond, 200), 0.02);
    expect(p.requestsPerSecond).toBe(0);
    expect(p.rssBytes).toBe(60e6 + 9000 * 2000);
    expect(p.heapBytes).toBe(12e6 + 4000 * 2000);
  });

  it('leaves load-bound cells out of the fit but shows them beside their prediction', () => {
    const points = synthetic('websocket');
    const wild = { ...points[4] as CellPoint, loadBound: true, measured: { ...(points[4] as CellPoint).measured, cpuCores: 50 } };
    const model = fitModel([...points.slice(0, 4), wild, ...points.slice(5)], settings);
    if (model === undefined) throw new Error('no model');
    close(model.cpu.perConnection, CPU.perConnection, 0.02);
    expect(model.fit.find((p) => p.cell === wild.cell)).toMatchObject({ loadBound: true, measured: { cpuCores: 50 } });
    expect(model.crossValidation.cpu.cells).toBe(14);
    // Every cell load-bound: nothing to fit.
    expect(fitModel(points.map((p) => ({ ...p, loadBound: true })), settings)).toBeUndefined();
  });

  it('cross-validation reports the held-out error of a cell that does not follow the others', () => {
    const model = fitModel(synthetic('websocket', (i) => (i === 7 ? 1.5 : 1)), settings);
    if (model === undefined) throw new Error('no model');
    expect(model.crossValidation.cpu.maxAbsPercent).toBeGreaterThan(20);
    expect(model.crossValidation.cpu.medianAbsPercent).toBeLessThan(model.crossValidation.cpu.maxAbsPercent);
    // Fewer than 3 cells: no cross-validation to speak of.
    expect(crossValidate('websocket', synthetic('websocket').slice(0, 2), settings).cpu.cells).toBe(0);
  });

  it('measures the bytes of an empty poll from the idle polling cells', () => {
    const model = fitModel(synthetic('short-polling'), settings);
    const idle = synthetic('short-polling').filter((p) => p.workload.ratePerSecond === 0);
    const expected = idle.reduce((s, p) => s + p.measured.bytesInPerSecond + p.measured.bytesOutPerSecond, 0) / idle.reduce((s, p) => s + p.measured.requestsPerSecond, 0);
    expect(model?.headerBytesPerRequest).toBe(Math.round(expected));
  });
});

describe('percent errors', () => {
  it('judge a near-zero measurement against 1% of the largest, and summarise median and max', () => {
    expect(percentError(110, 100, 100)).toBeCloseTo(10);
    expect(percentError(0.5, 0, 100)).toBeCloseTo(50);
    expect(percentError(0, 0, 0)).toBe(0);
    expect(errorStat([1, 9, 3, 5])).toEqual({ medianAbsPercent: 4, maxAbsPercent: 9, cells: 4 });
  });
});

describe('cellPoints / fitModels', () => {
  it('average a cell\'s repetitions, skip failed runs and runs without a cell, and fit one model per target', () => {
    const run = (target: Transport, cell: string | undefined, cpuSeconds: number, over: Partial<RunResult> = {}): RunResult => ({
      target, transport: target, repetition: 1, durationSeconds: 2,
      ...(cell === undefined ? {} : { workload: workloadOf({ clients: cell === 'a' ? 100 : cell === 'b' ? 1000 : 5000, rooms: 5, senders: 0, rate: 0, size: 100 }, cell) }),
      requests: { total: 0, perSecond: 0, perDelivered: 0, serverCounted: 0 }, bytes: { in: 0, out: 0, perDelivered: 0 },
      server: { cpuSeconds, cpuSecondsPer1kDelivered: 0, rssPeakBytes: 1e6, heapPeakBytes: 1e6, eventLoopDelayP99Ms: 0 },
      workers: { loadBound: false, reasons: [] },
      ...over,
    }) as unknown as RunResult;
    const runs = [run('websocket', 'a', 0.2), run('websocket', 'a', 0.4), run('websocket', 'a', 9, { error: 'crashed' }), run('websocket', undefined, 9), run('websocket', 'b', 1), run('websocket', 'c', 3), run('sse', 'a', 0.2, { workers: { loadBound: true, reasons: ['x'] } as RunResult['workers'] })];
    const points = cellPoints(runs);
    expect(points.map((p) => [p.target, p.cell, p.loadBound])).toEqual([['websocket', 'a', false], ['websocket', 'b', false], ['websocket', 'c', false], ['sse', 'a', true]]);
    close((points[0] as CellPoint).measured.cpuCores, 0.15, 1e-9);
    // sse's only cell was load-bound: no model for it.
    expect(fitModels(runs, settings).map((m) => m.target)).toEqual(['websocket']);
  });
});
