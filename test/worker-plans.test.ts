/** bench/harness/worker-plans.ts: how a run's clients and senders are laid out over its load workers. */
import { describe, expect, it } from 'vitest';
import { resolveBenchOptions } from '../bench/config/options.ts';
import { runTimeline, subscriberCostUs, subscriberWorkers, workerPlans } from '../bench/harness/worker-plans.ts';

describe('worker plans', () => {
  it('sizes subscriber workers by their measured cost (CPU per delivery and per client-second), within 1…4 and never more than the clients', () => {
    const opts = (over: Record<string, string | boolean>) => resolveBenchOptions(over).options;
    expect(subscriberWorkers('websocket', opts({ clients: '3', rate: '1' }))).toBe(1);
    // fanout: 1,000 subscribers × 10 msg/s = 10,000 deliveries/s; lean WebSocket ≈ 0.16 s of CPU per second: one worker.
    expect(subscriberCostUs('websocket', opts({ clients: '1000', rate: '10' }), true)).toBe(155_000);
    expect(subscriberWorkers('websocket', opts({ clients: '1000', rate: '10' }))).toBe(1);
    // Long polling costs more per delivery: the same workload needs two.
    expect(subscriberWorkers('long-polling', opts({ clients: '1000', rate: '15' }))).toBe(2);
    // The product clients (--faults) cost more: more workers for the same load.
    expect(subscriberWorkers('long-polling', opts({ clients: '1000', rate: '10', faults: true, peers: 'none' }))).toBe(4);
    // A peer's lean subscribers (lean-socketio-*.ts) are sized by their own cost; socket.io-client itself (PUSHLAB_LEAN_CLIENTS=0) costs more.
    expect(subscriberCostUs('websocket', opts({ clients: '1000', rate: '10' }), true, 'peer-socketio')).toBe(205_000);
    expect(subscriberWorkers('websocket', opts({ clients: '1000', rate: '10' }), 'peer-socketio')).toBe(1);
    const before = process.env.PUSHLAB_LEAN_CLIENTS;
    process.env.PUSHLAB_LEAN_CLIENTS = '0';
    try {
      expect(subscriberWorkers('websocket', opts({ clients: '1000', rate: '10' }), 'peer-socketio')).toBe(2);
    } finally {
      if (before === undefined) delete process.env.PUSHLAB_LEAN_CLIENTS;
      else process.env.PUSHLAB_LEAN_CLIENTS = before;
    }
    // Idle clients still cap a worker's sockets.
    expect(subscriberWorkers('websocket', opts({ clients: '6000', rate: '0' }))).toBe(3);
    expect(subscriberWorkers('sse', opts({ clients: '100000', rate: '1' }))).toBe(4);
  });

  it('spreads subscribers over the subscriber workers by index; the last worker runs every sender, without faults', () => {
    const { options } = resolveBenchOptions({ clients: '5', rate: '10', senders: '2', faults: true, peers: 'none', duration: '10s' });
    const timeline = runTimeline(options);
    expect(timeline.windowStart - timeline.connectStart).toBe(options.warmupMs);
    expect(timeline.rooms).toHaveLength(options.rooms);
    const plans = workerPlans('long-polling', 'long-polling', options, timeline, 3, 2, ['http://127.0.0.1:1'], { compression: true });
    expect(plans.map((p) => p.subscribers.map((s) => s.index))).toEqual([[0, 2, 4], [1, 3], []]);
    expect(plans.map((p) => p.senders)).toEqual([[], [], [0, 1]]);
    expect(plans.map((p) => p.faultEveryMs)).toEqual([2000, 2000, 0]);
    for (const p of plans) {
      expect(p).toMatchObject({ runId: timeline.runId, windowStartMs: timeline.windowStart, windowEndMs: timeline.windowEnd, compression: true, baseUrls: ['http://127.0.0.1:1'] });
      for (const s of p.subscribers) expect(s.connectAtMs).toBeGreaterThanOrEqual(timeline.connectStart);
    }
  });

  it('has no sender worker when nothing is sent', () => {
    const { options } = resolveBenchOptions({ clients: '2', rate: '0' });
    const plans = workerPlans('websocket', 'websocket', options, runTimeline(options), 1, 1, ['http://127.0.0.1:1'], {});
    expect(plans).toHaveLength(1);
    expect(plans[0]?.subscribers).toHaveLength(2);
    expect(plans[0]?.senders).toEqual([]);
  });
});
