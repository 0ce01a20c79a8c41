/**
 * Late joins: a subscriber that joins its room only after the window has opened (the load
 * side was too slow to connect everyone in the warm-up) cannot have the messages the server
 * accepted before it joined — no transport owes them, and counting them as lost would blame
 * the server for the harness. So, per late subscriber, the window's messages of its room
 * scheduled before it had joined (joinedAtMs, when join() resolved) and never received are
 * set apart as `beforeJoin`, not expected; and the run is marked load-bound (bench/measure/load-bound.ts),
 * since its early seconds measured fewer subscribers than asked.
 *
 * The cut is the join's *completion*: a message scheduled in the join's own round trip may
 * or may not have reached the subscriber, and either is correct. (A message scheduled just
 * before the join completed but sent late, after it, is excused too: a loss there would be
 * hidden. That is the price of not knowing when the server applied the join; it only touches
 * late joiners, which the run reports.)
 */
import { scheduledAt, type ScheduleSpec } from './schedule.ts';

export interface LateJoins {
  /** Subscribers that joined after the window opened. */
  count: number;
  /** How late the latest of them joined, ms after the window opened (0: none). */
  maxMs: number;
}

/**
 * Messages of `window` for `room` (k mod rooms = room) scheduled before `joinedAtMs` that
 * the subscriber never received (`received(k)` false): not owed to it.
 */
export function missedBeforeJoin(spec: ScheduleSpec, window: { first: number; end: number }, room: number, joinedAtMs: number, received: (k: number) => boolean): number {
  const rooms = Math.max(1, spec.rooms);
  let missed = 0;
  // The first k of the window in this room, then every rooms-th one.
  for (let k = window.first + ((room - (window.first % rooms) + rooms) % rooms); k < window.end; k += rooms) {
    if (scheduledAt(spec, k).atMs >= joinedAtMs) break;
    if (!received(k)) missed++;
  }
  return missed;
}

/** Fold one subscriber's join time into the tally of late joins. */
export function addLateJoin(into: LateJoins, joinedAtMs: number | undefined, windowStartMs: number): boolean {
  if (joinedAtMs === undefined || joinedAtMs <= windowStartMs) return false;
  into.count++;
  into.maxMs = Math.max(into.maxMs, Math.round((joinedAtMs - windowStartMs) * 10) / 10);
  return true;
}
