/**
 * bench/harness/run-result.ts: buildResult as a pure aggregation — hand-made worker results and
 * server samples in, a RunResult out; no process, server or clock involved.
 */
import { describe, expect, it } from 'vitest';
import { resolveBenchOptions } from '../bench/config/options.ts';
import { buildResult, type RunIdentity, type RunInputs } from '../bench/harness/run-result.ts';
import type { WorkerResult } from '../bench/harness/worker-protocol.ts';
import { BatchCounter } from '../bench/measure/batches.ts';
import type { Sample } from '../bench/measure/sampler.ts';
import { createHistogram, encodeHistogram, recordMs } from '../results/histogram.ts';

const { options } = resolveBenchOptions({ duration: '10s', clients: '4', rate: '10' });
const spec: RunIdentity = { target: 'websocket', transport: 'websocket', repetition: 1, options };
const server = { instances: 1, backplane: 'memory' as const, proxied: false };

function histogram(ms: readonly number[]): string {
  const h = createHistogram();
  for (const v of ms) recordMs(h, v);
  return encodeHistogram(h);
}

/** A worker's report with nothing in it; each test states what it needs. */
function worker(over: Partial<WorkerResult> = {}): WorkerResult {
  return {
    id: 0,
    latency: histogram([]),
    latencyUncorrected: histogram([]),
    scheduleLag: histogram([]),
    scheduleLagMaxMs: 0,
    sentPerRoom: [0],
    sendErrors: 0,
    inFlight: 0,
    messages: { scheduled: 0, expected: 0, beforeJoin: 0, acked: 0, failed: 0, unanswered: 0, delivered: 0, late: 0, lost: 0, duplicates: 0, wireDuplicates: 0, outOfOrder: 0 },
    negativeLatency: 0,
    eventLoopDelay: { p50Ms: 0, p99Ms: 0, maxMs: 0 },
    connected: 0,
    subscribers: 0,
    reconnects: 0,
    requestsInWindow: 0,
    bytesInWindow: { sent: 0, received: 0 },
    cpuPercentWindow: 10,
    cpuPercentPeak: 12,
    timeline: [],
    faultsInjected: 0,
    problems: [],
    ...over,
  };
}

function sample(t: number, over: Partial<Sample> = {}): Sample {
  return { t, atMs: 1_000_000 + t * 1000, cpuSeconds: t * 0.1, rssBytes: 50e6, heapUsedBytes: 20e6, eventLoopDelayP99Ms: 1, requests: t * 10, bytesIn: t * 1000, bytesOut: t * 2000, scrapeFailed: false, ...over };
}

const samples = Array.from({ length: 11 }, (_, t) => sample(t));
const build = (over: Partial<RunInputs>): ReturnType<typeof buildResult> => buildResult({ spec, server, workers: [], samples, ...over });

