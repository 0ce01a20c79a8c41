/**
 * Start a peer's server for one run: a fresh `bench/peers/socketio-server.ts` process (through
 * tsx, like the bare baselines), restricted to the peer's one engine transport, optionally
 * pinned to the server's CPUs.
 */
import { fileURLToPath } from 'node:url';
import { spawnServer, type SpawnedServer } from '../targets/spawn-server.ts';
import { PEER_INFO, peerOf, type PeerTarget } from './peers.ts';

export const SOCKETIO_SERVER_SCRIPT = fileURLToPath(new URL('./socketio-server.ts', import.meta.url));

export function startPeerServer(target: PeerTarget, cpus: string | undefined): Promise<SpawnedServer> {
  return spawnServer({ script: SOCKETIO_SERVER_SCRIPT, args: ['--transport', PEER_INFO[peerOf(target)].engineTransport], cpus, gcHook: true });
}
