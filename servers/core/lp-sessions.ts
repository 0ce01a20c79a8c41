/**
 * Long-poll sessions: a queue per client that lives between polls. The HTTP adapter holds
 * the request (servers/long-polling/); this file owns who a session is, its rooms, its queue,
 * and when it expires — nothing about requests or responses.
 */
import { DEFAULTS } from '../../protocol/defaults.ts';
import { ProtocolError } from '../../protocol/errors.ts';
import { sessionId } from './ids.ts';
import { intern } from './intern.ts';
import { ReplayCursors, type HistoryReader } from './replay-cursors.ts';
import { QueueBudget, SessionQueue } from './session-queue.ts';
import type { ChatCore, Member } from './chat-core.ts';
import type { Envelope } from './envelope.ts';

export interface SessionOptions {
  /** Queue bound per session, bytes. */
  maxQueueBytes: number;
  /** A session with no poll under way for this long expires, ms. */
  sessionTtlMs: number;
  /** Most sessions at once on this instance; past it creation is refused (rate_limited). */
  maxSessions: number;
  /** Rooms one session may be in; past it `invalid_room`. Default DEFAULTS.maxRoomsPerClient. */
  maxRooms?: number;
  /** Bytes queued across all sessions; past it creation is refused (rate_limited). Default unbounded. */
  maxTotalQueueBytes?: number;
  /** Most bytes of history moved into a queue per poll. Default DEFAULTS.maxPageBytes. */
  maxPageBytes?: number;
  /** Makes session ids routable across instances (`<random>.<tag>`, core/session-router.ts). */
  idFor?: (random: string) => string;
}

/** Who answers a session's held poll when something is queued (the long-polling transport). */
export interface Waker {
  release(session: LpSession): void;
}

/**
 * Memory: a server holds thousands of these for idle clients, so everything a session needs
 * only at times (the joins under way, replay cursors, the queue's gaps) is allocated when first
 * needed and dropped when done, and the rooms are a small array replaced on change, not a Set:
 * an empty Map or Set is ~150 B.
 */
export class LpSession implements Member {
  readonly id: string;
  readonly nick: string;
  /** Rooms joined (or being joined), interned: one copy of a room's name however many sessions are in it. */
  rooms: readonly string[] = [];
  readonly queue: SessionQueue;
  /** Told when something is queued, to answer a held poll (a shared object, not a closure per session). */
  waker: Waker | undefined;
  /**
   * Set by the registry: when the last poll ended, or undefined while one is under way. Whole
   * ms of the monotonic clock (performance.now()): a small integer is stored in the field
   * itself, where epoch ms take a 16-byte number box per session, and a wall-clock step cannot
   * expire every session at once.
   */
  idleSince: number | undefined;
  /** Messages delivered into the queue (for metrics). */
  queued = 0;
  /** Cursors into history of the rooms still replaying (filled when a poll asks); undefined while none is. */
  #replay: ReplayCursors | undefined;
  /** `after` of joins under way, read when the core says the room is joined (lazy). */
  #joining: Map<string, number | undefined> | undefined;
  #filling: Promise<void> | undefined;

  constructor(id: string, nick: string, maxQueueBytes: number, budget?: QueueBudget) {
    this.id = id;
    this.nick = nick;
    this.queue = new SessionQueue(maxQueueBytes, budget);
  }

  /** Something to answer a poll with: queued messages, or history still to replay. */
  get readable(): boolean {
    return this.queue.length > 0 || this.replaying > 0;
  }

  /** Rooms whose history the session is still owed. */
  get replaying(): number {
    return this.#replay?.size ?? 0;
  }

  /** Owe nothing more of `room`'s history (it was left, or is joined again). */
  stopReplay(room: string): void {
    this.#replay?.stop(room);
    this.#dropReplayIfDone();
  }

  /** Owe no history at all (the session ended). */
  clearReplay(): void {
    // Cleared, not only dropped: a fill under way checks its cursors and stops queueing.
    this.#replay?.clear();
    this.#replay = undefined;
  }

  #dropReplayIfDone(): void {
    if (this.#replay?.size === 0) this.#replay = undefined;
  }

  /** The core joined the room (live from `last`): owe the client history past its `after`. */
  joined(room: string, last: number, gap: number | undefined): void {
    if (gap !== undefined) this.queue.markGap(room, gap);
    const joining = this.#joining;
    const after = joining?.get(room);
    if (joining !== undefined && joining.delete(room) && joining.size === 0) this.#joining = undefined;
    if (after !== undefined) {
      (this.#replay ??= new ReplayCursors()).start(room, after, last);
      this.#dropReplayIfDone();
    }
  }

  deliver(envelope: Envelope): void {
    this.queued++;
    if (this.#replay === undefined || !this.#replay.extend(envelope)) this.queue.push(envelope);
    this.waker?.release(this);
  }

  /** Join under way with this `after` (undefined: live only). */
  joining(room: string, after: number | undefined): void {
    // A live-only join needs no entry: `joined` reads undefined either way.
    if (after !== undefined) (this.#joining ??= new Map()).set(room, after);
    else this.#joining?.delete(room);
    this.stopReplay(room);
  }

  /** Move owed history into the queue, one fill at a time (two polls must not queue it twice). */
  fill(read: HistoryReader, maxBytes: number): Promise<void> {
    const replay = this.#replay;
    if (replay === undefined || replay.size === 0) return Promise.resolve();
    this.#filling ??= replay.fill(this.queue, read, maxBytes).finally(() => {
      this.#filling = undefined;
      this.#dropReplayIfDone();
    });
    return this.#filling;
  }
}

/** Whole ms since the process started: what session expiry is timed with. */
function monotonicMs(): number {
  return Math.floor(performance.now());
}

/** Throw `400 invalid_room` when a client would be in more than `max` rooms. */
export function checkRoomCount(count: number, max: number): void {
  if (count > max) throw new ProtocolError('invalid_room', `at most ${max} rooms per session or connection (--max-rooms)`);
}

export class LpSessions {
  readonly #core: ChatCore;
  readonly #options: SessionOptions;
  readonly #sessions = new Map<string, LpSession>();
  /** Bytes queued across all sessions. */
  readonly budget: QueueBudget;
  #onExpire: ((session: LpSession) => void) | undefined;
  /**
   * One sweep for every session rather than a timer per session: a timer re-armed on every
   * poll was a measurable share of the long-poll hot path (allocation and GC). Expiry is
   * therefore late by at most one sweep interval (a quarter of the TTL, at most 1 s).
   */
  readonly #sweep: NodeJS.Timeout;

