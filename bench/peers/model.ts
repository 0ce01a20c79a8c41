/**
 * What theory predicts for the Socket.IO peers (the lab's own models are in bench/model.ts):
 * - Socket.IO, WebSocket only: one upgrade, then frames — no HTTP requests in the window.
 * - Socket.IO polling, idle: engine.io holds each client's GET until it has a packet; the only
 *   packet is the server's ping every pingInterval (25 s), which answers the GET (then a new
 *   one) and is answered by a pong POST — 2 requests per connection per interval. Senders hold
 *   connections too.
 * - Socket.IO polling with traffic, an upper bound: each message can answer every held GET of
 *   its room (then one re-poll each), each send is a POST whose ack comes back on the sender's
 *   GET, plus the pings. Batching (packets queued while no GET is out) only lowers it.
 */
import { check as modelCheck, type Measured } from '../model.ts';
import type { BenchOptions, ModelCheck } from '../results.ts';
import { SOCKETIO_PING_INTERVAL_MS, type PeerTarget } from './peers.ts';

export function peerModelChecks(target: PeerTarget, options: BenchOptions, measured: Measured): ModelCheck[] {
  if (target === 'peer-socketio') {
    return [modelCheck('requests per second', 0, measured.requestsPerSecond, 'req/s', 0.05, 'Socket.IO over WebSocket only: after the upgrade everything is frames, no HTTP requests')];
  }
  const connections = options.clients + (options.rate > 0 ? options.senders : 0);
  const pings = (connections * 2 * 1000) / SOCKETIO_PING_INTERVAL_MS;
  if (options.rate === 0) {
    return [modelCheck('requests per second', pings, measured.requestsPerSecond, 'req/s', 0.25, 'idle Socket.IO polling: each held GET is answered by the 25 s ping, then a pong POST and a new GET (2 per connection per 25 s; few pings per window, hence ±25%)')];
  }
  const perRoomRate = options.rate / options.rooms;
  return [
    modelCheck('requests per second (upper bound)', options.clients * perRoomRate + 2 * options.rate + pings, measured.requestsPerSecond, 'req/s', 0.05, 'each message can answer every held GET of its room (then a re-poll); each send is a POST whose ack answers the sender\'s GET; plus pings — batching only lowers it', true),
  ];
}
