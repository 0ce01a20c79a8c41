/**
 * A worker's senders: they fire the open-loop schedule (bench/measure/schedule.ts), each send
 * carrying its *scheduled* time and its lateness, and keep the senders' side of the ledger —
 * acknowledged, failed, still in flight — plus the lag behind the schedule (the sign that the
 * worker, not the server, is the bottleneck).
 */
import type { ChatClient } from '../../../clients/index.ts';
import { createHistogram, encodeHistogram, recordMs } from '../../../results/histogram.ts';
import { encodeMessageText } from '../../measure/accounting.ts';
import { clockMs } from '../../measure/clock.ts';
import { countInWindow, runSchedule, type Scheduled } from '../../measure/schedule.ts';
import { benchClient, senderHoldsConnection } from '../../peers/clients.ts';
import type { WorkerPlan, WorkerResult } from '../worker-protocol.ts';
import type { Problems } from './problems.ts';
import type { Timers } from './timers.ts';
import { trackedWebSocket } from './tracked-web-socket.ts';

/** The senders' part of a worker's result. */
export type SendersResult = Pick<WorkerResult, 'scheduleLag' | 'scheduleLagMaxMs' | 'sentPerRoom' | 'sendErrors' | 'inFlight'> & {
  messages: Pick<WorkerResult['messages'], 'scheduled' | 'acked' | 'failed' | 'unanswered'>;
};

export class Senders {
  readonly #plan: WorkerPlan;
  readonly #problems: Problems;
  readonly clients = new Map<number, ChatClient>();
  /** Per sender, per room: highest k acknowledged (the `p` of the next send). */
  readonly #acked = new Map<number, number[]>();
  readonly sentPerRoom: number[];
  readonly #lag = createHistogram();
  #lagMaxMs = 0;
  sendErrors = 0;
  inFlight = 0;
  scheduleDone = false;
  #stopSchedule: (() => void) | undefined;
  #atDrain: { sent: number; failed: number } | undefined;

  constructor(plan: WorkerPlan, problems: Problems) {
    this.#plan = plan;
    this.#problems = problems;
    this.sentPerRoom = plan.rooms.map(() => 0);
  }

  start(timers: Timers, url: (i: number) => string): void {
    const plan = this.#plan;
    for (const s of plan.senders) {
      this.#acked.set(s, plan.rooms.map(() => -1));
      const client = benchClient(plan.transport, plan.peer, { baseUrl: url(s), nick: `send${s}`, pollIntervalMs: plan.pollIntervalMs, webSocket: trackedWebSocket, ...(plan.headers === undefined ? {} : { headers: plan.headers }) });
      this.clients.set(s, client);
      // Only a sender that holds a connection connects (WebSocket, a peer): an HTTP sender just
      // POSTs; connecting a long-poll client would open a session whose polls would pollute the
      // request count.
      if (senderHoldsConnection(plan.transport, plan.peer)) timers.at(plan.sendersConnectAtMs, () => client.connect().catch((e: unknown) => this.#problems.add(`sender ${s} connect: ${(e as Error).message}`)));
    }
    if (plan.senders.length > 0) {
      this.#stopSchedule = runSchedule(plan.schedule, (s) => this.clients.has(s.sender), (s, now) => this.fire(s, now), clockMs, () => {
        this.scheduleDone = true;
      });
    } else this.scheduleDone = true;
  }

  stop(): void {
    this.#stopSchedule?.();
  }

  fire(s: Scheduled, now: number): void {
    const plan = this.#plan;
    const client = this.clients.get(s.sender);
    if (client === undefined) return;
    const lateMs = now - s.atMs;
    const acked = this.#acked.get(s.sender) as number[];
    const pred = acked[s.room] ?? -1;
    const counted = s.atMs >= plan.windowStartMs && s.atMs < plan.windowEndMs;
    // Lag is judged over the window only: the warm-up's first sends pay for lazy loading.
    if (counted) {
      recordMs(this.#lag, lateMs);
      if (lateMs > this.#lagMaxMs) this.#lagMaxMs = lateMs;
    }
    const text = encodeMessageText({ run: plan.runId, sender: s.sender, k: s.k, pred, lateUs: lateMs * 1000 }, plan.size);
    if (counted) this.inFlight++;
    client.send(plan.rooms[s.room] as string, text, s.atMs).then(
      () => {
        if (s.k > (acked[s.room] ?? -1)) acked[s.room] = s.k;
        if (!counted) return;
        this.inFlight--;
        this.sentPerRoom[s.room] = (this.sentPerRoom[s.room] ?? 0) + 1;
      },
      (error: unknown) => {
        if (!counted) return;
        this.inFlight--;
        this.sendErrors++;
        this.#problems.add(`send of message ${s.k} failed: ${(error as Error).message}`);
      },
    );
  }

  /** Window sends acknowledged so far. */
  sent(): number {
    let sent = 0;
    for (const n of this.sentPerRoom) sent += n;
    return sent;
  }

  /** The drain ended: what is acknowledged now is `sent`; the rest of the window's sends are unanswered. */
  drainEnded(): void {
    this.#atDrain = { sent: this.sent(), failed: this.sendErrors };
  }

  result(): SendersResult {
    const plan = this.#plan;
    // The senders' side, as it stood when the drain ended: every scheduled message of the
    // window is acknowledged, failed, or unanswered (never fired counts as unanswered).
    const window = countInWindow(plan.schedule, plan.windowStartMs, plan.windowEndMs);
    const scheduled = plan.senders.length > 0 ? window.end - window.first : 0;
    const atDrain = this.#atDrain ?? { sent: this.sent(), failed: this.sendErrors };
    return {
      scheduleLag: encodeHistogram(this.#lag),
      scheduleLagMaxMs: Math.round(this.#lagMaxMs * 1000) / 1000,
      sentPerRoom: this.sentPerRoom,
      sendErrors: this.sendErrors,
      inFlight: this.inFlight,
      messages: { scheduled, acked: atDrain.sent, failed: atDrain.failed, unanswered: Math.max(0, scheduled - atDrain.sent - atDrain.failed) },
    };
  }
}
