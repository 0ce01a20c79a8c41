/**
 * The models under an emulated round trip R (`--rtt`), checked two-sided in every such run.
 * Latency runs from the sender's scheduled send to receipt, so it includes the sender's leg:
 * one way up (R/2) and one way down (R/2) at least. docs/results.md ("Models under RTT")
 * derives these.
 * - WebSocket: p50 ≈ R + server time (frames down an open connection; server time is small).
 * - Short polling: mean ≈ I/2 + R (the wait for the next poll, plus both legs).
 * - Long polling: after each answer the subscriber has no poll at the server for one R (the
 *   answer's way down, the re-poll's way up). With messages at rate λ per room (Poisson
 *   approximation of the bench's schedule), a message falls in such a blind window with
 *   probability f = λR / (λR + e^(−λR)) and then waits uniformly 0…R. So the p50 wait is 0
 *   when f ≤ ½, else R(f − ½)/f: p50 ≈ R when messages are further apart than R, rising toward
 *   R + R/2 as gaps shrink (RFC 6202 §2.2). Polls per delivered message per subscriber are
 *   1 / (λR + e^(−λR)) — falling as batches grow — plus the publishes (rooms / clients per delivery).
 */
import type { Transport } from '../../protocol/types.ts';
import type { BenchOptions, ModelCheck } from '../../results/types.ts';
import { check } from './model.ts';

export interface MeasuredUnderRtt {
  latencyP50Ms: number;
  latencyMeanMs: number;
  latencyCount: number;
  requestsPerDelivered: number;
}

/** Tolerances: WebSocket's server time rides in its 12% (100–112 ms at a 100 ms RTT). */
export const RTT_MODEL_TOLERANCE = { websocket: 0.12, longPollingP50: 0.15, longPollingRequests: 0.15, shortPollingMean: 0.07 };

/** The long-poll blind-window share f and the predictions that follow from it. */
export function longPollingUnderRtt(rttMs: number, perRoomRate: number, clients: number, rooms: number): { blindShare: number; p50Ms: number; requestsPerDelivered: number } {
  const lambdaR = (perRoomRate / 1000) * rttMs;
  const blindShare = lambdaR / (lambdaR + Math.exp(-lambdaR));
  const p50Wait = blindShare <= 0.5 ? 0 : (rttMs * (blindShare - 0.5)) / blindShare;
  const polls = 1 / (lambdaR + Math.exp(-lambdaR));
  return { blindShare, p50Ms: rttMs + p50Wait, requestsPerDelivered: polls + rooms / clients };
}

export function rttModelChecks(transport: Transport, options: BenchOptions, measured: MeasuredUnderRtt): ModelCheck[] {
  const rtt = options.rttMs ?? 0;
  if (rtt <= 0 || options.rate <= 0 || measured.latencyCount === 0) return [];
  const checks: ModelCheck[] = [];
  switch (transport) {
    case 'websocket':
    case 'sse':
      checks.push(check('latency p50 under RTT', rtt, measured.latencyP50Ms, 'ms', RTT_MODEL_TOLERANCE.websocket, 'one way up and one way down an open connection: RTT + server time'));
      break;
    case 'long-polling': {
      const lp = longPollingUnderRtt(rtt, options.rate / options.rooms, options.clients, options.rooms);
      const why = `a message waits for the re-poll when it lands in the RTT after an answer (share ${lp.blindShare.toFixed(2)}): p50 = RTT + RTT·(f−½)/f when f > ½`;
      checks.push(check('latency p50 under RTT', lp.p50Ms, measured.latencyP50Ms, 'ms', RTT_MODEL_TOLERANCE.longPollingP50, why));
      if (options.faults !== true) checks.push(check('requests per delivered message under RTT', lp.requestsPerDelivered, measured.requestsPerDelivered, 'req', RTT_MODEL_TOLERANCE.longPollingRequests, 'one poll per blind window: 1/(λR + e^(−λR)) per delivery, plus the publishes'));
      break;
    }
    // Short polling's mean is checked in model.ts with RTT added (I/2 + R).
    default:
      break;
  }
  return checks;
}
