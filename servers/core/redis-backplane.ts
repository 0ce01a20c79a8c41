/**
 * The Redis backplane: every instance that points at the same Redis shares rooms, seqs and
 * history. One Lua script (redis-scripts.ts) per publish does INCR (the seq) + RPUSH/LTRIM (history,
 * trimmed to historySize) + PUBLISH (fan-out) atomically, so all instances agree on order and
 * every subscriber sees a room's messages in seq order. Fan-out is one PUBLISH per message,
 * whatever the number of subscribers: each instance then serves its own local clients.
 *
 * Keys (the `{room}` hash tag keeps a room's keys in one Redis Cluster slot):
 *   <prefix>{room}:seq      the room's newest seq (INCR)
 *   <prefix>{room}:history  a list of message JSON, oldest first, at most historySize long
 *   <prefix>{room}:m        the room's pub/sub channel (the message JSON)
 *   <prefix>instance:<tag>  a live instance's URL, for long-poll session routing (TTL'd)
 *
 * Redis trouble: commands fail fast while disconnected (no offline queue, in-flight commands
 * rejected on close, never resent: a publish may not run twice) and throw
 * ProtocolError('backplane_unavailable'), which HTTP answers 503 (redis-connection.ts). ioredis
 * reconnects by itself; on reconnect this instance re-subscribes every room and the room
 * sequencer (room-sequencer.ts) replays from history whatever it missed on pub/sub meanwhile,
 * so its local clients miss nothing history still holds. Instance URLs: redis-instances.ts.
 */
import { Redis } from 'ioredis';
import type { ChatMessage } from '../../protocol/types.ts';
import { Envelope } from './envelope.ts';
import { messageId } from './ids.ts';
import type { Backplane, BackplaneListener, BackplaneStatusListener, HistoryResult, MessageDraft } from './backplane.ts';
import { failFast, rethrowUnavailable, unavailable } from './redis-connection.ts';
import { defineScripts, type CommandRedis } from './redis-scripts.ts';
import { RedisInstances } from './redis-instances.ts';
import { RoomSequencer } from './room-sequencer.ts';
import type { InstanceDirectory } from './session-router.ts';

/** Where the backplane reports connects, outages and Redis errors (console by default). */
export interface BackplaneLogger {
  log(line: string): void;
  error(line: string): void;
}

export interface RedisBackplaneOptions {
  /** `redis://[user:pass@]host:port[/db]`. */
  url: string;
  /** Messages kept per room. Default 1000. */
  historySize?: number;
  /** Prefix of every key and channel. Default `pushlab:`. */
  prefix?: string;
  /** Bound on one command's answer, ms. Default 2000. */
  commandTimeoutMs?: number;
  /** Default: console. */
  logger?: BackplaneLogger;
}

export class RedisBackplane implements Backplane, InstanceDirectory {
  readonly kind = 'redis';
  readonly #historySize: number;
  readonly #prefix: string;
  readonly #cmd: CommandRedis;
  readonly #sub: Redis;
  readonly #rooms: RoomSequencer;
  readonly #instances: RedisInstances;
  readonly #log: BackplaneLogger;
  #listener: BackplaneListener = () => {};
  #statusListener: BackplaneStatusListener = () => {};
  #cmdReady = false;
  /** The subscriber is connected and every room re-subscribed. */
  #subReady = false;
  #available = false;
  #closing = false;
  #resyncTimer: NodeJS.Timeout | undefined;
  #resyncing = false;
  readonly #waiters = new Set<() => void>();
  #lastErrorLog = 0;

