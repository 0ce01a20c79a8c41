/**
 * Long-poll sessions: a queue per client that lives between polls. The HTTP adapter holds
 * the request (servers/long-polling/); this file owns who a session is, its rooms, its queue,
 * and when it expires — nothing about requests or responses.
 */
import { ProtocolError } from '../../protocol/errors.ts';
import { sessionId } from './ids.ts';
import { SessionQueue } from './session-queue.ts';
import type { ChatCore, Member } from './chat-core.ts';
import type { Envelope } from './envelope.ts';

export interface SessionOptions {
  /** Queue bound per session, bytes. */
  maxQueueBytes: number;
  /** A session with no poll under way for this long expires, ms. */
  sessionTtlMs: number;
  /** Most sessions at once on this instance; past it creation is refused (rate_limited). */
  maxSessions: number;
  /** Makes session ids routable across instances (`<random>.<tag>`, core/session-router.ts). */
  idFor?: (random: string) => string;
}

export class LpSession implements Member {
  readonly id: string;
  readonly nick: string;
  readonly rooms = new Set<string>();
  readonly queue: SessionQueue;
  /** The transport's wake-up for a held poll; one at a time. */
  onReadable: (() => void) | undefined;
  /** Set by the registry: when the last poll ended (epoch ms), or undefined while one is under way. */
  idleSince: number | undefined;
  /** Messages delivered into the queue (for metrics). */
  queued = 0;

  constructor(id: string, nick: string, maxQueueBytes: number) {
    this.id = id;
    this.nick = nick;
    this.queue = new SessionQueue(maxQueueBytes);
  }

  joined(room: string, _last: number, gap: number | undefined): void {
    if (gap !== undefined) this.queue.markGap(room, gap);
  }

  deliver(envelope: Envelope): void {
    this.queue.push(envelope);
    this.queued++;
    this.onReadable?.();
  }
}

export class LpSessions {
  readonly #core: ChatCore;
  readonly #options: SessionOptions;
  readonly #sessions = new Map<string, LpSession>();
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
    const every = Math.max(10, Math.min(1000, Math.floor(options.sessionTtlMs / 4)));
    this.#sweep = setInterval(() => this.#expire(Date.now()), every);
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
      throw new ProtocolError('rate_limited', `this server holds its maximum of ${this.#options.maxSessions} sessions`);
    }
    const session = new LpSession(this.#options.idFor?.(sessionId()) ?? sessionId(), nick, this.#options.maxQueueBytes);
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

  async join(session: LpSession, room: string, after: number | undefined): Promise<number> {
    session.rooms.add(room);
    return this.#core.join(room, session, after);
  }

  leave(session: LpSession, room: string): void {
    session.rooms.delete(room);
    this.#core.leave(room, session);
  }

  /** A poll is under way: the session cannot expire until it ends. */
  busy(session: LpSession): void {
    session.idleSince = undefined;
  }

  /** No poll is under way: start the expiry clock. */
  idle(session: LpSession): void {
    session.idleSince = Date.now();
  }

  end(session: LpSession): void {
    if (this.#sessions.get(session.id) !== session) return;
    this.#sessions.delete(session.id);
    this.#core.leaveAll(session, session.rooms);
    session.rooms.clear();
    this.#onExpire?.(session);
  }

  /** End every session and stop the expiry sweep (shutdown). */
  endAll(): void {
    clearInterval(this.#sweep);
    for (const session of [...this.#sessions.values()]) this.end(session);
  }
}
