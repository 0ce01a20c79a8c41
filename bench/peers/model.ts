/**
 * What theory predicts for the Socket.IO peers (the lab's own models are in bench/measure/model.ts):
 * - Socket.IO, WebSocket only: one upgrade, then frames — no HTTP requests in the window.
 * - Socket.IO polling, idle: engine.io holds each client's GET until it has a packet; the only
 *   packet is the server's ping, every pingInterval (25 s) from the handshake, which answers
 *   the GET (then a new one) and is answered by a pong POST — 2 requests per ping. Pings are
 *   counted from the connect times (bench/measure/schedule.ts: subscribers over the warm-up's first
 *   80%, senders at its start), so a window shorter than the interval expects few or none.
 * - Socket.IO polling with traffic, an upper bound: each message can answer every held GET of
 *   its room (then one re-poll each), each send is a POST whose ack comes back on the sender's
 *   GET, plus the pings. Batching (packets queued while no GET is out) only lowers it.
 */
import { check as modelCheck, type Measured } from '../measure/model.ts';
import type { BenchOptions, ModelCheck } from '../../results/types.ts';
import { SOCKETIO_PING_INTERVAL_MS, type PeerTarget } from './peers.ts';

/** Pings that fall inside the window for a connection opened at `connectMs` (window-relative). */
function pingsAfter(connectMs: number, durationMs: number): number {
  let n = 0;
  for (let t = connectMs + SOCKETIO_PING_INTERVAL_MS; t <= durationMs; t += SOCKETIO_PING_INTERVAL_MS) if (t >= 0) n++;
  return n;
}

/** Expected pings in the window: subscribers' (averaged over their connect times) and senders'. */
export function expectedPings(options: BenchOptions): number {
  const steps = 200;
  let perSubscriber = 0;
  for (let i = 0; i < steps; i++) perSubscriber += pingsAfter(-options.warmupMs + ((i + 0.5) / steps) * 0.8 * options.warmupMs, options.durationMs);
  const senders = options.rate > 0 ? options.senders : 0;
  return (options.clients * perSubscriber) / steps + senders * pingsAfter(-options.warmupMs, options.durationMs);
}

export function peerModelChecks(target: PeerTarget, options: BenchOptions, measured: Measured): ModelCheck[] {
  if (target === 'peer-socketio') {
    return [modelCheck('requests per second', 0, measured.requestsPerSecond, 'req/s', 0.05, 'Socket.IO over WebSocket only: after the upgrade everything is frames, no HTTP requests')];
  }
  const pingRequestsPerSecond = (expectedPings(options) * 2 * 1000) / options.durationMs;
  if (options.rate === 0) {
    return [modelCheck('requests per second', pingRequestsPerSecond, measured.requestsPerSecond, 'req/s', 0.1, 'idle Socket.IO polling: each 25 s ping answers the held GET, then a new GET and a pong POST (2 per ping; pings counted from the connect times)')];
  }
  const perRoomRate = options.rate / options.rooms;
  return [
    modelCheck('requests per second (upper bound)', options.clients * perRoomRate + 2 * options.rate + pingRequestsPerSecond, measured.requestsPerSecond, 'req/s', 0.05, 'each message can answer every held GET of its room (then a re-poll); each send is a POST whose ack answers the sender\'s GET; plus pings — batching only lowers it', true),
  ];
}
