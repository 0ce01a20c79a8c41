/**
 * Which subscribers run lean (lean-*.ts) and the factory that makes them. A lean client puts
 * the product client's exact requests and frames on the wire (test/wire-equivalence.test.ts)
 * at a fraction of its CPU per delivery, so the load side stays well under the server it
 * measures. It does not reconnect, so a run that cuts or restarts on purpose (--faults,
 * --restart-server) keeps the product clients, as do peers (their own client), TLS and
 * --compression (gzip/deflate decoding). PUSHLAB_LEAN_CLIENTS=0 turns them off (a before/after
 * of the load side's cost in one build).
 */
import type { Transport } from '../../../protocol/types.ts';
import type { LeanPool } from './lean-http.ts';
import { LeanLongPolling } from './lean-long-polling.ts';
import { LeanShortPolling } from './lean-short-polling.ts';
import { LeanSse } from './lean-sse.ts';
import type { LeanOptions, LeanSubscriber } from './lean-subscriber.ts';
import { LeanWebSocket } from './lean-websocket.ts';

/** What decides it, from the run's options (worker-plans.ts sets WorkerPlan.lean from this). */
export interface LeanConditions {
  peer: boolean;
  faults: boolean;
  restartServer: boolean;
  compression: boolean;
  tls: boolean;
}

export function leanAllowed(c: LeanConditions, env: NodeJS.ProcessEnv = process.env): boolean {
  if (env.PUSHLAB_LEAN_CLIENTS === '0') return false;
  return !c.peer && !c.faults && !c.restartServer && !c.compression && !c.tls;
}

export function leanSubscriber(transport: Transport, options: LeanOptions, pool: LeanPool): LeanSubscriber {
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
