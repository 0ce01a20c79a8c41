/**
 * What theory predicts, beside what was measured — so a surprising number is either
 * explained or flagged. The models are deliberately simple (they hold when the server
 * keeps up):
 * - short polling: a message waits for the subscriber's next poll, uniformly 0…interval,
 *   so mean latency ≈ interval / 2; requests/s ≈ clients / interval (+ publishes).
 * - long polling, idle: each client renews its poll once a hold → requests/s ≈ clients / hold.
 *   With traffic each message can answer every held poll, so requests/s ≤ clients × per-room
 *   rate + publishes (an upper bound: batching only lowers it).
 * - WebSocket: no HTTP requests once connected (sends and deliveries are frames).
 * When the prediction is 0, `ratio` is (measured + 1) / (predicted + 1), so 0 vs 0 reads 1.
 */
import type { Transport } from '../protocol/types.ts';
import type { BenchOptions, ModelCheck } from './results.ts';

export interface Measured {
  latencyMeanMs: number;
  latencyCount: number;
  requestsPerSecond: number;
}

export function check(metric: string, predicted: number, measured: number, unit: string, tolerance: number, note: string, upperBoundOnly = false): ModelCheck {
  const ratio = predicted === 0 ? (measured + 1) / (predicted + 1) : measured / predicted;
  const flagged = upperBoundOnly ? ratio > 1 + tolerance : Math.abs(ratio - 1) > tolerance;
  const r = (n: number): number => Math.round(n * 1000) / 1000;
  return { metric, predicted: r(predicted), measured: r(measured), unit, ratio: r(ratio), flagged, tolerance, note };
}

export function modelChecks(transport: Transport, options: BenchOptions, measured: Measured): ModelCheck[] {
  const checks: ModelCheck[] = [];
  // With --faults, reconnections add requests the models don't count: only latency is modelled.
  const requestModels = options.faults !== true;
  const publishes = options.rate; // every publish is one HTTP request on the HTTP transports
  switch (transport) {
    case 'short-polling': {
      if (options.rate > 0 && measured.latencyCount > 0) {
        checks.push(check('latency mean', options.pollIntervalMs / 2, measured.latencyMeanMs, 'ms', 0.1, 'a message waits for the next poll: uniform over the interval, mean interval/2'));
      }
      if (requestModels) checks.push(check('requests per second', (options.clients * 1000) / options.pollIntervalMs + publishes, measured.requestsPerSecond, 'req/s', 0.05, 'each client polls its room once per interval, plus one POST per message'));
      break;
    }
    case 'long-polling': {
      if (!requestModels) break;
      if (options.rate === 0) {
        checks.push(check('requests per second', (options.clients * 1000) / options.holdMs, measured.requestsPerSecond, 'req/s', 0.05, 'idle: each client renews its held poll once per hold'));
      } else {
        const perRoomRate = options.rate / options.rooms;
        checks.push(check('requests per second (upper bound)', options.clients * perRoomRate + publishes + (options.clients * 1000) / options.holdMs, measured.requestsPerSecond, 'req/s', 0.05, 'each message can answer every held poll of its room (then one re-poll each); batching only lowers it', true));
      }
      break;
    }
    case 'websocket':
      if (requestModels) checks.push(check('requests per second', 0, measured.requestsPerSecond, 'req/s', 0.05, 'after the upgrade everything is frames: no HTTP requests'));
      break;
  }
  return checks;
}