describe('buildResult', () => {
  it('sums the workers\' message counts and merges their latency histograms', () => {
    const subscriberCounts = { scheduled: 0, expected: 100, beforeJoin: 0, acked: 0, failed: 0, unanswered: 0, delivered: 50, late: 1, lost: 0, duplicates: 2, wireDuplicates: 0, outOfOrder: 0 };
    const a = worker({ id: 0, subscribers: 2, connected: 2, latency: histogram([1, 2, 3]), messages: subscriberCounts });
    const b = worker({ id: 1, subscribers: 2, connected: 2, latency: histogram([4, 5]), messages: { ...subscriberCounts, delivered: 48, lost: 2 } });
    const senders = worker({ id: 2, messages: { ...subscriberCounts, expected: 0, delivered: 0, late: 0, duplicates: 0, scheduled: 100, acked: 99, failed: 1 } });
    const run = build({ workers: [a, b, senders] });
    expect(run.messages).toMatchObject({ scheduled: 100, sent: 99, failed: 1, sendErrors: 1, expected: 200, delivered: 98, late: 2, lost: 2, duplicates: 4 });
    expect(run.latencyMs.count).toBe(5);
    expect(run.latencyMs.p50).toBeCloseTo(3, 1);
    expect(run.latencyMs.max).toBeCloseTo(5, 1);
    expect(run.histogram).not.toBe('');
    expect(run.clients.connected).toBe(4);
    expect(run.error).toBeUndefined();
  });

  it('takes requests from the workers and CPU and bytes between the window\'s edge samples', () => {
    const run = build({ workers: [worker({ subscribers: 1, connected: 1, requestsInWindow: 200, messages: { ...worker().messages, delivered: 100 } })] });
    expect(run.requests).toMatchObject({ total: 200, perSecond: 20, perDelivered: 2, serverCounted: 100 });
    expect(run.bytes).toEqual({ in: 10_000, out: 20_000, perDelivered: 300 });
    expect(run.server.cpuSeconds).toBe(1);
    expect(run.server.cpuSecondsPer1kDelivered).toBe(10);
  });

  it('files each server sample under the second it closes, beside the workers\' summed timeline', () => {
    const w = (delivered: number): WorkerResult => worker({ subscribers: 1, connected: 1, timeline: [{ t: 0, delivered, requests: 1, cpuPercent: 5 }] });
    const run = build({ workers: [w(3), w(4)] });
    const second0 = run.timeline.find((p) => p.t === 0);
    expect(second0).toMatchObject({ delivered: 7, requests: 2, rssBytes: 50e6 });
    // 0.1 CPU-second over one second between the samples at t = 0 and t = 1.
    expect(second0?.cpuPercent).toBe(10);
  });

  it('reports subscribers that could not join, with the workers\' problems, and leaves the caller\'s errors alone', () => {
    const errors = ['earlier trouble'];
    const run = build({ errors, workers: [worker({ subscribers: 3, connected: 1, problems: ['subscriber 2 could not join bench-x-0: refused'] })] });
    expect(run.error).toBe('earlier trouble; 2 of 3 subscribers could not join: subscriber 2 could not join bench-x-0: refused');
    expect(errors).toEqual(['earlier trouble']);
  });

  it('says so when the window\'s edge samples are missing', () => {
    const run = build({ samples: samples.filter((s) => s.t !== 0), workers: [worker({ subscribers: 1, connected: 1 })] });
    expect(run.error).toMatch(/not sampled at the window's edges \(got t=1 and t=10 s\)/);
  });

  it('marks a run load-bound from the workers\' own health', () => {
    const calm = build({ workers: [worker({ subscribers: 1, connected: 1 })] });
    expect(calm.workers.loadBound).toBe(false);
    const busy = build({ workers: [worker({ subscribers: 1, connected: 1, cpuPercentWindow: 95, cpuPercentPeak: 99 })] });
    expect(busy.workers.loadBound).toBe(true);
    expect(busy.workers.cpuPercentMax).toBe(99);
    expect(busy.workers.reasons.join(' ')).toMatch(/95% of a core/);
  });

  it('counts messages per response only for workers that report them (polling)', () => {
    expect(build({ workers: [worker()] }).batches).toBeUndefined();
    const counter = new BatchCounter();
    // Subscriber 0: a response of two messages (one stamp), then one of one.
    for (const at of [10, 10, 20]) counter.record(0, at);
    const reported = counter.result();
    const polled = build({ workers: [worker({ batches: reported }), worker({ batches: reported })] });
    expect(polled.batches?.responses).toBe(2 * reported.responses);
    expect(polled.batches?.messages).toBe(2 * reported.messages);
  });

  it('stitches the server\'s counters across a restart', () => {
    // The fresh server counts from 0 again at t = 6.
    const restarted = samples.map((s) => (s.t < 6 ? s : { ...sample(s.t - 6), t: s.t, atMs: s.atMs }));
    const run = build({ samples: restarted, restart: { restarts: 1, downMs: 300 }, workers: [worker({ subscribers: 1, connected: 1 })] });
    // 50 requests before the restart, then 40 counted by the fresh server up to t = 10.
    expect(run.requests.serverCounted).toBe(90);
    expect(run.bytes.in).toBe(9_000);
    expect(build({ samples: restarted, workers: [worker({ subscribers: 1, connected: 1 })] }).requests.serverCounted).toBe(40);
  });
});
