/**
 * The Redis backplane: every instance that points at the same Redis shares rooms, seqs and
 * history (issue 7). One Lua script per publish does INCR (the seq) + RPUSH/LTRIM (history,
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
 * ProtocolError('backplane_unavailable'), which HTTP answers 503. ioredis reconnects by itself;
 * on reconnect this instance re-subscribes every room and replays from history whatever it
 * missed on pub/sub meanwhile, so its local clients miss nothing history still holds.
 */
import { Redis } from 'ioredis';
import { ProtocolError } from '../../protocol/errors.ts';
import type { ChatMessage } from '../../protocol/types.ts';
import { Envelope } from './envelope.ts';
import { messageId } from './ids.ts';
import type { Backplane, BackplaneListener, BackplaneStatusListener, HistoryResult, MessageDraft } from './backplane.ts';
import type { InstanceDirectory } from './session-router.ts';

/** KEYS: seq, history. ARGV: json head, json tail, historySize, channel. Returns the seq. */
const PUBLISH_LUA = `
local seq = redis.call('INCR', KEYS[1])
local json = ARGV[1] .. seq .. ARGV[2]
redis.call('RPUSH', KEYS[2], json)
redis.call('LTRIM', KEYS[2], -tonumber(ARGV[3]), -1)
redis.call('PUBLISH', ARGV[4], json)
return seq
`;

/**
 * KEYS: seq, history. ARGV: after, limit. Returns { last, held, messages }. The list holds
 * seqs last-held+1 … last (contiguous: the publish script appends them in INCR order).
 */
const HISTORY_LUA = `
local last = tonumber(redis.call('GET', KEYS[1]) or '0')
local held = redis.call('LLEN', KEYS[2])
local after = tonumber(ARGV[1])
local limit = tonumber(ARGV[2])
if held == 0 or limit <= 0 then return {last, held, {}} end
local oldest = last - held + 1
local from = math.max(after + 1, oldest)
local to = math.min(last, from + limit - 1)
if from > to then return {last, held, {}} end
return {last, held, redis.call('LRANGE', KEYS[2], from - oldest, to - oldest)}
`;

/**
 * KEYS: seq, history. ARGV: floor. When Redis lost its data (restarted without persistence)
 * a room's seq would start again at 1 and be reused; an instance that already dispatched seq
 * N raises it back to N first. Anything published in between reused seqs: dropped.
 */
const FLOOR_LUA = `
local cur = tonumber(redis.call('GET', KEYS[1]) or '0')
local floor = tonumber(ARGV[1])
if cur >= floor then return cur end
redis.call('DEL', KEYS[2])
redis.call('SET', KEYS[1], floor)
return floor
`;

interface PushlabCommands {
  pushlabPublish(seqKey: string, historyKey: string, head: string, tail: string, historySize: number, channel: string): Promise<number>;
  pushlabHistory(seqKey: string, historyKey: string, after: number, limit: number): Promise<[number, number, string[]]>;
  pushlabFloor(seqKey: string, historyKey: string, floor: number): Promise<number>;
}

type CommandRedis = Redis & PushlabCommands;

/** This instance's view of one subscribed room. */
interface RoomState {
  /** Newest seq dispatched to the listener; undefined until the subscription has a baseline. */
  last: number | undefined;
  /** Set while catching up from history: live messages wait here, then are flushed in order. */
  buffer: Envelope[] | undefined;
  /** Resolves once Redis confirmed the subscription and the baseline is known. */
  ready: Promise<void>;
  /** The catch-up under way, if any (one at a time per room). */
  catching: Promise<void> | undefined;
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
}

/** Read through a function so the compiler does not keep a narrowing across calls that change it. */
function bufferOf(state: RoomState): Envelope[] | undefined {
  return state.buffer;
}

/** Reconnect delay: 50 ms, growing to 1 s at most (Redis back within a second is back for us). */
function retryStrategy(times: number): number {
  return Math.min(50 * times, 1000);
}

export class RedisBackplane implements Backplane, InstanceDirectory {
  readonly kind = 'redis';
  readonly #historySize: number;
  readonly #prefix: string;
  readonly #cmd: CommandRedis;
  readonly #sub: Redis;
  readonly #rooms = new Map<string, RoomState>();
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
    const common = {
      // Fail fast while disconnected; a caller gets backplane_unavailable at once.
      enableOfflineQueue: false,
      // Reject in-flight commands when the connection drops, and never resend them: a
      // publish script that may already have run must not run twice.
      maxRetriesPerRequest: 0,
      autoResendUnfulfilledCommands: false,
      commandTimeout: options.commandTimeoutMs ?? 2000,
      retryStrategy,
      connectTimeout: 2000,
    };
    // Auto-pipelining: commands issued in one tick go out in one write (publish bursts).
    this.#cmd = new Redis(options.url, { ...common, enableAutoPipelining: true, connectionName: 'pushlab-cmd' }) as CommandRedis;
    this.#cmd.defineCommand('pushlabPublish', { numberOfKeys: 2, lua: PUBLISH_LUA });
    this.#cmd.defineCommand('pushlabHistory', { numberOfKeys: 2, lua: HISTORY_LUA, readOnly: true });
    this.#cmd.defineCommand('pushlabFloor', { numberOfKeys: 2, lua: FLOOR_LUA });
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
    if (!this.#available) throw this.#unavailable(new Error('not connected'));
    let seq: number;
    try {
      seq = await this.#cmd.pushlabPublish(this.#key(room, 'seq'), this.#key(room, 'history'), head, tail, this.#historySize, this.#key(room, 'm'));
    } catch (error) {
      throw this.#unavailable(error);
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
      throw this.#unavailable(error);
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
      throw this.#unavailable(error);
    }
  }

