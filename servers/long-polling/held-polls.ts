/**
 * The held requests of long polling — the only thing this transport owns (like engine.io's
 * transports/polling.ts). A session's queue lives in the core; this holds at most one
 * response per session and answers it when the queue becomes readable, when the hold ends,
 * when a newer poll arrives, or when the session ends. A client that goes away leaves no
 * timer or entry behind: the server's one 'close' listener per response tells `closed()`.
 */
import type { ServerResponse } from 'node:http';
import { jsonArray } from '../core/envelope.ts';
import { sendError, sendJsonText } from '../http/respond.ts';
import type { LpSession, LpSessions } from '../core/lp-sessions.ts';
import type { ServerMetrics } from '../metrics.ts';

interface Held {
  res: ServerResponse;
  cursor: number;
  timer: NodeJS.Timeout;
}

export class HeldPolls {
  readonly #held = new Map<LpSession, Held>();
  /** Held response → its session, for closed(). */
  readonly #byResponse = new Map<ServerResponse, LpSession>();
  // A shared callback rather than a closure per poll: this path runs once per delivery batch.
  readonly #onHoldEnd = (session: LpSession): void => this.release(session);
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
    const session = this.#byResponse.get(res);
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
    this.#held.set(session, { res, cursor, timer: setTimeout(this.#onHoldEnd, holdMs, session) });
    this.#byResponse.set(res, session);
    this.#sessions.busy(session);
    // Set once per session; a wake-up with nothing held is a no-op.
    session.onReadable ??= () => this.release(session);
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
    clearTimeout(held.timer);
    this.#byResponse.delete(held.res);
    this.#held.delete(session);
    this.#sessions.idle(session);
  }

  #answer(session: LpSession, res: ServerResponse, cursor: number): void {
    // History the session is owed is queued first (lazily, a page per poll); the hot path
    // with nothing owed answers synchronously.
    if (session.replay.size === 0) this.#send(session, res, cursor);
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
