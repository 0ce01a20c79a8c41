/**
 * The batching law: HTTP requests per client per second as a function of the message rate each
 * client receives (its room's rate, msg/s). Shared by the fit (model/) and `pushlab project`.
 *
 * - `interval` (short polling): one poll every intervalMs, whatever the traffic; a response
 *   carries everything that arrived in the interval (roomRate × interval messages on average).
 * - `hold` (long polling): a renewal cycle. After an answer the next poll reaches the server
 *   gapMs later (≈ one RTT + processing); it is then held until the first message or holdMs.
 *   With messages arriving at rate λ (taken as Poisson), the wait is min(Exp(λ), hold), whose
 *   mean is (1 − e^(−λ·hold)) / λ; messages that arrive during the gap ride along in the next
 *   answer. So: cycle = gap + (1 − e^(−λ·hold)) / λ; polls/s = 1 / cycle; messages per answer
 *   = λ · cycle (≥ 1 under traffic). At λ → 0 the cycle is gap + hold, at λ → ∞ just the gap.
 * - `none` (WebSocket, SSE): no request per delivery.
 * Publishes add `perPublish` requests each, apart from this per-client rate.
 */
import type { RequestLaw } from '../results/types.ts';

/** Mean polling cycle of one client, seconds (Infinity for `none`). */
export function cycleSeconds(law: RequestLaw, roomRatePerSecond: number): number {
  if (law.kind === 'none') return Infinity;
  if (law.kind === 'interval') return (law.intervalMs ?? 0) / 1000;
  const hold = (law.holdMs ?? 0) / 1000;
  const gap = (law.gapMs ?? 0) / 1000;
  const λ = Math.max(0, roomRatePerSecond);
  // λ·hold tiny: the series limit of (1 − e^(−λh))/λ is h; avoids 0/0.
  const wait = λ * hold < 1e-9 ? hold : -Math.expm1(-λ * hold) / λ;
  return gap + wait;
}

/** HTTP polls per client per second at a room rate (msg/s each client receives). */
export function pollsPerClientSecond(law: RequestLaw, roomRatePerSecond: number): number {
  const cycle = cycleSeconds(law, roomRatePerSecond);
  return Number.isFinite(cycle) && cycle > 0 ? 1 / cycle : 0;
}

/** Messages per poll answer (the batch size); 0 for `none`. */
export function messagesPerAnswer(law: RequestLaw, roomRatePerSecond: number): number {
  const cycle = cycleSeconds(law, roomRatePerSecond);
  return Number.isFinite(cycle) ? Math.max(0, roomRatePerSecond) * cycle : 0;
}

/** Requests per second the server sees: every client's polls plus the publishes. */
export function requestsPerSecond(law: RequestLaw, w: { clients: number; roomRatePerSecond: number; ratePerSecond: number }): number {
  return w.clients * pollsPerClientSecond(law, w.roomRatePerSecond) + w.ratePerSecond * law.perPublish;
}
