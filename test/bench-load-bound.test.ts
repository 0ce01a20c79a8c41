/** Load-bound, seen from outside the workers: /proc/stat of the load cores, worker loop delay, sender lag vs latency; and the warning before the run. */
import { describe, expect, it } from 'vitest';
import { loadBoundReasons, type LoadFigures } from '../bench/measure/load-bound.ts';
import { figures, parseCpuList, readCoreTimes } from '../bench/measure/load-cores.ts';
import { loadBudgetWarnings } from '../bench/measure/load-budget.ts';
import { LoadHealth } from '../bench/measure/load-health.ts';

const latency = (p50: number, p99: number) => ({ p50, p90: p99, p99, p999: p99, max: p99, mean: p50, count: 1000 });
const quiet: LoadFigures = {
  cpuWindowMax: 12,
  lag: latency(0.01, 0.05),
  lagMax: 0.2,
  eventLoopDelay: { p50Ms: 0.1, p99Ms: 0.9 },
  latency: latency(1.2, 3),
  loadCores: { cores: [1], busyPercent: 30, stealPercent: 0 },
};

describe('loadBoundReasons', () => {
  it('a quiet run is not load-bound', () => {
    expect(loadBoundReasons(quiet)).toEqual([]);
  });

  it('fires on load cores above 85% busy, with the figures, though no single worker is above 80%', () => {
    const reasons = loadBoundReasons({ ...quiet, cpuWindowMax: 50, loadCores: { cores: [1], busyPercent: 97.5, stealPercent: 4 } });
    expect(reasons).toHaveLength(1);
    expect(reasons[0]).toMatch(/load cores \(1\) were 98% busy .*steal 4%.*limit 85%/);
  });

  it('fires when sender lag p50 is a real fraction of latency p50', () => {
    const reasons = loadBoundReasons({ ...quiet, lag: latency(0.6, 2) });
    expect(reasons[0]).toMatch(/sender lag p50 0\.60 ms is 50% of latency p50 1\.20 ms/);
  });

  it('fires when a worker\'s event-loop delay p99 is a real fraction of latency p99', () => {
    expect(loadBoundReasons({ ...quiet, eventLoopDelay: { p50Ms: 1, p99Ms: 4 } })[0]).toMatch(/event-loop delay p99 4\.00 ms is 133% of latency p99/);
    // Idle timer jitter (under 2 ms) never counts, even beside a sub-millisecond p99.
    expect(loadBoundReasons({ ...quiet, latency: latency(0.3, 0.8), lag: latency(0.01, 0.02), eventLoopDelay: { p50Ms: 0.1, p99Ms: 1.5 } })).toEqual([]);
  });

  it('keeps the per-worker CPU and the lag p99 limits', () => {
    expect(loadBoundReasons({ ...quiet, cpuWindowMax: 92 })[0]).toMatch(/92% of a core/);
    expect(loadBoundReasons({ ...quiet, lag: latency(0.1, 80), lagMax: 120, latency: latency(500, 900) })[0]).toMatch(/lag p99 80 ms/);
  });
});

describe('load cores from /proc/stat', () => {
  const stat = (user1: number, idle1: number, steal1: number): string =>
    [`cpu  1 2 3 4 5 6 7 8 0 0`, `cpu0 100 0 100 800 0 0 0 0 0 0`, `cpu1 ${user1} 0 0 ${idle1} 0 0 0 ${steal1} 0 0`, 'intr 1 2 3'].join('\n');

  it('reads busy and steal of the listed cores only', () => {
    const a = readCoreTimes([1], stat(100, 900, 0));
    const b = readCoreTimes([1], stat(180, 910, 10));
    expect(a).toBeDefined();
    expect(figures([1], a!, b!)).toEqual({ cores: [1], busyPercent: 90, stealPercent: 10 });
    expect(readCoreTimes([7], stat(1, 1, 1))).toBeUndefined();
  });

  it('reads this machine\'s /proc/stat', () => {
    expect(readCoreTimes([0])?.total).toBeGreaterThan(0);
  });

  it('parses taskset CPU lists', () => {
    expect(parseCpuList('1')).toEqual([1]);
    expect(parseCpuList('1-3,5')).toEqual([1, 2, 3, 5]);
  });
});

describe('load budget, before the run', () => {
  it('warns for 2,000 WebSocket subscribers at 80 msg/s on one load core and names the largest it can drive', () => {
    const lines = loadBudgetWarnings({ transports: ['websocket'], clients: 2000, rooms: 1, rate: 80 }, 1);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/160,000 deliveries\/s is beyond what 1 load core can drive.*about 500 clients at 80 msg\/s, or 20 msg\/s with 2000 clients/);
  });

  it('says nothing for a quiet 20-client run', () => {
    expect(loadBudgetWarnings({ transports: ['websocket', 'short-polling', 'long-polling', 'sse'], clients: 20, rooms: 1, rate: 20 }, 1)).toEqual([]);
  });
});

describe('LoadHealth', () => {
  it('sees a blocked event loop in its delay figures', async () => {
    const h = new LoadHealth();
    h.windowStart();
    await new Promise((r) => setTimeout(r, 30));
    const until = performance.now() + 60;
    while (performance.now() < until);
    await new Promise((r) => setTimeout(r, 30));
    h.windowEnd();
    expect(h.eventLoopDelay().maxMs).toBeGreaterThan(30);
  });
});

describe('repetitions in random target order', () => {
  it('each repetition runs every target once, in its own seeded order, the same for the same seed', async () => {
    const { planRuns } = await import('../bench/harness/run.ts');
    const { resolveBenchOptions } = await import('../bench/config/options.ts');
    const { options } = resolveBenchOptions({});
    expect(options.repeat).toBeGreaterThanOrEqual(3);
    const plan = planRuns(options);
    const orders = [1, 2, 3].map((rep) => plan.filter((s) => s.repetition === rep).map((s) => s.target));
    for (const order of orders) expect([...order].sort()).toEqual([...(orders[0] ?? [])].sort());
    expect(new Set(orders.map((o) => o.join(','))).size).toBeGreaterThan(1);
    expect(planRuns(options).map((s) => s.target)).toEqual(plan.map((s) => s.target));
  });
});

describe('messages per response', () => {
  it('groups deliveries that share a receipt stamp into one response, per subscriber', async () => {
    const { BatchCounter, mergeBatches } = await import('../bench/measure/batches.ts');
    const c = new BatchCounter();
    for (let i = 0; i < 3; i++) c.record(0, 100); // one response of 3
    c.record(1, 100); // another subscriber, same instant: its own response
    c.record(0, 200);
    for (let i = 0; i < 200; i++) c.record(1, 300);
    const r = c.result();
    expect(r).toMatchObject({ responses: 4, messages: 205, mean: 51.25 });
    expect(r.buckets).toMatchObject({ '1': 2, '3–4': 1, '129+': 1 });
    expect(mergeBatches([r, r])?.responses).toBe(8);
  });
});