  constructor(options: RedisBackplaneOptions) {
    this.#historySize = options.historySize ?? 1000;
    this.#prefix = options.prefix ?? 'pushlab:';
    this.#log = options.logger ?? console;
    const common = failFast(options.commandTimeoutMs ?? 2000);
    // Auto-pipelining: commands issued in one tick go out in one write (publish bursts).
    this.#cmd = defineScripts(new Redis(options.url, { ...common, enableAutoPipelining: true, connectionName: 'pushlab-cmd' }));
    this.#instances = new RedisInstances(this.#cmd, this.#prefix);
    this.#rooms = new RoomSequencer({
      source: {
        last: (room) => this.last(room),
        history: (room, after, limit) => this.history(room, after, limit),
        floor: (room, seq) => this.#cmd.pushlabFloor(this.#key(room, 'seq'), this.#key(room, 'history'), seq).then(() => {}, rethrowUnavailable),
      },
      pageSize: this.#historySize,
      dispatch: (envelope) => this.#listener(envelope),
      onCatchUpFailed: () => this.#retryResync(),
    });
    // We re-subscribe ourselves on reconnect so we know when it is done and can catch up.
    this.#sub = new Redis(options.url, { ...common, autoResubscribe: false, connectionName: 'pushlab-sub' });

    this.#cmd.on('ready', () => {
      this.#cmdReady = true;
      this.#resync();
    });
    this.#sub.on('ready', () => this.#resync());
    for (const connection of [this.#cmd, this.#sub]) {
      connection.on('close', () => this.#onDown(connection));
      connection.on('error', (error: Error) => this.#logError(error));
    }
    this.#sub.on('message', (channel: string, json: string) => this.#onMessage(channel, json));
  }

  /** Resolves true once the backplane is up (connected, subscribed, caught up), false after `timeoutMs`. */
  waitUntilAvailable(timeoutMs: number): Promise<boolean> {
    if (this.#available) return Promise.resolve(true);
    return new Promise((resolve) => {
      const waiter = (): void => {
        clearTimeout(timer);
        resolve(true);
      };
      const timer = setTimeout(() => {
        this.#waiters.delete(waiter);
        resolve(false);
      }, timeoutMs);
      timer.unref();
      this.#waiters.add(waiter);
    });
  }

  get available(): boolean {
    return this.#available;
  }

  async publish(room: string, draft: MessageDraft): Promise<Envelope> {
    const ts = Date.now();
    const id = messageId(ts);
    // The JSON is built once here with the seq left out; Redis fills the seq in, stores and
    // publishes it, and every instance wraps that same string in an Envelope unchanged.
    // Key order matches JSON.stringify of the memory backplane's messages.
    const head = `{"room":${JSON.stringify(room)},"seq":`;
    let tail = `,"id":"${id}","from":${JSON.stringify(draft.from)},"text":${JSON.stringify(draft.text)},"ts":${ts}`;
    if (draft.sentAt !== undefined) tail += `,"sentAt":${JSON.stringify(draft.sentAt)}`;
    tail += '}';
    // Not before a reconnect's resync is done: after a Redis restart that lost data, the
    // rooms' seqs must be raised back first, or this publish could reuse one.
    if (!this.#available) throw unavailable(new Error('not connected'));
    let seq: number;
    try {
      seq = await this.#cmd.pushlabPublish(this.#key(room, 'seq'), this.#key(room, 'history'), head, tail, this.#historySize, this.#key(room, 'm'));
    } catch (error) {
      throw unavailable(error);
    }
    const message: ChatMessage = { room, seq, id, from: draft.from, text: draft.text, ts };
    if (draft.sentAt !== undefined) message.sentAt = draft.sentAt;
    return new Envelope(message, head + seq + tail);
  }

  async history(room: string, after: number, limit: number): Promise<HistoryResult> {
    let reply: [number, number, string[]];
    try {
      reply = await this.#cmd.pushlabHistory(this.#key(room, 'seq'), this.#key(room, 'history'), after, limit);
    } catch (error) {
      throw unavailable(error);
    }
    const [last, held, items] = reply;
    const messages = items.map((json) => new Envelope(JSON.parse(json) as ChatMessage, json));
    // The same rule as historyOf() in memory-backplane.ts; the contract suite checks both.
    const oldest = last - held + 1;
    return { messages, last, gap: after < last && held > 0 && after + 1 < oldest };
  }

  async last(room: string): Promise<number> {
    try {
      return Number((await this.#cmd.get(this.#key(room, 'seq'))) ?? 0);
    } catch (error) {
      throw unavailable(error);
    }
  }

  /**
   * Resolves once Redis confirmed the subscription (a join cannot miss a message) and this
   * instance knows the room's newest seq (so it can tell a missed message later).
   * Idempotent: a second call shares the first one's promise.
   */
  subscribe(room: string): Promise<void> {
    return this.#rooms.subscribe(room, () => this.#sub.subscribe(this.#key(room, 'm')).then(() => {}, rethrowUnavailable));
  }

  async unsubscribe(room: string): Promise<void> {
    if (!this.#rooms.unsubscribe(room)) return;
    // While disconnected there is nothing to undo: the subscription died with the connection.
    if (this.#sub.status === 'ready') await this.#sub.unsubscribe(this.#key(room, 'm')).catch(() => {});
  }

  setListener(listener: BackplaneListener): void {
    this.#listener = listener;
  }

  setStatusListener(listener: BackplaneStatusListener): void {
    this.#statusListener = listener;
  }

  // InstanceDirectory: where each instance's long-poll sessions live.

  registerInstance(tag: string, url: string, ttlMs: number): Promise<void> {
    return this.#instances.registerInstance(tag, url, ttlMs);
  }

  lookupInstance(tag: string): Promise<string | undefined> {
    return this.#instances.lookupInstance(tag);
  }

  unregisterInstance(tag: string): Promise<void> {
    return this.#instances.unregisterInstance(tag);
  }

  async close(): Promise<void> {
    this.#closing = true;
    if (this.#resyncTimer !== undefined) clearTimeout(this.#resyncTimer);
    await Promise.all([this.#cmd, this.#sub].map((c) => (c.status === 'ready' ? c.quit().then(() => {}, () => c.disconnect()) : Promise.resolve(c.disconnect()))));
  }

  #key(room: string, what: 'seq' | 'history' | 'm'): string {
    return `${this.#prefix}{${room}}:${what}`;
  }

  #onMessage(channel: string, json: string): void {
    // Channel = <prefix>{room}:m
    const room = channel.slice(this.#prefix.length + 1, -3);
    let envelope: Envelope;
    try {
      envelope = new Envelope(JSON.parse(json) as ChatMessage, json);
    } catch {
      return;
    }
    this.#rooms.receive(room, envelope);
  }

  #onDown(connection: Redis): void {
    if (connection === this.#cmd) this.#cmdReady = false;
    else this.#subReady = false;
    this.#setAvailable(false);
  }

  /**
   * After (re)connecting: subscribe every room again, catch each one up from history, then
   * report the backplane up. Retried every 500 ms until it succeeds while both connections are up.
   */
  #resync(): void {
    if (this.#closing || this.#resyncTimer !== undefined || this.#resyncing) return;
    if (!this.#cmdReady || this.#sub.status !== 'ready') return;
    this.#resyncing = true;
    (async () => {
      if (!this.#subReady) {
        const rooms = this.#rooms.rooms();
        this.#rooms.pauseAll();
        if (rooms.length > 0) await this.#sub.subscribe(...rooms.map((room) => this.#key(room, 'm')));
        this.#subReady = true;
      }
      // Publishing waits for this: after a Redis restart that lost data, a room's seq is
      // raised back to what this instance has seen before anyone may publish again.
      await this.#rooms.resync();
      this.#setAvailable(this.#cmdReady && this.#subReady);
    })().then(
      () => {
        this.#resyncing = false;
      },
      (error: unknown) => {
        this.#resyncing = false;
        this.#logError(error as Error);
        this.#retryResync();
      },
    );
  }

  #retryResync(): void {
    if (this.#closing || this.#resyncTimer !== undefined) return;
    this.#resyncTimer = setTimeout(() => {
      this.#resyncTimer = undefined;
      this.#resync();
    }, 500);
    this.#resyncTimer.unref();
  }

  #setAvailable(available: boolean): void {
    if (this.#closing || available === this.#available) return;
    this.#available = available;
    if (available) this.#log.log('pushlab: redis backplane connected');
    else this.#log.error('pushlab: redis backplane unavailable; publishing answers 503 backplane_unavailable until it returns');
    this.#statusListener(available);
    if (available) {
      for (const waiter of this.#waiters) waiter();
      this.#waiters.clear();
    }
  }

  #logError(error: Error): void {
    // One line per 5 s at most: a down Redis fails every reconnect attempt.
    const now = Date.now();
    if (this.#closing || now - this.#lastErrorLog < 5000) return;
    this.#lastErrorLog = now;
    this.#log.error(`pushlab: redis: ${error.message}`);
  }
}
