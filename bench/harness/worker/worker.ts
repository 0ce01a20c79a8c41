/**
 * A load worker process (forked by the orchestrator, IPC): runs some subscribers and/or the
 * senders of one run with the project's own Node clients (`createClient`), so the bench
 * measures the transports through the same client code every user gets. It records
 * delivery latency into HDR histograms and sends them back encoded; it also watches itself
 * (CPU, lag behind the send schedule) so the harness can tell when it, not the server, is
 * the bottleneck.
 */
import type { ChatClient } from '../../../clients/index.ts';
import { NodeHttp, sharedAgent } from '../../../clients/node/http.ts';
import { nodeWebSocket, nodeWebSocketFactory } from '../../../clients/node/websocket.ts';
import type { WebSocketFactory, WebSocketLike } from '../../../clients/platform.ts';
import type WebSocket from 'ws';
import type { RawDelivery } from '../../../clients/types.ts';
import { SubscriberLedger, decodeMessageText, encodeMessageText, scheduledForRoom } from '../../measure/accounting.ts';
import { LoadHealth } from '../../measure/load-health.ts';
import { BatchCounter } from '../../measure/batches.ts';
import { benchClient, senderHoldsConnection } from '../../peers/clients.ts';
import { clockMs } from '../../measure/clock.ts';
import { CuttableHttp, FAULT_TAIL_MS, RecoveryTracker } from './faults.ts';
import { cutLiveEventSources, trackedEventSource } from './tracked-event-source.ts';
import { createHistogram, encodeHistogram, recordMs } from '../../../results/histogram.ts';
import { countInWindow, runSchedule, seededRandom, type Scheduled } from '../../measure/schedule.ts';
import { SetupTimes } from '../../measure/setup.ts';
import { addLateJoin, missedBeforeJoin, type LateJoins } from '../../measure/late-joins.ts';
import type { FromWorker, ToWorker, WorkerPlan, WorkerResult, WorkerTimelinePoint } from '../worker-protocol.ts';

const MAX_PROBLEMS = 10;

/**
 * The Node WebSocket factory, wrapped only to keep hold of live sockets so `--faults` can
 * cut them (terminate = the TCP connection dies without a close handshake).
 */
const liveSockets = new Set<WebSocketLike>();
/** `--compression`: the clients offer permessage-deflate, as browsers do (set from the plan). */
let compressing = false;
const deflatingWebSocket = nodeWebSocketFactory(true);
const trackedWebSocket: WebSocketFactory = {
  open(url, headers) {
    const ws = (compressing ? deflatingWebSocket : nodeWebSocket).open(url, headers);
    liveSockets.add(ws);
    (ws as unknown as WebSocket).once('close', () => liveSockets.delete(ws));
    return ws;
  },
  wireBytes: (socket) => nodeWebSocket.wireBytes?.(socket),
};

function send(message: FromWorker): void {
  process.send?.(message);
}

