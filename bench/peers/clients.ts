/**
 * The load workers' client factory: the lab's own client for a transport, or the peer's
 * client when the run measures a peer. Kept here so the worker (bench/harness/worker/) stays peer-agnostic.
 */
import { createClient, type ChatClient, type ClientOptions } from '../../clients/index.ts';
import type { Transport } from '../../protocol/types.ts';
import type { PeerName } from './peers.ts';
import { SocketIoClient } from './socketio-client.ts';

export function benchClient(transport: Transport, peer: PeerName | undefined, options: ClientOptions): ChatClient {
  return peer === undefined ? createClient(transport, options) : new SocketIoClient({ ...options, peer });
}

/**
 * Whether a sender holds a connection (and so connects before the schedule starts): a
 * WebSocket sender does; an HTTP sender of the lab just POSTs. A Socket.IO sender always has
 * its engine connection — on the polling transport, its own polls too.
 */
export function senderHoldsConnection(transport: Transport, peer: PeerName | undefined): boolean {
  return transport === 'websocket' || peer !== undefined;
}
