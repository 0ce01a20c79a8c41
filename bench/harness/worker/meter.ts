/**
 * A worker metering itself, so the harness can tell when the load side, not the server, is
 * the bottleneck: CPU over the window and its per-second peak, event-loop delay
 * (bench/measure/load-health.ts), and the clients' own request and wire-byte counters over the
 * window; plus a per-second timeline (deliveries, requests, CPU) aligned to the window.
 */
import type { ClientStats } from '../../../clients/index.ts';
import { clockMs } from '../../measure/clock.ts';
import type { LoadHealth } from '../../measure/load-health.ts';
import type { WorkerPlan, WorkerResult, WorkerTimelinePoint } from '../worker-protocol.ts';
import type { Timers } from './timers.ts';

/** The meter's part of a worker's result. */
export type MeterResult = Pick<WorkerResult, 'negativeLatency' | 'eventLoopDelay' | 'requestsInWindow' | 'bytesInWindow' | 'cpuPercentWindow' | 'cpuPercentPeak' | 'timeline'>;

export class Meter {
  readonly #plan: WorkerPlan;
  readonly #health: LoadHealth;
  /** Every client of the worker (product or lean), subscribers and senders, at the moment of asking. */
  readonly #clients: () => { stats: ClientStats }[];
  readonly #timeline = new Map<number, WorkerTimelinePoint>();
  #requestsAtStart = 0;
  #requestsAtEnd: number | undefined;
  #bytesAtStart = { sent: 0, received: 0 };
  #bytesAtEnd: { sent: number; received: number } | undefined;
  #cpuAtStart = process.cpuUsage();
  #cpuWindow = 0;
  #cpuPeak = 0;

  constructor(plan: WorkerPlan, health: LoadHealth, clients: () => { stats: ClientStats }[]) {
    this.#plan = plan;
    this.#health = health;
    this.#clients = clients;
  }

  #requestsNow(): number {
    let n = 0;
    for (const c of this.#clients()) n += c.stats.requests;
    return n;
  }

  #bytesNow(): { sent: number; received: number } {
    let sent = 0;
    let received = 0;
    for (const c of this.#clients()) {
      const s = c.stats;
      sent += s.bytesSent;
      received += s.bytesReceived;
    }
    return { sent, received };
  }

  #point(t: number): WorkerTimelinePoint {
    let p = this.#timeline.get(t);
    if (p === undefined) {
      p = { t, delivered: 0, requests: 0, cpuPercent: 0 };
      this.#timeline.set(t, p);
    }
    return p;
  }

  /** A delivery received at `nowMs` (epoch ms), counted in its second of the timeline. */
  delivered(nowMs: number): void {
    this.#point(Math.floor((nowMs - this.#plan.windowStartMs) / 1000)).delivered++;
  }

  start(timers: Timers): void {
    const plan = this.#plan;
    timers.at(plan.windowStartMs, () => {
      this.#requestsAtStart = this.#requestsNow();
      this.#bytesAtStart = this.#bytesNow();
      this.#cpuAtStart = process.cpuUsage();
      this.#health.windowStart();
    });
    timers.at(plan.windowEndMs, () => {
      this.#requestsAtEnd = this.#requestsNow();
      this.#bytesAtEnd = this.#bytesNow();
      const cpu = process.cpuUsage(this.#cpuAtStart);
      this.#cpuWindow = ((cpu.user + cpu.system) / 1000 / (plan.windowEndMs - plan.windowStartMs)) * 100;
      this.#health.windowEnd();
    });
    this.#startTicker(timers);
  }

  /** Once a second, aligned to the window: requests made and CPU used in that second. */
  #startTicker(timers: Timers): void {
    const plan = this.#plan;
    let lastRequests = 0;
    let lastCpu = process.cpuUsage();
    let lastAt = clockMs();
    const tick = (): void => {
      const now = clockMs();
      const t = Math.floor((now - plan.windowStartMs) / 1000 + 1e-6) - 1;
      const requests = this.#requestsNow();
      const cpu = process.cpuUsage(lastCpu);
      const percent = ((cpu.user + cpu.system) / 1000 / Math.max(1, now - lastAt)) * 100;
      const p = this.#point(t);
      p.requests += requests - lastRequests;
      p.cpuPercent = Math.round(percent * 10) / 10;
      // Peak CPU over the window only: connecting hundreds of clients in the warm-up is not the workload.
      if (t >= 0 && now <= plan.windowEndMs + 500) this.#cpuPeak = Math.max(this.#cpuPeak, percent);
      lastRequests = requests;
      lastCpu = process.cpuUsage();
      lastAt = now;
      const next = plan.windowStartMs + (t + 2) * 1000;
      timers.after(Math.max(1, next - clockMs()), tick);
    };
    const firstT = Math.ceil((clockMs() - plan.windowStartMs) / 1000);
    timers.at(plan.windowStartMs + firstT * 1000, () => {
      lastRequests = this.#requestsNow();
      lastCpu = process.cpuUsage();
      lastAt = clockMs();
      timers.after(1000, tick);
    });
  }

  result(): MeterResult {
    const end = this.#bytesAtEnd ?? this.#bytesNow();
    return {
      negativeLatency: this.#health.negativeLatency,
      eventLoopDelay: this.#health.eventLoopDelay(),
      requestsInWindow: (this.#requestsAtEnd ?? this.#requestsNow()) - this.#requestsAtStart,
      bytesInWindow: { sent: end.sent - this.#bytesAtStart.sent, received: end.received - this.#bytesAtStart.received },
      cpuPercentWindow: Math.round(this.#cpuWindow * 10) / 10,
      cpuPercentPeak: Math.round(this.#cpuPeak * 10) / 10,
      timeline: [...this.#timeline.values()].sort((a, b) => a.t - b.t),
    };
  }
}
