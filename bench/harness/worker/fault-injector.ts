/**
 * The worker's fault injector (`--faults`, `--restart-server`): every ~faultEveryMs it cuts
 * the connection each joined subscriber is waiting on (bench/harness/worker/faults.ts says what
 * that is per transport) and times each outage to that subscriber's next delivery; on a
 * server restart it times every joined subscriber's outage the same way.
 */
import { sharedAgent } from '../../../clients/node/http.ts';
import { clockMs } from '../../measure/clock.ts';
import { seededRandom } from '../../measure/schedule.ts';
import type { WorkerPlan, WorkerResult } from '../worker-protocol.ts';
import { FAULT_TAIL_MS, RecoveryTracker } from './faults.ts';
import type { Subscriber } from './subscribers.ts';
import type { Timers } from './timers.ts';
import { cutLiveEventSources } from './tracked-event-source.ts';
import { cutLiveWebSockets } from './tracked-web-socket.ts';

/** The fault injector's part of a worker's result. */
export type FaultsPart = Pick<WorkerResult, 'faultsInjected' | 'faults'>;

export class FaultInjector {
  readonly #plan: WorkerPlan;
  readonly #subscribers: readonly Subscriber[];
  #injected = 0;
  /** Outages from cuts and from a server restart, timed to each subscriber's next delivery. */
  readonly #cutRecovery = new RecoveryTracker();
  readonly #restartRecovery = new RecoveryTracker();
  /** When the server restart began (epoch ms), once it has. */
  #restartAtMs: number | undefined;

  constructor(plan: WorkerPlan, subscribers: readonly Subscriber[]) {
    this.#plan = plan;
    this.#subscribers = subscribers;
  }

  /**
   * Cuts at seeded, jittered intervals (0.5–1.5× faultEveryMs) from the window's start. No cut
   * in the window's last FAULT_TAIL_MS: a cut needs a stream after it to recover to.
   */
  start(timers: Timers): void {
    const plan = this.#plan;
    if (plan.faultEveryMs <= 0) return;
    const rnd = seededRandom(plan.seed + plan.id * 7919);
    const next = (): void => {
      const delay = plan.faultEveryMs * (0.5 + rnd());
      timers.after(delay, () => {
        if (clockMs() >= plan.windowEndMs - FAULT_TAIL_MS) return;
        this.#injected++;
        const now = clockMs();
        this.#subscribers.forEach((s, i) => {
          if (s.joinedAtMs === undefined) return;
          this.#cutRecovery.start(i, now);
          s.http?.cut();
        });
        // Idle keep-alive sockets die too: the next request opens a new connection.
        for (const list of Object.values(sharedAgent.freeSockets)) for (const socket of list ?? []) socket.destroy();
        cutLiveWebSockets();
        cutLiveEventSources();
        next();
      });
    };
    timers.at(plan.windowStartMs, next);
  }

  /** The orchestrator is restarting the server: every joined subscriber's outage starts now. */
  serverRestarting(atMs: number): void {
    this.#restartAtMs = atMs;
    this.#subscribers.forEach((s, i) => {
      if (s.joinedAtMs !== undefined) this.#restartRecovery.start(i, atMs);
    });
  }

  /** Subscriber `slot` got a message: its open outages end (a restart's only with a message the fresh server accepted). */
  delivered(slot: number, nowMs: number, messageTs: number): void {
    this.#cutRecovery.delivered(slot, nowMs);
    // Recovered from the restart: a message the fresh server accepted (its ts is past the SIGTERM).
    if (this.#restartAtMs !== undefined && messageTs >= this.#restartAtMs) this.#restartRecovery.delivered(slot, nowMs);
  }

  result(): FaultsPart {
    return {
      faultsInjected: this.#injected,
      ...(this.#plan.faultEveryMs > 0 || this.#restartAtMs !== undefined
        ? {
            faults: {
              cuts: this.#cutRecovery.started,
              recovered: this.#cutRecovery.recovered,
              recovery: this.#cutRecovery.encoded(),
              restartStarted: this.#restartRecovery.started,
              restartRecovered: this.#restartRecovery.recovered,
              restartRecovery: this.#restartRecovery.encoded(),
            },
          }
        : {}),
    };
  }
}