class LoadWorker {
  readonly plan: WorkerPlan;
  readonly latency = createHistogram();
  readonly latencyUncorrected = createHistogram();
  readonly lag = createHistogram();
  /** Connection setup per subscriber (bench/measure/setup.ts): client start → joined, and → first message. */
  readonly setup = new SetupTimes();
  lagMaxMs = 0;
  /** joinedAtMs: when join() first resolved (clockMs), for late joins (bench/measure/late-joins.ts). */
  readonly subscribers: { client?: ChatClient; ledger: SubscriberLedger; room: number; joined: boolean; joinedAtMs?: number; http?: CuttableHttp }[] = [];
  readonly health = new LoadHealth();
  /** Messages per response (polling transports: one receipt stamp per response). */
  readonly batches = new BatchCounter();
  /** Set when the orchestrator says the drain ended: later deliveries are late, sends still out unanswered. */
  drained = false;
  #atDrain: { sent: number; failed: number } | undefined;
  readonly senders = new Map<number, ChatClient>();
  /** Per sender, per room: highest k acknowledged (the `p` of the next send). */
  readonly acked = new Map<number, number[]>();
  readonly sentPerRoom: number[];
  sendErrors = 0;
  inFlight = 0;
  scheduleDone = false;
  readonly problems: string[] = [];
  readonly timeline = new Map<number, WorkerTimelinePoint>();
  #timers: ReturnType<typeof setTimeout>[] = [];
  #stopSchedule: (() => void) | undefined;
  #requestsAtStart = 0;
  #requestsAtEnd: number | undefined;
  #bytesAtStart = { sent: 0, received: 0 };
  #bytesAtEnd: { sent: number; received: number } | undefined;
  #cpuAtStart = process.cpuUsage();
  #cpuWindow = 0;
  #cpuPeak = 0;
  faultsInjected = 0;
  /** Outages from cuts and from a server restart, timed to each subscriber's next delivery. */
  readonly cutRecovery = new RecoveryTracker();
  readonly restartRecovery = new RecoveryTracker();
  /** When the server restart began (epoch ms), once it has. */
  #restartAtMs: number | undefined;

  constructor(plan: WorkerPlan) {
    this.plan = plan;
    this.sentPerRoom = plan.rooms.map(() => 0);
  }

  problem(text: string): void {
    if (this.problems.length < MAX_PROBLEMS) this.problems.push(text);
  }

  get clients(): ChatClient[] {
    const list: ChatClient[] = [];
    for (const s of this.subscribers) if (s.client !== undefined) list.push(s.client);
    for (const c of this.senders.values()) list.push(c);
    return list;
  }

  requestsNow(): number {
    let n = 0;
    for (const c of this.clients) n += c.stats.requests;
    return n;
  }

  bytesNow(): { sent: number; received: number } {
    let sent = 0;
    let received = 0;
    for (const c of this.clients) {
      const s = c.stats;
      sent += s.bytesSent;
      received += s.bytesReceived;
    }
    return { sent, received };
  }

  point(t: number): WorkerTimelinePoint {
    let p = this.timeline.get(t);
    if (p === undefined) {
      p = { t, delivered: 0, requests: 0, cpuPercent: 0 };
      this.timeline.set(t, p);
    }
    return p;
  }

