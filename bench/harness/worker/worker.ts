/**
 * A load worker process (forked by the orchestrator, IPC: ../worker-protocol.ts): runs some
 * subscribers and/or the senders of one run — the senders with the project's own Node clients
 * (`createClient`), the subscribers with lean load clients that put the same bytes on the wire
 * at a fraction of the CPU (lean-clients.ts; the product clients where those cannot go). The subscribers record delivery latency into HDR histograms, sent back encoded;
 * the meter watches the worker itself (CPU, event-loop delay) and the senders their lag behind
 * the schedule, so the harness can tell when the load side, not the server, is the bottleneck.
 */
import type { ClientStats } from '../../../clients/index.ts';
import { LoadHealth } from '../../measure/load-health.ts';
import type { FromWorker, ToWorker, WorkerPlan, WorkerResult } from '../worker-protocol.ts';
import { FaultInjector } from './fault-injector.ts';
import { LeanPool } from './lean-http.ts';
import { Meter } from './meter.ts';
import { Problems } from './problems.ts';
import { profileWindow } from './profile.ts';
import { Senders } from './senders.ts';
import { Subscribers } from './subscribers.ts';
import { Timers } from './timers.ts';
import { setCompression } from './tracked-web-socket.ts';

function send(message: FromWorker): void {
  process.send?.(message);
}

class LoadWorker {
  readonly #plan: WorkerPlan;
  readonly #timers = new Timers();
  readonly #problems = new Problems();
  readonly #health = new LoadHealth();
  readonly #senders: Senders;
  readonly #subscribers: Subscribers;
  readonly #meter: Meter;
  readonly #faults: FaultInjector;

  constructor(plan: WorkerPlan) {
    this.#plan = plan;
    this.#senders = new Senders(plan, this.#problems);
    this.#subscribers = new Subscribers(
      plan,
      this.#problems,
      this.#health,
      (slot, now, ts) => {
        this.#faults.delivered(slot, now, ts);
        this.#meter.delivered(now);
      },
      plan.lean === true ? new LeanPool() : undefined,
    );
    this.#meter = new Meter(plan, this.#health, () => this.#clients());
    this.#faults = new FaultInjector(plan, this.#subscribers.list);
  }

  #clients(): { stats: ClientStats }[] {
    const list: { stats: ClientStats }[] = [];
    for (const s of this.#subscribers.list) {
      const c = s.client ?? s.lean;
      if (c !== undefined) list.push(c);
    }
    for (const c of this.#senders.clients.values()) list.push(c);
    return list;
  }

  start(): void {
    const plan = this.#plan;
    const url = (i: number): string => plan.baseUrls[i % plan.baseUrls.length] as string;
    this.#subscribers.start(this.#timers, url);
    this.#senders.start(this.#timers, url);
    this.#meter.start(this.#timers);
    this.#faults.start(this.#timers);
    profileWindow(plan, this.#timers);
  }

  serverRestarting(atMs: number): void {
    this.#faults.serverRestarting(atMs);
  }

  progress(): FromWorker {
    return { type: 'progress', delivered: this.#subscribers.delivered(), sent: this.#senders.sent(), inFlight: this.#senders.inFlight, done: this.#senders.scheduleDone };
  }

  /** The drain ended: later deliveries are late; sends still out are unanswered. */
  drainEnded(): void {
    this.#subscribers.drained = true;
    this.#senders.drainEnded();
  }

  result(): WorkerResult {
    this.#senders.stop();
    this.#timers.clear();
    const senders = this.#senders.result();
    const subscribers = this.#subscribers.result();
    return {
      id: this.#plan.id,
      ...senders,
      ...subscribers,
      messages: { ...senders.messages, ...subscribers.messages },
      ...this.#meter.result(),
      ...this.#faults.result(),
      problems: this.#problems.list,
    };
  }
}

let worker: LoadWorker | undefined;

process.on('message', (message: ToWorker) => {
  try {
    switch (message.type) {
      case 'plan':
        setCompression(message.plan.compression === true);
        worker = new LoadWorker(message.plan);
        worker.start();
        return;
      case 'progress':
        if (worker !== undefined) send(worker.progress());
        return;
      case 'restart':
        worker?.serverRestarting(message.atMs);
        return;
      case 'drained':
        worker?.drainEnded();
        return;
      case 'finish':
        if (worker !== undefined) send({ type: 'result', result: worker.result() });
        // No graceful close: the server is stopped next, and closing thousands of clients
        // one by one would only slow the bench down. Exit once the result is flushed.
        setTimeout(() => process.exit(0), 50);
        return;
    }
  } catch (error) {
    send({ type: 'fatal', error: (error as Error).stack ?? String(error) });
  }
});
// The orchestrator went away: don't linger.
process.on('disconnect', () => process.exit(0));
process.on('uncaughtException', (error) => {
  send({ type: 'fatal', error: error.stack ?? String(error) });
  setTimeout(() => process.exit(1), 50);
});
send({ type: 'ready' });
