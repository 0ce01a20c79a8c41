/**
 * A worker's subscribers: each connects at its planned time, joins its room and receives raw
 * deliveries (before the client's de-duplication, stamped on receipt — bench/measure/accounting.ts)
 * into its ledger and the latency histograms, corrected and uncorrected for coordinated
 * omission. Its result is the receive side of the run's message counts.
 */
import type { ChatClient } from '../../../clients/index.ts';
import { NodeHttp } from '../../../clients/node/http.ts';
import type { RawDelivery } from '../../../clients/types.ts';
import { createHistogram, encodeHistogram, recordMs } from '../../../results/histogram.ts';
import { SubscriberLedger, decodeMessageText, scheduledForRoom } from '../../measure/accounting.ts';
import { BatchCounter } from '../../measure/batches.ts';
import { clockMs } from '../../measure/clock.ts';
import { addLateJoin, missedBeforeJoin, type LateJoins } from '../../measure/late-joins.ts';
import type { LoadHealth } from '../../measure/load-health.ts';
import { countInWindow } from '../../measure/schedule.ts';
import { SetupTimes } from '../../measure/setup.ts';
import { benchClient } from '../../peers/clients.ts';
import type { WorkerPlan, WorkerResult } from '../worker-protocol.ts';
import { CuttableHttp } from './faults.ts';
import type { Problems } from './problems.ts';
import type { Timers } from './timers.ts';
import { leanSubscriber } from './lean-clients.ts';
import type { LeanPool } from './lean-http.ts';
import type { ScannedMessage } from './lean-scan.ts';
import type { LeanSink, LeanSubscriber } from './lean-subscriber.ts';
import { trackedEventSource } from './tracked-event-source.ts';
import { trackedWebSocket } from './tracked-web-socket.ts';

export interface Subscriber {
  /** The product's client (faults, restarts, TLS, compression, PUSHLAB_LEAN_CLIENTS=0), or… */
  client?: ChatClient;
  /** …a lean load client putting the same bytes on the wire (lean-clients.ts says when). */
  lean?: LeanSubscriber;
  ledger: SubscriberLedger;
  room: number;
  /** When join() first resolved (clockMs): set = joined; later than the window's start = a late join (bench/measure/late-joins.ts). */
  joinedAtMs?: number;
  /** `--faults` on an HTTP transport: this subscriber's own cuttable requester. */
  http?: CuttableHttp;
}

/** Every delivery, before it is judged: slot, receipt time (epoch ms) and the message's server ts. */
export type OnDelivery = (slot: number, nowMs: number, messageTs: number) => void;

/** The subscribers' part of a worker's result. */
export type SubscribersResult = Pick<WorkerResult, 'latency' | 'latencyUncorrected' | 'batches' | 'connected' | 'lateJoins' | 'subscribers' | 'reconnects' | 'setup'> & {
  messages: Omit<WorkerResult['messages'], 'scheduled' | 'acked' | 'failed' | 'unanswered'>;
};

export class Subscribers implements LeanSink {
  readonly #plan: WorkerPlan;
  readonly #problems: Problems;
  readonly #health: LoadHealth;
  readonly #onDelivery: OnDelivery;
  readonly list: Subscriber[] = [];
  readonly #latency = createHistogram();
  readonly #latencyUncorrected = createHistogram();
  /** Connection setup per subscriber (bench/measure/setup.ts): client start → joined, and → first message. */
  readonly #setup = new SetupTimes();
  /** Messages per response (polling transports: one receipt stamp per response). */
  readonly #batches = new BatchCounter();
  /** Set when the orchestrator says the drain ended: later deliveries are late. */
  drained = false;
  /** The lean clients' keep-alive sockets (one pool per worker, as the product's shared agent). */
  readonly #pool: LeanPool | undefined;
  /** Receipt stamps per slot, for the first-message setup time. */
  readonly #startedAt: number[] = [];
  /** The ledger's view of a message id (only k is read): one object, rewritten per delivery. */
  readonly #id = { run: '', sender: 0, k: 0, pred: 0, lateUs: 0 };

  constructor(plan: WorkerPlan, problems: Problems, health: LoadHealth, onDelivery: OnDelivery, pool?: LeanPool) {
    this.#plan = plan;
    this.#pool = pool;
    this.#problems = problems;
    this.#health = health;
    this.#onDelivery = onDelivery;
  }

