/**
 * What a run sent and what arrived (`runs[i].messages`), counted by the ids the bench writes
 * into each text. Optional fields are absent in results written before they existed.
 */
import { Type, type Static } from '@sinclair/typebox';

const count = (description: string) => Type.Number({ description });
const optionalCount = (description: string) => Type.Optional(count(description));

export const MessageTally = Type.Object({
  scheduled: optionalCount('Messages the schedule holds for the window (fixed before the run). Absent in older results.'),
  sent: count('Publishes of the window acknowledged by the server before the drain ended.'),
  failed: optionalCount('Publishes answered with an error (or whose connection died).'),
  unanswered: optionalCount('Publishes with no answer when the drain ended (scheduled − sent − failed).'),
  expected: count('Every subscriber of a room gets every message the schedule sends to it in the window.'),
  beforeJoin: optionalCount('Per (subscriber, message): not expected because the subscriber joined only after the window opened and the message was scheduled before that; such a run is load-bound.'),
  delivered: count('Distinct messages received before the drain ended (raw deliveries, before de-duplication).'),
  late: optionalCount('Distinct messages received after the drain ended (in a short grace, when some were missing).'),
  lost: count('Per (subscriber, message): expected and never received, not even late.'),
  duplicates: count('A message received again under another seq: the user sees it twice.'),
  wireDuplicates: optionalCount('A message received again under the same seq (a replay): the client drops it.'),
  outOfOrder: count('A new message whose seq is below one the subscriber already had (a true seq regression).'),
  negativeLatency: optionalCount('Deliveries stamped before their scheduled send time (clock error): each one fails the run.'),
}, { description: 'What a run sent and what arrived, counted by the ids the bench writes into each text.' });
export type MessageTally = Static<typeof MessageTally>;

/** A run's `messages`: the tally plus the field older readers know failures by. */
export const RunMessages = Type.Composite([
  MessageTally,
  Type.Object({ sendErrors: optionalCount('Same as `failed` (kept for older readers).') }),
]);
