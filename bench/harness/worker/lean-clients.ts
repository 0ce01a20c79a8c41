/**
 * Which subscribers run lean (lean-*.ts) and the factory that makes them. A lean client puts
 * the product client's exact requests and frames on the wire (test/wire-equivalence.test.ts)
 * at a fraction of its CPU per delivery, so the load side stays well under the server it
 * measures. It does not reconnect, so a run that cuts or restarts on purpose (--faults,
 * --restart-server) keeps the product clients, as do TLS and --compression (gzip/deflate
 * decoding). The Socket.IO peers get lean subscribers too (lean-socketio-*.ts: the bytes of
 * `socket.io-client` 4.8, test/wire-equivalence-socketio.test.ts); their senders stay
 * socket.io-client. PUSHLAB_LEAN_CLIENTS=0 turns them all off (a before/after of the load
 * side's cost in one build).
 */
import type { Transport } from '../../../protocol/types.ts';
import { PEER_INFO, type PeerName } from '../../../results/peers.ts';
import type { LeanPool } from './lean-http.ts';
import { LeanLongPolling } from './lean-long-polling.ts';
import { LeanShortPolling } from './lean-short-polling.ts';
import { LeanSse } from './lean-sse.ts';
import { LeanSocketIoPolling } from './lean-socketio-polling.ts';
import { LeanSocketIoWebSocket } from './lean-socketio-websocket.ts';
import type { LeanOptions, LeanSubscriber } from './lean-subscriber.ts';
import { LeanWebSocket } from './lean-websocket.ts';

/** What decides it, from the run's options (worker-plans.ts sets WorkerPlan.lean from this). */
export interface LeanConditions {
  faults: boolean;
  restartServer: boolean;
  compression: boolean;
  tls: boolean;
}

export function leanAllowed(c: LeanConditions, env: NodeJS.ProcessEnv = process.env): boolean {
  if (env.PUSHLAB_LEAN_CLIENTS === '0') return false;
  return !c.faults && !c.restartServer && !c.compression && !c.tls;
}

/** `peer` is set when the run measures a Socket.IO peer (WorkerPlan.peer): its subscriber speaks that peer's engine transport. */
export function leanSubscriber(transport: Transport, options: LeanOptions, pool: LeanPool, peer?: PeerName): LeanSubscriber {
  if (peer !== undefined) return PEER_INFO[peer].engineTransport === 'websocket' ? new LeanSocketIoWebSocket(options) : new LeanSocketIoPolling(options, pool);
  switch (transport) {
    case 'websocket':
      return new LeanWebSocket(options);
    case 'long-polling':
      return new LeanLongPolling(options, pool);
    case 'short-polling':
      return new LeanShortPolling(options, pool);
    case 'sse':
      return new LeanSse(options);
  }
}