  start(): void {
    const { plan } = this;
    const url = (i: number): string => plan.baseUrls[i % plan.baseUrls.length] as string;
    for (const sub of plan.subscribers) {
      const entry: (typeof this.subscribers)[number] = { ledger: new SubscriberLedger(), room: sub.index % plan.rooms.length, joined: false };
      this.subscribers.push(entry);
      this.at(sub.connectAtMs, () => void this.connectSubscriber(entry, sub.index, url(sub.index)));
    }
    for (const s of plan.senders) {
      this.acked.set(s, plan.rooms.map(() => -1));
      const client = benchClient(plan.transport, plan.peer, { baseUrl: url(s), nick: `send${s}`, pollIntervalMs: plan.pollIntervalMs, webSocket: trackedWebSocket, ...(plan.headers === undefined ? {} : { headers: plan.headers }) });
      this.senders.set(s, client);
      // Only a sender that holds a connection connects (WebSocket, a peer): an HTTP sender just
      // POSTs; connecting a long-poll client would open a session whose polls would pollute the
      // request count.
      if (senderHoldsConnection(plan.transport, plan.peer)) this.at(plan.sendersConnectAtMs, () => client.connect().catch((e: unknown) => this.problem(`sender ${s} connect: ${(e as Error).message}`)));
    }
    if (plan.senders.length > 0) {
      this.#stopSchedule = runSchedule(plan.schedule, (s) => this.senders.has(s.sender), (s, now) => this.fire(s, now), clockMs, () => {
        this.scheduleDone = true;
      });
    } else this.scheduleDone = true;
    this.at(plan.windowStartMs, () => {
      this.#requestsAtStart = this.requestsNow();
      this.#bytesAtStart = this.bytesNow();
      this.#cpuAtStart = process.cpuUsage();
      this.health.windowStart();
    });
    this.at(plan.windowEndMs, () => {
      this.#requestsAtEnd = this.requestsNow();
      this.#bytesAtEnd = this.bytesNow();
      const cpu = process.cpuUsage(this.#cpuAtStart);
      this.#cpuWindow = ((cpu.user + cpu.system) / 1000 / (plan.windowEndMs - plan.windowStartMs)) * 100;
      this.health.windowEnd();
    });
    this.startTicker();
    if (plan.faultEveryMs > 0) this.startFaults();
  }

  at(timeMs: number, fn: () => void): void {
    this.#timers.push(setTimeout(fn, Math.max(0, timeMs - clockMs())));
  }

  /** Once a second, aligned to the window: requests made and CPU used in that second. */
  startTicker(): void {
    const { plan } = this;
    let lastRequests = 0;
    let lastCpu = process.cpuUsage();
    let lastAt = clockMs();
    const tick = (): void => {
      const now = clockMs();
      const t = Math.floor((now - plan.windowStartMs) / 1000 + 1e-6) - 1;
      const requests = this.requestsNow();
      const cpu = process.cpuUsage(lastCpu);
      const percent = ((cpu.user + cpu.system) / 1000 / Math.max(1, now - lastAt)) * 100;
      const p = this.point(t);
      p.requests += requests - lastRequests;
      p.cpuPercent = Math.round(percent * 10) / 10;
      // Peak CPU over the window only: connecting hundreds of clients in the warm-up is not the workload.
      if (t >= 0 && now <= plan.windowEndMs + 500) this.#cpuPeak = Math.max(this.#cpuPeak, percent);
      lastRequests = requests;
      lastCpu = process.cpuUsage();
      lastAt = now;
      const next = plan.windowStartMs + (t + 2) * 1000;
      this.#timers.push(setTimeout(tick, Math.max(1, next - clockMs())));
    };
    const firstT = Math.ceil((clockMs() - plan.windowStartMs) / 1000);
    this.#timers.push(setTimeout(() => {
      lastRequests = this.requestsNow();
      lastCpu = process.cpuUsage();
      lastAt = clockMs();
      this.#timers.push(setTimeout(tick, 1000));
    }, Math.max(0, plan.windowStartMs + firstT * 1000 - clockMs())));
  }

  /**
   * Faults: every ~faultEveryMs (seeded jitter, 0.5–1.5×), cut the connection every joined
   * subscriber of this worker is waiting on (bench/harness/worker/faults.ts says what that is per transport)
   * and start timing its recovery. No cut in the window's last FAULT_TAIL_MS: a cut needs a
   * stream after it to recover to.
   */
  startFaults(): void {
    const { plan } = this;
    const rnd = seededRandom(plan.seed + plan.id * 7919);
    const next = (): void => {
      const delay = plan.faultEveryMs * (0.5 + rnd());
      this.#timers.push(setTimeout(() => {
        if (clockMs() >= plan.windowEndMs - FAULT_TAIL_MS) return;
        this.faultsInjected++;
        const now = clockMs();
        this.subscribers.forEach((s, i) => {
          if (!s.joined) return;
          this.cutRecovery.start(i, now);
          s.http?.cut();
        });
        // Idle keep-alive sockets die too: the next request opens a new connection.
        for (const list of Object.values(sharedAgent.freeSockets)) for (const socket of list ?? []) socket.destroy();
        for (const ws of liveSockets) (ws as unknown as WebSocket).terminate();
        cutLiveEventSources();
        next();
      }, delay));
    };
    this.at(plan.windowStartMs, next);
  }

  /** The orchestrator is restarting the server: every joined subscriber's outage starts now. */
  serverRestarting(atMs: number): void {
    this.#restartAtMs = atMs;
    this.subscribers.forEach((s, i) => {
      if (s.joined) this.restartRecovery.start(i, atMs);
    });
  }

  async connectSubscriber(entry: (typeof this.subscribers)[number], index: number, baseUrl: string): Promise<void> {
    const { plan } = this;
    const room = plan.rooms[index % plan.rooms.length] as string;
    // Faults: each HTTP subscriber gets its own cuttable requester (same shared keep-alive agent).
    if (plan.faultEveryMs > 0 && plan.transport !== 'websocket' && plan.transport !== 'sse') entry.http = new CuttableHttp(new NodeHttp());
    const client = benchClient(plan.transport, plan.peer, { baseUrl, nick: `sub${index}`, pollIntervalMs: plan.pollIntervalMs, webSocket: trackedWebSocket, eventSource: trackedEventSource, clock: clockMs, ...(plan.headers === undefined ? {} : { headers: plan.headers }), ...(entry.http === undefined ? {} : { http: entry.http }) });
    entry.client = client;
    const slot = this.subscribers.indexOf(entry);
    const startedAt = clockMs();
    // Raw deliveries, before the client's de-duplication, stamped on receipt (bench/measure/accounting.ts).
    client.on('raw', (d) => {
      this.setup.firstMessage(slot, startedAt);
      this.receive(entry.ledger, d, slot);
    });
    try {
      await client.connect();
      await client.join(room);
      entry.joined = true;
      entry.joinedAtMs = clockMs();
      this.setup.joined(entry.joinedAtMs - startedAt, { sent: client.stats.bytesSent, received: client.stats.bytesReceived });
    } catch (error) {
      this.problem(`subscriber ${index} could not join ${room}: ${(error as Error).message}`);
    }
  }

  receive(ledger: SubscriberLedger, delivery: RawDelivery, slot: number): void {
    const { message } = delivery;
    const now = delivery.receivedAt ?? clockMs();
    const { plan } = this;
    this.cutRecovery.delivered(slot, now);
    // Recovered from the restart: a message the fresh server accepted (its ts is past the SIGTERM).
    if (this.#restartAtMs !== undefined && message.ts >= this.#restartAtMs) this.restartRecovery.delivered(slot, now);
    this.point(Math.floor((now - plan.windowStartMs) / 1000)).delivered++;
    const sentAt = message.sentAt;
    if (sentAt === undefined || sentAt < plan.windowStartMs || sentAt >= plan.windowEndMs) return;
    const id = decodeMessageText(message.text);
    if (id === undefined || id.run !== plan.runId) return;
    if (!ledger.receive(id, message.seq, this.drained, message.ts)) return;
    if (delivery.receivedAt !== undefined && plan.transport !== 'websocket' && plan.transport !== 'sse') this.batches.record(slot, delivery.receivedAt);
    if (now < sentAt) {
      // Stamped before it was due: the clocks disagree. Counted (it fails the run), never clamped into the histogram.
      this.health.negativeLatency++;
      return;
    }
    recordMs(this.latency, now - sentAt);
    recordMs(this.latencyUncorrected, now - (sentAt + id.lateUs / 1000));
  }

  fire(s: Scheduled, now: number): void {
    const { plan } = this;
    const client = this.senders.get(s.sender);
    if (client === undefined) return;
    const lateMs = now - s.atMs;
    const acked = this.acked.get(s.sender) as number[];
    const pred = acked[s.room] ?? -1;
    const counted = s.atMs >= plan.windowStartMs && s.atMs < plan.windowEndMs;
    // Lag is judged over the window only: the warm-up's first sends pay for lazy loading.
    if (counted) {
      recordMs(this.lag, lateMs);
      if (lateMs > this.lagMaxMs) this.lagMaxMs = lateMs;
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
        this.problem(`send of message ${s.k} failed: ${(error as Error).message}`);
      },
    );
  }

  progress(): FromWorker {
    let delivered = 0;
    for (const s of this.subscribers) delivered += s.ledger.delivered;
    let sent = 0;
    for (const n of this.sentPerRoom) sent += n;
    return { type: 'progress', delivered, sent, inFlight: this.inFlight, done: this.scheduleDone };
  }

  /** The drain ended: what is acknowledged now is `sent`; the rest of the window's sends are unanswered. */
  drainEnded(): void {
    this.drained = true;
    let sent = 0;
    for (const n of this.sentPerRoom) sent += n;
    this.#atDrain = { sent, failed: this.sendErrors };
  }

  result(): WorkerResult {
    this.#stopSchedule?.();
    for (const t of this.#timers) clearTimeout(t);
    const { plan } = this;
    const window = countInWindow(plan.schedule, plan.windowStartMs, plan.windowEndMs);
    let connected = 0;
    let reconnects = 0;
    const c = { delivered: 0, late: 0, lost: 0, duplicates: 0, wireDuplicates: 0, outOfOrder: 0, expected: 0, beforeJoin: 0 };
    const lateJoins: LateJoins = { count: 0, maxMs: 0 };
    for (const s of this.subscribers) {
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
      if (s.joined) connected++;
      if (s.client !== undefined) reconnects += s.client.stats.reconnects;
    }
    // The senders' side, as it stood when the drain ended: every scheduled message of the
    // window is acknowledged, failed, or unanswered (never fired counts as unanswered).
    const scheduled = plan.senders.length > 0 ? window.end - window.first : 0;
    let ackedNow = 0;
    for (const n of this.sentPerRoom) ackedNow += n;
    const atDrain = this.#atDrain ?? { sent: ackedNow, failed: this.sendErrors };
    const end = this.#bytesAtEnd ?? this.bytesNow();
    return {
      id: this.plan.id,
      latency: encodeHistogram(this.latency),
      latencyUncorrected: encodeHistogram(this.latencyUncorrected),
      scheduleLag: encodeHistogram(this.lag),
      scheduleLagMaxMs: Math.round(this.lagMaxMs * 1000) / 1000,
      sentPerRoom: this.sentPerRoom,
      sendErrors: this.sendErrors,
      inFlight: this.inFlight,
      messages: { scheduled, acked: atDrain.sent, failed: atDrain.failed, unanswered: Math.max(0, scheduled - atDrain.sent - atDrain.failed), ...c },
      negativeLatency: this.health.negativeLatency,
      ...(plan.transport === 'short-polling' || plan.transport === 'long-polling' ? { batches: this.batches.result() } : {}),
      eventLoopDelay: this.health.eventLoopDelay(),
      connected,
      lateJoins,
      subscribers: this.subscribers.length,
      reconnects,
      requestsInWindow: (this.#requestsAtEnd ?? this.requestsNow()) - this.#requestsAtStart,
      bytesInWindow: { sent: end.sent - this.#bytesAtStart.sent, received: end.received - this.#bytesAtStart.received },
      cpuPercentWindow: Math.round(this.#cpuWindow * 10) / 10,
      cpuPercentPeak: Math.round(this.#cpuPeak * 10) / 10,
      timeline: [...this.timeline.values()].sort((a, b) => a.t - b.t),
      faultsInjected: this.faultsInjected,
      setup: this.setup.encoded(),
      ...(this.plan.faultEveryMs > 0 || this.#restartAtMs !== undefined
        ? {
            faults: {
              cuts: this.cutRecovery.started,
              recovered: this.cutRecovery.recovered,
              recovery: this.cutRecovery.encoded(),
              restartStarted: this.restartRecovery.started,
              restartRecovered: this.restartRecovery.recovered,
              restartRecovery: this.restartRecovery.encoded(),
            },
          }
        : {}),
      problems: this.problems,
    };
  }
}

let worker: LoadWorker | undefined;

process.on('message', (message: ToWorker) => {
  try {
    switch (message.type) {
      case 'plan':
        compressing = message.plan.compression === true;
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
