/** results/threshold-text.ts, results/peers.ts and results/load-bound-limits.ts: the small tables the report reads without the bench. */
import { describe, expect, it } from 'vitest';
import { describeThreshold, unitFamily } from '../results/threshold-text.ts';
import { isPeerTarget, PEER_INFO, PEERS } from '../results/peers.ts';
import { LOAD_CORES_BUSY_LIMIT_PERCENT, WORKER_CPU_LIMIT_PERCENT } from '../results/load-bound-limits.ts';
import { loadBoundReasons } from '../bench/measure/load-bound.ts';

describe('results/threshold-text', () => {
  it('reads a metric’s unit from its name', () => {
    expect(unitFamily('latencyMs.p99')?.base).toBe('ms');
    expect(unitFamily('server.cpuSecondsPer1kDelivered')?.base).toBe('s');
    expect(unitFamily('server.rssPeakBytes')?.base).toBe('bytes');
    expect(unitFamily('bytes.perDelivered')).toBeUndefined();
    expect(unitFamily('messages.lost')).toBeUndefined();
  });

  it('prints one line per checked threshold, with unit, merge and source', () => {
    expect(describeThreshold({ expression: 'latencyMs.p99<50ms', source: 'user', target: 'websocket', metric: 'latencyMs.p99', op: '<', limit: 50, actual: 3.1, ok: true, merge: 'histogram' }))
      .toBe('ok   websocket: latencyMs.p99 < 50 ms — 3.1 ms (merged histogram)');
    expect(describeThreshold({ expression: 'messages.lost==0', source: 'default', target: 'sse', metric: 'messages.lost', op: '==', limit: 0, actual: null, ok: false, merge: 'worst', note: 'no run' }))
      .toBe('FAIL sse: messages.lost == 0 — not measured (no run) [default]');
  });
});

describe('results/peers', () => {
  it('knows each peer’s target and counterpart', () => {
    for (const p of PEERS) expect(isPeerTarget(PEER_INFO[p].target)).toBe(true);
    expect(isPeerTarget('websocket')).toBe(false);
    expect(PEER_INFO['socketio-polling'].counterpart).toBe('long-polling');
  });
});

describe('results/load-bound-limits', () => {
  it('are the limits the bench judges by (the report states them)', () => {
    const zero = { p50: 0, p90: 0, p99: 0, p999: 0, max: 0, mean: 0, count: 0 };
    const figures = (cpu: number, busy: number) => ({ cpuWindowMax: cpu, lag: zero, lagMax: 0, eventLoopDelay: { p50Ms: 0, p99Ms: 0 }, latency: zero, loadCores: { cores: [1], busyPercent: busy, stealPercent: 0 } });
    expect(loadBoundReasons(figures(WORKER_CPU_LIMIT_PERCENT, LOAD_CORES_BUSY_LIMIT_PERCENT))).toEqual([]);
    expect(loadBoundReasons(figures(WORKER_CPU_LIMIT_PERCENT + 1, 0)).join(' ')).toContain(`limit ${WORKER_CPU_LIMIT_PERCENT}%`);
    expect(loadBoundReasons(figures(0, LOAD_CORES_BUSY_LIMIT_PERCENT + 1)).join(' ')).toContain(`limit ${LOAD_CORES_BUSY_LIMIT_PERCENT}%`);
  });
});