  /**
   * Resolves once Redis confirmed the subscription (a join cannot miss a message) and this
   * instance knows the room's newest seq (so it can tell a missed message later).
   * Idempotent: a second call shares the first one's promise.
   */
  subscribe(room: string): Promise<void> {
    const existing = this.#rooms.get(room);
    if (existing !== undefined) return existing.ready;
    const state: RoomState = { last: undefined, buffer: [], ready: Promise.resolve(), catching: undefined };
    this.#rooms.set(room, state);
    state.ready = (async () => {
      try {
        await this.#sub.subscribe(this.#key(room, 'm'));
        await this.#catchUp(room, state);
      } catch (error) {
        if (this.#rooms.get(room) === state) this.#rooms.delete(room);
        throw this.#unavailable(error);
      }
    })();
    return state.ready;
  }

  async unsubscribe(room: string): Promise<void> {
    if (!this.#rooms.delete(room)) return;
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

  async registerInstance(tag: string, url: string, ttlMs: number): Promise<void> {
    await this.#cmd.set(`${this.#prefix}instance:${tag}`, url, 'PX', ttlMs);
  }

  async lookupInstance(tag: string): Promise<string | undefined> {
    try {
      return (await this.#cmd.get(`${this.#prefix}instance:${tag}`)) ?? undefined;
    } catch (error) {
      throw this.#unavailable(error);
    }
  }

  async unregisterInstance(tag: string): Promise<void> {
    await this.#cmd.del(`${this.#prefix}instance:${tag}`);
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
    const state = this.#rooms.get(room);
    if (state === undefined) return;
    let envelope: Envelope;
    try {
      envelope = new Envelope(JSON.parse(json) as ChatMessage, json);
    } catch {
      return;
    }
    if (state.buffer !== undefined) {
      state.buffer.push(envelope);
      return;
    }
    this.#inOrder(room, state, envelope);
  }

  /** Dispatch if it is the next seq; drop a duplicate; on a hole, catch up from history first. */
  #inOrder(room: string, state: RoomState, envelope: Envelope): void {
    if (state.last !== undefined && envelope.seq <= state.last) return;
    if (state.last !== undefined && envelope.seq !== state.last + 1) {
      state.buffer = [envelope];
      // On failure the buffer stays (live messages keep waiting) and a resync retries.
      this.#catchUp(room, state).catch(() => this.#retryResync());
      return;
    }
    state.last = envelope.seq;
    this.#listener(envelope);
  }

  /**
   * With state.buffer set: dispatch from history everything past state.last (or, without a
   * baseline yet, take the room's newest seq as one), then flush the buffered live messages.
   */
  #catchUp(room: string, state: RoomState): Promise<void> {
    state.buffer ??= [];
    state.catching ??= this.#replay(room, state).finally(() => {
      state.catching = undefined;
    });
    return state.catching;
  }

  async #replay(room: string, state: RoomState): Promise<void> {
    const current = (): boolean => this.#rooms.get(room) === state;
    if (state.last === undefined) {
      const last = await this.last(room);
      if (!current()) return;
      state.last = last;
    } else {
      for (;;) {
        const page = await this.history(room, state.last, this.#historySize);
        if (!current()) return;
        if (page.last < state.last) {
          // Redis lost the room (restarted without persistence): never reuse a seq.
          await this.#cmd.pushlabFloor(this.#key(room, 'seq'), this.#key(room, 'history'), state.last);
          break;
        }
        for (const envelope of page.messages) {
          if (envelope.seq <= state.last) continue;
          state.last = envelope.seq;
          this.#listener(envelope);
        }
        if (page.messages.length === 0 || state.last >= page.last) break;
      }
    }
    const buffered = state.buffer ?? [];
    state.buffer = undefined;
    buffered.sort((a, b) => a.seq - b.seq);
    for (const envelope of buffered) {
      // A new hole found while flushing starts a new catch-up: the rest waits for it.
      const waiting = bufferOf(state);
      if (waiting !== undefined) waiting.push(envelope);
      else this.#inOrder(room, state, envelope);
    }
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
        const rooms = [...this.#rooms.entries()];
        for (const [, state] of rooms) state.buffer ??= [];
        if (rooms.length > 0) await this.#sub.subscribe(...rooms.map(([room]) => this.#key(room, 'm')));
        this.#subReady = true;
      }
      // Publishing waits for this: after a Redis restart that lost data, a room's seq is
      // raised back to what this instance has seen before anyone may publish again.
      await Promise.all([...this.#rooms].filter(([, s]) => s.buffer !== undefined).map(([room, state]) => this.#catchUp(room, state)));
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
    if (available) console.log('pushlab: redis backplane connected');
    else console.error('pushlab: redis backplane unavailable; publishing answers 503 backplane_unavailable until it returns');
    this.#statusListener(available);
    if (available) {
      for (const waiter of this.#waiters) waiter();
      this.#waiters.clear();
    }
  }

  #unavailable(error: unknown): ProtocolError {
    if (error instanceof ProtocolError) return error;
    const raw = error instanceof Error ? error.message : String(error);
    // ioredis words "disconnected" several ways; clients only need to know it is not there.
    const reason = /offline ?queue|not connected|connection is closed|writeable/i.test(raw) ? 'not connected' : raw;
    return new ProtocolError('backplane_unavailable', `the backplane (Redis) cannot be reached (${reason}); retry`);
  }

  #logError(error: Error): void {
    // One line per 5 s at most: a down Redis fails every reconnect attempt.
    const now = Date.now();
    if (this.#closing || now - this.#lastErrorLog < 5000) return;
    this.#lastErrorLog = now;
    console.error(`pushlab: redis: ${error.message}`);
  }
}