  constructor(core: ChatCore, options: SessionOptions) {
    this.#core = core;
    this.#options = options;
    this.budget = new QueueBudget(options.maxTotalQueueBytes ?? Number.POSITIVE_INFINITY);
    const every = Math.max(10, Math.min(1000, Math.floor(options.sessionTtlMs / 4)));
    this.#sweep = setInterval(() => this.#expire(monotonicMs()), every);
    // Idle sessions must not keep the process alive on shutdown.
    this.#sweep.unref();
  }

  #expire(now: number): void {
    const ttl = this.#options.sessionTtlMs;
    for (const session of this.#sessions.values()) {
      if (session.idleSince !== undefined && now - session.idleSince >= ttl) this.end(session);
    }
  }

  get size(): number {
    return this.#sessions.size;
  }

  /** Called when a session expires or is deleted (the adapter answers its held poll). */
  onEnd(listener: (session: LpSession) => void): void {
    this.#onExpire = listener;
  }

  async create(nick: string, rooms: string[], after: Record<string, number> | undefined): Promise<LpSession> {
    if (this.#sessions.size >= this.#options.maxSessions) {
      throw new ProtocolError('rate_limited', `this server holds its maximum of ${this.#options.maxSessions} sessions`, { 'retry-after': '1' });
    }
    if (this.budget.used >= this.budget.max) {
      throw new ProtocolError('rate_limited', `this server's long-poll queues hold their budget of ${this.budget.max} bytes (--max-total-queue-bytes); retry later`, { 'retry-after': '1' });
    }
    checkRoomCount(rooms.length, this.#maxRooms);
    const session = new LpSession(this.#options.idFor?.(sessionId()) ?? sessionId(), nick, this.#options.maxQueueBytes, this.budget);
    this.#sessions.set(session.id, session);
    this.idle(session);
    try {
      for (const room of rooms) await this.join(session, room, after?.[room]);
    } catch (error) {
      this.end(session);
      throw error;
    }
    return session;
  }

  get(id: string): LpSession {
    const session = this.#sessions.get(id);
    if (session === undefined) throw new ProtocolError('unknown_session', 'no such session: it never existed or has expired');
    return session;
  }

  get #maxRooms(): number {
    return this.#options.maxRooms ?? DEFAULTS.maxRoomsPerClient;
  }

  /** Join live; history past `after` is owed and replayed lazily as polls come (replay-cursors.ts). */
  async join(session: LpSession, room: string, after: number | undefined): Promise<number> {
    if (!session.rooms.includes(room)) {
      checkRoomCount(session.rooms.length + 1, this.#maxRooms);
      // concat, not a spread: an array built by spreading grows to 17 slots (~150 B) for one room.
      session.rooms = session.rooms.concat(intern(room));
    }
    session.joining(room, after);
    return this.#core.join(room, session);
  }

  leave(session: LpSession, room: string): void {
    session.rooms = session.rooms.filter((r) => r !== room);
    session.stopReplay(room);
    this.#core.leave(room, session);
  }

  /** Queue what the session is owed from history, up to a page, within its bound and the budget. */
  fill(session: LpSession): Promise<void> {
    const room = Math.min(this.#options.maxPageBytes ?? DEFAULTS.maxPageBytes, DEFAULTS.replayStepBytes, session.queue.maxBytes - session.queue.bytes, this.budget.remaining);
    return session.fill((r, after, limit) => this.#core.history(r, after, limit), room);
  }

  /** A poll is under way: the session cannot expire until it ends. */
  busy(session: LpSession): void {
    session.idleSince = undefined;
  }

  /** No poll is under way: start the expiry clock. */
  idle(session: LpSession): void {
    session.idleSince = monotonicMs();
  }

  end(session: LpSession): void {
    if (this.#sessions.get(session.id) !== session) return;
    this.#sessions.delete(session.id);
    this.#core.leaveAll(session, session.rooms);
    session.rooms = [];
    this.#onExpire?.(session);
    // After the held poll was answered: its bytes go back to the server's budget.
    session.clearReplay();
    session.queue.clear();
  }

  /** End every session and stop the expiry sweep (shutdown). */
  endAll(): void {
    clearInterval(this.#sweep);
    for (const session of [...this.#sessions.values()]) this.end(session);
  }
}