  start(timers: Timers, url: (i: number) => string): void {
    const plan = this.#plan;
    for (const sub of plan.subscribers) {
      const entry: Subscriber = { ledger: new SubscriberLedger(), room: sub.index % plan.rooms.length };
      this.list.push(entry);
      timers.at(sub.connectAtMs, () => void this.#connect(entry, sub.index, url(sub.index)));
    }
  }

  async #connect(entry: Subscriber, index: number, baseUrl: string): Promise<void> {
    const plan = this.#plan;
    const room = plan.rooms[index % plan.rooms.length] as string;
    const slot = this.list.indexOf(entry);
    if (this.#pool !== undefined) return this.#connectLean(entry, index, slot, room, baseUrl, this.#pool);
    // Faults: each HTTP subscriber gets its own cuttable requester (same shared keep-alive agent).
    if (plan.faultEveryMs > 0 && plan.transport !== 'websocket' && plan.transport !== 'sse') entry.http = new CuttableHttp(new NodeHttp());
    const client = benchClient(plan.transport, plan.peer, { baseUrl, nick: `sub${index}`, pollIntervalMs: plan.pollIntervalMs, webSocket: trackedWebSocket, eventSource: trackedEventSource, clock: clockMs, ...(plan.headers === undefined ? {} : { headers: plan.headers }), ...(entry.http === undefined ? {} : { http: entry.http }) });
    entry.client = client;
    const startedAt = clockMs();
    // Raw deliveries, before the client's de-duplication, stamped on receipt (bench/measure/accounting.ts).
    client.on('raw', (d) => {
      this.#setup.firstMessage(slot, startedAt);
      this.#receive(entry.ledger, d, slot);
    });
    try {
      await client.connect();
      await client.join(room);
      entry.joinedAtMs = clockMs();
      this.#setup.joined(entry.joinedAtMs - startedAt, { sent: client.stats.bytesSent, received: client.stats.bytesReceived });
    } catch (error) {
      this.#problems.add(`subscriber ${index} could not join ${room}: ${(error as Error).message}`);
    }
  }

  /** A lean client: connect and join, its deliveries come to deliver() as fields. */
  async #connectLean(entry: Subscriber, index: number, slot: number, room: string, baseUrl: string, pool: LeanPool): Promise<void> {
    const plan = this.#plan;
    const lean = leanSubscriber(plan.transport, { baseUrl, nick: `sub${index}`, room, run: plan.runId, slot, pollIntervalMs: plan.pollIntervalMs, ...(plan.headers === undefined ? {} : { headers: plan.headers }), sink: this, clock: clockMs }, pool, plan.peer);
    entry.lean = lean;
    const startedAt = clockMs();
    this.#startedAt[slot] = startedAt;
    try {
      await lean.start();
      entry.joinedAtMs = clockMs();
      this.#setup.joined(entry.joinedAtMs - startedAt, { sent: lean.stats.bytesSent, received: lean.stats.bytesReceived });
    } catch (error) {
      this.#problems.add(`subscriber ${index} could not join ${room}: ${(error as Error).message}`);
    }
  }

  /** A lean client's raw delivery (LeanSink): the same judgement as a product client's. */
  deliver(slot: number, receivedAt: number, m: ScannedMessage): void {
    this.#setup.firstMessage(slot, this.#startedAt[slot] ?? receivedAt);
    const entry = this.list[slot] as Subscriber;
    this.#record(entry.ledger, slot, receivedAt, true, m.seq, m.ts, m.sentAt, m.k, m.lateUs);
  }

  #receive(ledger: SubscriberLedger, delivery: RawDelivery, slot: number): void {
    const { message } = delivery;
    const id = decodeMessageText(message.text);
    const k = id === undefined || id.run !== this.#plan.runId ? -1 : id.k;
    this.#record(ledger, slot, delivery.receivedAt ?? clockMs(), delivery.receivedAt !== undefined, message.seq, message.ts, message.sentAt ?? Number.NaN, k, id?.lateUs ?? 0);
  }

  /** One raw delivery, judged: `k` -1 = not this run's message; `sentAt` NaN = none; `stamped` = a receipt stamp (batches). */
  #record(ledger: SubscriberLedger, slot: number, now: number, stamped: boolean, seq: number, ts: number, sentAt: number, k: number, lateUs: number): void {
    const plan = this.#plan;
    this.#onDelivery(slot, now, ts);
    // NaN fails both comparisons: a message without sentAt is not the bench's.
    if (!(sentAt >= plan.windowStartMs && sentAt < plan.windowEndMs)) return;
    if (k < 0) return;
    const id = this.#id;
    id.k = k;
    if (!ledger.receive(id, seq, this.drained, ts)) return;
    if (stamped && plan.transport !== 'websocket' && plan.transport !== 'sse') this.#batches.record(slot, now);
    if (now < sentAt) {
      // Stamped before it was due: the clocks disagree. Counted (it fails the run), never clamped into the histogram.
      this.#health.negativeLatency++;
      return;
    }
    recordMs(this.#latency, now - sentAt);
    recordMs(this.#latencyUncorrected, now - (sentAt + lateUs / 1000));
  }

  /** Deliveries counted so far (for progress). */
  delivered(): number {
    let delivered = 0;
    for (const s of this.list) delivered += s.ledger.delivered;
    return delivered;
  }

  result(): SubscribersResult {
    const plan = this.#plan;
    const window = countInWindow(plan.schedule, plan.windowStartMs, plan.windowEndMs);
    let connected = 0;
    let reconnects = 0;
    const c = { delivered: 0, late: 0, lost: 0, duplicates: 0, wireDuplicates: 0, outOfOrder: 0, expected: 0, beforeJoin: 0 };
    const lateJoins: LateJoins = { count: 0, maxMs: 0 };
    for (const s of this.list) {
      const l = s.ledger;
      let expected = scheduledForRoom(window, plan.rooms.length, s.room);
      if (addLateJoin(lateJoins, s.joinedAtMs, plan.windowStartMs)) {
        const missed = missedBeforeJoin(plan.schedule, window, s.room, s.joinedAtMs ?? 0, (k) => l.has(k));
        c.beforeJoin += missed;
        expected -= missed;
      }
      c.expected += expected;
      c.delivered += l.delivered;
      c.late += l.late;
      c.lost += l.lostOf(expected);
      c.duplicates += l.duplicates;
      c.wireDuplicates += l.wireDuplicates;
      c.outOfOrder += l.outOfOrder;
      if (s.joinedAtMs !== undefined) connected++;
      reconnects += (s.client ?? s.lean)?.stats.reconnects ?? 0;
    }
    return {
      latency: encodeHistogram(this.#latency),
      latencyUncorrected: encodeHistogram(this.#latencyUncorrected),
      messages: c,
      ...(plan.transport === 'short-polling' || plan.transport === 'long-polling' ? { batches: this.#batches.result() } : {}),
      connected,
      lateJoins,
      subscribers: this.list.length,
      reconnects,
      setup: this.#setup.encoded(),
    };
  }
}
