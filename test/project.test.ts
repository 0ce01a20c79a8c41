/**
 * model/project.ts and its parts (backplane share, SLO marks, header overhead): the projection's
 * arithmetic on hand-made cost models whose answers are worked out here by hand.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { BenchResults, CostModel, LinearCost, SloCapacity } from '../results/types.ts';
import { DEFAULT_UTILISATION, project, ProjectionError } from '../model/project.ts';
import { instancesPerRoom, NO_LADDER } from '../model/project-backplane.ts';
import { measuredHeaderBytes, overheadRows, WELL_KNOWN_HEADER_BYTES } from '../model/header-overhead.ts';

const read = (name: string): BenchResults => JSON.parse(readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8')) as BenchResults;

const linear = (c: Partial<LinearCost>): LinearCost => ({ intercept: 0, perConnection: 0, perRequest: 0, perDelivered: 0, perPublish: 0, ...c });

function model(target: CostModel['target'], over: Partial<CostModel> = {}): CostModel {
  return {
    target,
    transport: target === 'baseline-ws' ? 'websocket' : (target as CostModel['transport']),
    cpu: linear({}),
    bytesOut: linear({}),
    bytesIn: linear({}),
    memory: { baseRssBytes: 50e6, rssPerConnectionBytes: 10_000, heapPerConnectionBytes: 5_000 },
    requests: { kind: 'none', fixedPerClientSecond: 0, perPublish: 0 },
    fit: [],
    crossValidation: { method: 'leave-one-out', cpu: { medianAbsPercent: 0, maxAbsPercent: 0, cells: 0 }, requests: { medianAbsPercent: 0, maxAbsPercent: 0, cells: 0 }, bytesOut: { medianAbsPercent: 0, maxAbsPercent: 0, cells: 0 } },
    range: { clients: [100, 5000], ratePerSecond: [0, 1000] },
    ...over,
  };
}

const shortPolling = model('short-polling', {
  cpu: linear({ intercept: 0.01, perRequest: 100e-6, perDelivered: 5e-6, perPublish: 100e-6 }),
  bytesOut: linear({ perRequest: 240, perDelivered: 250 }),
  bytesIn: linear({ perRequest: 110, perPublish: 150 }),
  requests: { kind: 'interval', fixedPerClientSecond: 0.5, intervalMs: 2000, perPublish: 1 },
  headerBytesPerRequest: 350,
});
const websocket = model('websocket', {
  cpu: linear({ intercept: 0.01, perConnection: 2e-6, perDelivered: 10e-6, perPublish: 20e-6 }),
  bytesOut: linear({ perConnection: 0.1, perDelivered: 270 }),
  bytesIn: linear({ perConnection: 0.3, perPublish: 150 }),
  memory: { baseRssBytes: 60e6, rssPerConnectionBytes: 12_000, heapPerConnectionBytes: 9_000 },
});

function withMap(base: BenchResults, models: CostModel[], size = 100): BenchResults {
  const workload = { clients: 1000, rooms: 10, senders: 1, ratePerSecond: 10, perClientRatePerSecond: 0.01, roomRatePerSecond: 1, deliveriesPerSecond: 1000, size };
  return { ...base, map: { cells: [{ id: 'c1000-r100s', label: '1,000 clients', workload }], models } };
}

const basic = withMap(read('results-basic.json'), [shortPolling, websocket]);
const MILLION = { clients: 1_000_000, rooms: 10_000, ratePerSecond: 1000 };

describe('project: the cost model at a workload', () => {
  it('gives short polling ~500k req/s and WebSocket far fewer cores for 1M clients in 10k rooms at 1,000 msg/s', () => {
    const p = project(basic, MILLION);
    expect(p.workload).toMatchObject({ roomSize: 100, roomRatePerSecond: 0.1, deliveriesPerSecond: 100_000, perClientRatePerSecond: 0.001, size: 100 });
    const sp = p.transports['short-polling'];
    const ws = p.transports.websocket;
    // 1M clients × 1 poll / 2 s + 1,000 POSTs.
    expect(sp?.requestsPerSecond).toBe(501_000);
    // 0.01 + 501,000 × 100 µs + 100,000 × 5 µs + 1,000 × 100 µs = 50.71 cores.
    expect(sp?.cpuCores).toBeCloseTo(0.01 + 50.1 + 0.5 + 0.1, 9);
    expect(sp?.cpuCoresBy.requests).toBeCloseTo(50.1, 9);
    // 0.01 + 1M × 2 µs + 100,000 × 10 µs + 1,000 × 20 µs = 3.03 cores.
    expect(ws?.requestsPerSecond).toBe(0);
    expect(ws?.cpuCores).toBeCloseTo(3.03, 9);
    expect((sp?.cpuCores ?? 0) / (ws?.cpuCores ?? 1)).toBeGreaterThan(10);
    // Bits both ways: short polling out = (501,000 × 240 + 100,000 × 250) × 8.
    expect(sp?.bandwidthBitsPerSecond.out).toBeCloseTo((501_000 * 240 + 100_000 * 250) * 8, 3);
    expect(sp?.bandwidthBitsPerSecond.in).toBeCloseTo((501_000 * 110 + 1000 * 150) * 8, 3);
    expect(ws?.memoryBytes).toBe(60e6 + 12_000 * 1_000_000);
    expect(ws?.heapBytes).toBe(9_000 * 1_000_000);
    expect(sp?.pollsPerClientSecond).toBe(0.5);
    expect(sp?.messagesPerAnswer).toBeCloseTo(0.2, 9);
  });

  it('counts instances at the utilisation target, CPU- or memory-bound, each instance paying its own base', () => {
    const p = project(basic, MILLION);
    const sp = p.transports['short-polling'];
    // (50.71 − 0.01) ÷ (0.7 − 0.01) = 73.48 → 74.
    expect(sp?.instancesForCpu).toBe(74);
    // Memory: one core's share of the machine's memory × 0.7 per instance, less the base RSS.
    const budget = (basic.environment.memoryBytes / basic.environment.cores) * DEFAULT_UTILISATION;
    expect(sp?.instancesForMemory).toBe(Math.ceil((10_000 * 1_000_000) / (budget - 50e6)));
    expect(sp?.instances).toBe(Math.max(sp?.instancesForCpu ?? 0, sp?.instancesForMemory ?? 0));
    // WebSocket: 3.02 ÷ 0.69 → 5 for CPU; 12 GB ÷ (8 GiB ÷ 2 × 0.7 − 60 MB) → 5 for memory (a tie reads as cpu).
    const ws = p.transports.websocket;
    expect(ws?.instancesForCpu).toBe(5);
    expect(ws?.instancesForMemory).toBe(5);
    expect(ws?.instancesBoundBy).toBe('cpu');
    // At 2M connections in rooms of 100 memory decides: 24 GB ÷ 2.95 GB → 9, against 5.02 ÷ 0.69 → 8 for CPU.
    const big = project(basic, { clients: 2_000_000, rooms: 20_000, ratePerSecond: 1000 }).transports.websocket;
    expect([big?.instancesForCpu, big?.instancesForMemory, big?.instancesBoundBy, big?.instances]).toEqual([8, 9, 'memory', 9]);
    // A lower utilisation target needs more instances.
    expect(project(basic, MILLION, { utilisation: 0.35 }).transports['short-polling']?.instancesForCpu).toBe(Math.ceil(50.7 / 0.34));
    // Nothing to carry: one instance.
    expect(project(basic, { clients: 100, rooms: 1, ratePerSecond: 0 }).transports.websocket?.instances).toBe(1);
  });

  it('warns (and flags the row) when clients or rate lie outside the measured range, not inside it', () => {
    const inside = project(basic, { clients: 2000, rooms: 20, ratePerSecond: 100 });
    expect(inside.warnings).toEqual([]);
    expect(inside.transports.websocket?.extrapolated).toBe(false);
    const outside = project(basic, MILLION);
    expect(outside.transports.websocket?.extrapolated).toBe(true);
    expect(outside.warnings).toHaveLength(1);
    expect(outside.warnings[0]).toMatch(/^extrapolated: clients 1,000,000 \(measured 100–5,000\) lie outside the measured range of short-polling, websocket/);
    const fast = project(basic, { clients: 1000, rooms: 10, ratePerSecond: 5000 });
    expect(fast.warnings[0]).toMatch(/rate 5,000 msg\/s \(measured 0–1,000\)/);
    expect(fast.warnings[0]).not.toMatch(/clients/);
  });

  it('scales bytes, not CPU, with the message size, and says so', () => {
    const at100 = project(basic, MILLION);
    const at1100 = project(basic, { ...MILLION, size: 1100 });
    const a = at100.transports.websocket;
    const b = at1100.transports.websocket;
    expect((b?.bytesOutPerSecond ?? 0) - (a?.bytesOutPerSecond ?? 0)).toBeCloseTo(1000 * 100_000, 3);
    expect((b?.bytesInPerSecond ?? 0) - (a?.bytesInPerSecond ?? 0)).toBeCloseTo(1000 * 1000, 3);
    expect(b?.cpuCores).toBe(a?.cpuCores);
    expect(at1100.measuredSize).toBe(100);
    expect(at1100.warnings.some((w) => /size 1,100 B differs from the measured 100 B/.test(w))).toBe(true);
    // Smaller than measured: bytes per delivery shrink but never below 0.
    expect(project(basic, { ...MILLION, size: 1 }).transports.websocket?.bytesOutPerSecond).toBeGreaterThan(0);
  });

  it('refuses results without a map, and a workload that cannot be', () => {
    expect(() => project(read('results-basic.json'), MILLION)).toThrow(ProjectionError);
    expect(() => project(read('results-basic.json'), MILLION)).toThrow(/run `pushlab bench --scenario map` first/);
    expect(() => project(basic, { clients: 10, rooms: 20, ratePerSecond: 1 })).toThrow(/rooms \(20\) must not exceed clients/);
    expect(() => project(basic, { clients: 0, rooms: 1, ratePerSecond: 1 })).toThrow(/clients must be ≥ 1/);
    expect(() => project(basic, MILLION, { utilisation: 1.5 })).toThrow(/utilisation must be in \(0, 1\]/);
  });
});

describe('project: the Redis backplane share', () => {
  it('says so when the results hold no scale-out ladder', () => {
    const b = project(basic, MILLION).transports.websocket?.backplane;
    expect(b).toEqual({ kind: 'none', note: NO_LADDER });
  });

  it('reads the share on the largest Redis rung and projects Redis cores from the fan-out per publish', () => {
    const scaleout = withMap(read('results-scaleout.json'), [model('websocket'), model('sse')]);
    const p = project(scaleout, MILLION);
    const b = p.transports.websocket?.backplane;
    if (b?.kind !== 'measured') throw new Error('expected a measured share');
    const run = scaleout.runs.find((r) => r.target === 'websocket' && r.topology === 'redis · 2 · nginx');
    const parts = run?.parts ?? [];
    expect(b.rung).toBe('redis · 2 · nginx');
    expect(b.share).toBeCloseTo((parts.find((x) => x.part === 'redis')?.cpuSeconds ?? 0) / parts.reduce((s, x) => s + x.cpuSeconds, 0), 9);
    expect(b.instancesPerRoom).toBeCloseTo(instancesPerRoom(p.transports.websocket?.instances ?? 0, 100), 9);
    expect(b.redisCores).toBeCloseTo(b.coreSecondsPerFanout * 1000 * b.instancesPerRoom, 9);
    expect(b.coreSecondsPerFanout).toBeGreaterThan(0);
    // sse ran no ladder in that bench.
    expect(p.transports.sse?.backplane).toEqual({ kind: 'none', note: 'the scale-out ladder in these results did not measure sse on Redis' });
  });

  it('expects a room of m subscribers on k(1 − (1 − 1/k)^m) of k instances', () => {
    expect(instancesPerRoom(1, 100)).toBe(1);
    expect(instancesPerRoom(2, 1)).toBeCloseTo(1, 9);
    expect(instancesPerRoom(2, 2)).toBeCloseTo(1.5, 9);
    expect(instancesPerRoom(10, 1000)).toBeCloseTo(10, 6);
  });
});

describe('project: --slo-p99 marks', () => {
  const capacity = (over: Partial<SloCapacity>): SloCapacity => ({ target: 'websocket', transport: 'websocket', kind: 'rate', sloP99Ms: 100, value: 500, bound: 'server', steps: [], ...over });
  const withSlo = (c: SloCapacity): BenchResults => ({ ...basic, slo: { p99Ms: c.sloP99Ms, capacities: [c] } });

  it('fails short polling on its interval floor, whatever else was measured', () => {
    const sp = project(basic, MILLION, { sloP99Ms: 100 }).transports['short-polling']?.slo;
    expect(sp?.verdict).toBe('fails');
    expect(sp?.reasons[0]).toMatch(/p99 ≥ 1980 ms at a 2000 ms interval/);
    expect(project(basic, MILLION, { sloP99Ms: 2500 }).transports['short-polling']?.slo?.verdict).toBe('unknown');
  });

  it('meets, fails or cannot tell from the measured SLO capacity per instance', () => {
    const at = (c: SloCapacity, rate: number, slo = 100) => project(withSlo(c), { clients: 1000, rooms: 10, ratePerSecond: rate }, { sloP99Ms: slo }).transports.websocket?.slo;
    // One instance carries the whole rate here (3 cores' worth is not reached at 1,000 clients).
    expect(at(capacity({}), 400)?.verdict).toBe('meets');
    expect(at(capacity({}), 600)).toMatchObject({ verdict: 'fails' });
    expect(at(capacity({}), 600)?.reasons[0]).toMatch(/only up to 500 msg\/s; each of 1 instances would carry 600 msg\/s/);
    expect(at(capacity({ bound: 'load-generator' }), 600)?.verdict).toBe('unknown');
    expect(at(capacity({}), 400, 50)?.verdict).toBe('unknown');
    expect(at(capacity({ bound: 'not-met', value: 0 }), 1, 50)?.verdict).toBe('fails');
    expect(project(basic, MILLION, { sloP99Ms: 100 }).transports.websocket?.slo).toMatchObject({ verdict: 'unknown', reasons: ['no measured SLO capacity for it in these results'] });
  });
});

describe('header overhead', () => {
  it('takes the model\'s measured empty poll, else its idle terms', () => {
    expect(measuredHeaderBytes(basic)).toEqual({ bytes: 350, source: 'model' });
    const { headerBytesPerRequest: _, ...idle } = shortPolling;
    // (0 + 0 + (240 + 110) × 0.5) ÷ 0.5 = 350 bytes per idle poll.
    expect(measuredHeaderBytes(withMap(basic, [idle as CostModel]))).toEqual({ bytes: 350, source: 'model-idle' });
    expect(measuredHeaderBytes(withMap(basic, [websocket]))).toBeUndefined();
  });

  it('redoes 871 B × N per second beside the measured bytes at one poll per second and at the interval', () => {
    const [row] = overheadRows([1000], 350, 0.5);
    expect(row).toEqual({ clients: 1000, wellKnownBitsPerSecond: WELL_KNOWN_HEADER_BYTES * 1000 * 8, measuredAtOnePerSecondBitsPerSecond: 350 * 1000 * 8, measuredAtIntervalBitsPerSecond: 350 * 500 * 8, wellKnownFrameBitsPerSecond: 16_000 });
  });
});
