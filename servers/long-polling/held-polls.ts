/**
 * The held requests of long polling — the only thing this transport owns (like engine.io's
 * transports/polling.ts). A session's queue lives in the core; this holds at most one
 * response per session and answers it when the queue becomes readable, when the hold ends,
 * when a newer poll arrives, or when the session ends. A client that goes away leaves no
 * timer or entry behind: the server's one 'close' listener per response tells `closed()`.
 *
 * Memory: one timer for every held poll, not a Timeout per poll (a Timeout and its argument
 * list were ~180 B of heap per held poll). Held polls are kept in the order they began, which
 * with the server's one `holdMs` is also the order their holds end, so the timer is armed for
 * the oldest and each firing answers those whose hold is over.
 */
import type { ServerResponse } from 'node:http';
import { jsonArray } from '../core/envelope.ts';
import { sendError, sendJsonText } from '../http/respond.ts';
import type { LpSession, LpSessions, Waker } from '../core/lp-sessions.ts';
import type { ServerMetrics } from '../metrics.ts';

interface Held {
  res: ServerResponse;
  cursor: number;
  /** When the hold ends: whole ms of performance.now() (monotonic, so holds begun later end later; a small integer needs no number box). */
  until: number;
}

/** The session a held response belongs to, for the one shared 'close' listener (no Map entry per held poll). */
const SESSION = Symbol('pushlab.held-session');
type HeldResponse = ServerResponse & { [SESSION]?: LpSession };

export class HeldPolls implements Waker {
  /** In the order the polls began (a renewed poll moves to the end). */
  readonly #held = new Map<LpSession, Held>();
  /** The one hold timer, armed for `#timerAt`; undefined while nothing is held. */
  #timer: NodeJS.Timeout | undefined;
  #timerAt = 0;
  /** The latest hold end so far, and whether a hold ever ended before one begun earlier (a shorter holdMs): then every hold is looked at. */
  #lastUntil = 0;
  #unordered = false;
  readonly #onTimer = (): void => this.#holdsEnd();
  readonly #sessions: LpSessions;
  readonly #metrics: ServerMetrics;

  constructor(sessions: LpSessions, metrics: ServerMetrics) {
    this.#sessions = sessions;
    this.#metrics = metrics;
    sessions.onEnd((session) => this.release(session));
  }

  /**
   * A long-poll response closed (answered, or the client went away mid-hold): forget a hold
   * that is still there, and let the session's expiry clock run. Called by the server's one
   * 'close' listener per response (servers/server.ts), so a held poll adds no listener of its
   * own (an on + off per poll showed in the fan-out profile).
   */
  closed(res: ServerResponse): void {
    const session = (res as HeldResponse)[SESSION];
    const held = session === undefined ? undefined : this.#held.get(session);
    if (session !== undefined && held?.res === res) this.#drop(session, held);
  }

  get size(): number {
    return this.#held.size;
  }

  /** Answer with what is queued past `cursor` (already acknowledged), or hold up to holdMs. */
  poll(session: LpSession, res: ServerResponse, cursor: number, holdMs: number, draining: boolean): void {
    // One poll at a time: the older one is answered empty at once (RFC 6202 §2.2).
    this.release(session);
    if (session.readable || draining) {
      // Answered at once: this poll is over, so the session's expiry clock restarts now —
      // a client kept busy by a steady stream must not expire for never being held.
      this.#sessions.idle(session);
      this.#answer(session, res, cursor);
      return;
    }
    const until = Math.ceil(performance.now() + holdMs);
    if (until < this.#lastUntil) this.#unordered = true;
    this.#lastUntil = until;
    this.#held.set(session, { res, cursor, until });
    (res as HeldResponse)[SESSION] = session;
    this.#sessions.busy(session);
    // A wake-up with nothing held is a no-op.
    session.waker = this;
    this.#arm(until);
  }

  #arm(at: number): void {
    if (this.#timer !== undefined) {
      if (this.#timerAt <= at) return;
      clearTimeout(this.#timer);
    }
    this.#timerAt = at;
    this.#timer = setTimeout(this.#onTimer, Math.max(0, Math.ceil(at - performance.now())));
  }

  /** Answer every poll whose hold is over, then arm the timer for the next hold to end. */
  #holdsEnd(): void {
    this.#timer = undefined;
    const now = performance.now();
    let next = Number.POSITIVE_INFINITY;
    // Deleting visited entries while iterating a Map is safe; a poll held meanwhile ends later.
    for (const [session, held] of this.#held) {
      if (held.until <= now) this.release(session);
      else if (!this.#unordered) {
        next = held.until;
        break;
      } else next = Math.min(next, held.until);
    }
    if (next !== Number.POSITIVE_INFINITY) this.#arm(next);
  }

  /** Answer the session's held poll now, with whatever is queued (maybe nothing). */
  release(session: LpSession): void {
    const held = this.#held.get(session);
    if (held === undefined) return;
    this.#drop(session, held);
    this.#answer(session, held.res, held.cursor);
  }

  /** Answer every held poll with an error (the backplane went down: its subscribers are told). */
  failAll(error: Error): void {
    for (const [session, held] of [...this.#held]) {
      this.#drop(session, held);
      sendError(held.res, error);
    }
  }

  releaseAll(): void {
    for (const session of [...this.#held.keys()]) this.release(session);
  }

  #drop(session: LpSession, held: Held): void {
    (held.res as HeldResponse)[SESSION] = undefined;
    this.#held.delete(session);
    this.#sessions.idle(session);
    if (this.#held.size === 0) {
      // Nothing held: no timer keeps the process up, and the order starts afresh.
      if (this.#timer !== undefined) clearTimeout(this.#timer);
      this.#timer = undefined;
      this.#unordered = false;
      this.#lastUntil = 0;
    }
  }

  #answer(session: LpSession, res: ServerResponse, cursor: number): void {
    // History the session is owed is queued first (lazily, a page per poll); the hot path
    // with nothing owed answers synchronously.
    if (session.replaying === 0) this.#send(session, res, cursor);
    else this.#sessions.fill(session).then(() => this.#send(session, res, cursor), (error: unknown) => sendError(res, error));
  }

  #send(session: LpSession, res: ServerResponse, cursor: number): void {
    const batch = session.queue.batch();
    if (batch === undefined) {
      sendJsonText(res, 200, `{"messages":[],"cursor":${cursor}}`);
      return;
    }
    this.#metrics.countDelivered('long-polling', batch.envelopes.length);
    const gap = batch.gap === undefined ? '' : `,"gap":${JSON.stringify(batch.gap)}`;
    sendJsonText(res, 200, `{"messages":${jsonArray(batch.envelopes)},"cursor":${batch.cursor}${gap}}`);
  }
}
