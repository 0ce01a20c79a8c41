/**
 * Harness headroom (bench/measure/headroom.ts): load-side vs server-side CPU per delivery, the
 * warning when the load side costs as much as the server, its summary, and buildResult's wiring.
 */
import { describe, expect, it } from 'vitest';
import { resolveBenchOptions } from '../bench/config/options.ts';
import { warningsFor } from '../bench/harness/run.ts';
import { buildResult } from '../bench/harness/run-result.ts';
import type { WorkerResult } from '../bench/harness/worker-protocol.ts';
import { headroomOf, headroomSummaryOf, headroomWarning } from '../bench/measure/headroom.ts';
import { figures } from '../bench/measure/load-cores.ts';
import type { Sample } from '../bench/measure/sampler.ts';
import { stat } from '../bench/measure/summary.ts';

const times = (total: number, idle: number) => ({ total, idle, steal: 0 });

describe('load cores: busy core-seconds', () => {
  it('is the busy share × cores × the wall time between the samples', () => {
    // Two cores, 10 s apart: 2000 jiffies, 500 idle → 75% busy → 15 core-seconds.
    const f = figures([1, 2], times(0, 0), times(2000, 500), 10_000);
    expect(f.busyPercent).toBe(75);
    expect(f.busyCoreSeconds).toBe(15);
    expect(figures([1], times(0, 0), times(100, 50)).busyCoreSeconds).toBeUndefined();
  });
});

describe('headroomOf', () => {
  const cores = { cores: [1], busyPercent: 50, stealPercent: 0, busyCoreSeconds: 2.5 };

  it('puts the load side\'s µs per delivery beside the server\'s, and their ratio', () => {
    // 2.5 core-s / 100k deliveries = 25 µs; 1.4 s / 100k = 14 µs (the WebSocket figures).
    expect(headroomOf(cores, 1.4, 100_000)).toEqual({ loadUsPerDelivery: 25, serverUsPerDelivery: 14, loadToServer: 1.79, loadCoreSeconds: 2.5 });
  });

  it('takes the server\'s CPU back out when the watched cores include the server\'s', () => {
    const h = headroomOf({ ...cores, sharedWithServer: true }, 1, 100_000);
    expect(h).toMatchObject({ loadUsPerDelivery: 15, serverUsPerDelivery: 10, loadToServer: 1.5, loadCoresShared: true });
  });

  it('is absent without deliveries, server CPU or a busy time', () => {
    expect(headroomOf(cores, 1, 0)).toBeUndefined();
    expect(headroomOf(cores, 0, 100)).toBeUndefined();
    expect(headroomOf({ cores: [1], busyPercent: 50, stealPercent: 0 }, 1, 100)).toBeUndefined();
    expect(headroomOf(undefined, 1, 100)).toBeUndefined();
  });
});

describe('the headroom warning', () => {
  const run = (loadToServer: number) => ({ workers: { cpuPercentMax: 0, scheduleLagMaxMs: 0, loadBound: false, reasons: [], headroom: { loadUsPerDelivery: 20 * loadToServer, serverUsPerDelivery: 20, loadToServer, loadCoreSeconds: 1 } } });

  it('fires when the load side costs at least the server per delivery', () => {
    expect(headroomWarning('long-polling #1', run(1))).toMatch(/^long-polling #1: the load side spent 20 µs of CPU per delivery against the server's 20 µs \(×1\)/);
    expect(headroomWarning('x', run(2.1))).toMatch(/42 µs.*×2\.1/);
  });

  it('stays quiet below', () => {
    expect(headroomWarning('x', run(0.69))).toBeUndefined();
    expect(headroomWarning('x', { workers: { ...run(1).workers, headroom: undefined } })).toBeUndefined();
  });

  it('summarises over repetitions as median, min, max', () => {
    expect(headroomSummaryOf([run(0.5), run(1.5), run(1)], stat).headroom?.loadToServer).toEqual({ median: 1, min: 0.5, max: 1.5 });
    expect(headroomSummaryOf([], stat)).toEqual({});
  });
});

describe('buildResult and warningsFor carry it', () => {
  const { options } = resolveBenchOptions({ duration: '10s', clients: '4', rate: '10' });
  const messages = { scheduled: 0, expected: 1000, beforeJoin: 0, acked: 0, failed: 0, unanswered: 0, delivered: 1000, late: 0, lost: 0, duplicates: 0, wireDuplicates: 0, outOfOrder: 0 };
  const worker = { id: 0, latency: '', latencyUncorrected: '', scheduleLag: '', scheduleLagMaxMs: 0, sentPerRoom: [0], sendErrors: 0, inFlight: 0, messages, negativeLatency: 0, eventLoopDelay: { p50Ms: 0, p99Ms: 0, maxMs: 0 }, connected: 4, subscribers: 4, reconnects: 0, requestsInWindow: 0, bytesInWindow: { sent: 0, received: 0 }, cpuPercentWindow: 10, cpuPercentPeak: 12, timeline: [], faultsInjected: 0, problems: [] } as unknown as WorkerResult;
  // Server CPU 0.01 s per second: 0.1 s over the 10 s window.
  const samples: Sample[] = Array.from({ length: 11 }, (_, t) => ({ t, atMs: t * 1000, cpuSeconds: t * 0.01, rssBytes: 1, heapUsedBytes: 1, eventLoopDelayP99Ms: 0, requests: 0, bytesIn: 0, bytesOut: 0, scrapeFailed: false }));

  it('a run whose load cores were busier than its server is warned about, once', () => {
    const run = buildResult({ spec: { target: 'websocket', transport: 'websocket', repetition: 1, options }, server: { instances: 1, backplane: 'memory', proxied: false }, workers: [worker], samples, loadCores: { cores: [1], busyPercent: 2, stealPercent: 0, busyCoreSeconds: 0.2 } });
    expect(run.workers.headroom).toEqual({ loadUsPerDelivery: 200, serverUsPerDelivery: 100, loadToServer: 2, loadCoreSeconds: 0.2 });
    const lines = warningsFor([run], []).filter((w) => w.includes('load side spent'));
    expect(lines).toEqual(['websocket #1: the load side spent 200 µs of CPU per delivery against the server\'s 100 µs (×2): the harness, not the server, runs out of CPU first']);
  });
});
