/**
 * The peers' names as results.json records them: what teams deploy instead of writing their
 * own push server (Socket.IO 4, forced onto one transport each), measured beside the lab's
 * transports. Kept here, not in the bench, because the schema (run targets) and the report
 * (peer rows and labels) need the names without the harness that runs the peers.
 */
import type { Transport } from '../protocol/types.ts';

export const PEERS = ['socketio', 'socketio-polling'] as const;
export type PeerName = (typeof PEERS)[number];

export const PEER_TARGETS = ['peer-socketio', 'peer-socketio-polling'] as const;
export type PeerTarget = (typeof PEER_TARGETS)[number];

/**
 * Each peer: its run target, the lab transport it stands beside (and is compared with), and the
 * one Socket.IO transport its clients and server are restricted to.
 */
export const PEER_INFO: Record<PeerName, { target: PeerTarget; counterpart: Transport; engineTransport: 'websocket' | 'polling'; label: string }> = {
  socketio: { target: 'peer-socketio', counterpart: 'websocket', engineTransport: 'websocket', label: 'Socket.IO' },
  'socketio-polling': { target: 'peer-socketio-polling', counterpart: 'long-polling', engineTransport: 'polling', label: 'Socket.IO polling' },
};

export function isPeerTarget(target: string): target is PeerTarget {
  return (PEER_TARGETS as readonly string[]).includes(target);
}
