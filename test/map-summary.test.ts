/** bench/measure/map-summary.ts: the console's line per fitted model, and the targets left without one. */
import { describe, expect, it } from 'vitest';
import { mapSummaryLines } from '../bench/measure/map-summary.ts';
import type { BenchResults, CostModel } from '../results/types.ts';

const zero = { intercept: 0, perConnection: 0, perRequest: 0, perDelivered: 0, perPublish: 0 };
const model: CostModel = {
  target: 'short-polling', transport: 'short-polling',
  cpu: { ...zero, perConnection: 2e-6, perRequest: 5e-5, perDelivered: 3e-6 }, bytesOut: zero, bytesIn: zero,
  memory: { baseRssBytes: 6e7, rssPerConnectionBytes: 9216, heapPerConnectionBytes: 4000 },
  requests: { kind: 'interval', intervalMs: 2000, fixedPerClientSecond: 0.5, perPublish: 1 },
  fit: [], crossValidation: { method: 'leave-one-out', cpu: { medianAbsPercent: 4.2, maxAbsPercent: 9, cells: 15 }, requests: { medianAbsPercent: 0, maxAbsPercent: 0, cells: 15 }, bytesOut: { medianAbsPercent: 0, maxAbsPercent: 0, cells: 15 } },
  range: { clients: [100, 5000], ratePerSecond: [0, 5000] },
};

describe('mapSummaryLines', () => {
  it('prints a line per model and names the targets with none; nothing for a bench without a map', () => {
    const results = { runs: [{ target: 'short-polling' }, { target: 'websocket' }], map: { cells: new Array(15).fill({}), models: [model] } } as unknown as BenchResults;
    const lines = mapSummaryLines(results);
    expect(lines[0]).toMatch(/^Cost model per target \(15 cells/);
    expect(lines[1]).toMatch(/short-polling .*poll every 2000 ms \(0\.50 req\/client·s at rest\) · cpu µs: 2\.0\/conn·s, 50\/req, 3\.0\/delivery · rss 9\.0 KiB\/conn · CV cpu median 4\.2% \(15 cells\)/);
    expect(lines[2]).toBe('  no model (every cell load-bound or failed): websocket');
    expect(mapSummaryLines({ runs: [] } as unknown as BenchResults)).toEqual([]);
  });
});
