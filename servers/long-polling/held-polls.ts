/**
 * The held requests of long polling — the only thing this transport owns (like engine.io's
 * transports/polling.ts). A session's queue lives in the core; this holds at most one
 * response per session and answers it when the queue becomes readable, when the hold ends,
 * when a newer poll arrives, or when the session ends. A client that goes away leaves no
 * timer, listener or entry behind.
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
  onClose: () => void;
}

export class HeldPolls {
  readonly #held = new Map<LpSession, Held>();
  readonly #sessions: LpSessions;
  readonly #metrics: ServerMetrics;

  constructor(sessions: LpSessions, metrics: ServerMetrics) {
    this.#sessions = sessions;
    this.#metrics = metrics;
    sessions.onEnd((session) => this.release(session));
  }

  get size(): number {
    return this.#held.size;
  }

  /** Answer with what is queued past `cursor` (already acknowledged), or hold up to holdMs. */
  poll(session: LpSession, res: ServerResponse, cursor: number, holdMs: number, draining: boolean): void {
    // One poll at a time: the older one is answered empty at once (RFC 6202 §2.2).
    this.release(session);
    if (session.queue.length > 0 || draining) {
      // Answered at once: this poll is over, so the session's expiry clock restarts now —
      // a client kept busy by a steady stream must not expire for never being held.
      this.#sessions.idle(session);
      this.#answer(session, res, cursor);
      return;
    }
    const held: Held = {
      res,
      cursor,
      timer: setTimeout(() => this.release(session), holdMs),
      onClose: () => {
        // The client went away mid-hold: forget it, and let the session's expiry clock run.
        if (this.#held.get(session) === held) this.#drop(session, held);
      },
    };
    this.#held.set(session, held);
    this.#sessions.busy(session);
    session.onReadable = () => this.release(session);
    res.once('close', held.onClose);
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
    held.res.off('close', held.onClose);
    this.#held.delete(session);
    session.onReadable = undefined;
    this.#sessions.idle(session);
  }

  #answer(session: LpSession, res: ServerResponse, cursor: number): void {
    const batch = session.queue.batch();
    if (batch === undefined) {
      sendJsonText(res, 200, `{"messages":[],"cursor":${cursor}}`);
      return;
    }
    this.#metrics.deliveredBy['long-polling'].inc(batch.envelopes.length);
    const gap = batch.gap === undefined ? '' : `,"gap":${JSON.stringify(batch.gap)}`;
    sendJsonText(res, 200, `{"messages":${jsonArray(batch.envelopes)},"cursor":${batch.cursor}${gap}}`);
  }
}
