/**
 * Peers: what teams deploy instead of writing their own push server — measured beside the
 * lab's transports on the same workload, as references (like the bare baselines), not as
 * pushlab transports. Today: Socket.IO 4 on its WebSocket transport only, and on its HTTP
 * long-polling transport only (each forced, no upgrade), against pushlab's WebSocket and
 * long polling.
 */
import { toList } from '../../options/convert.ts';
import { UsageError } from '../../options/usage-error.ts';
import type { Transport } from '../../protocol/types.ts';
import { PEER_INFO, PEERS, type PeerName, type PeerTarget } from '../../results/peers.ts';

// The names and the peer table are part of results.json (run targets), so they live in results/.
export { isPeerTarget, PEER_INFO, PEER_TARGETS, PEERS, type PeerName, type PeerTarget } from '../../results/peers.ts';

/** engine.io's ping interval: its default, set explicitly by the peer server so the model can rely on it, ms. */
export const SOCKETIO_PING_INTERVAL_MS = 25_000;

/** `--peers` values that turn every peer off. */
const NONE = new Set(['none', 'off', '']);

export function peerOf(target: PeerTarget): PeerName {
  return target === 'peer-socketio' ? 'socketio' : 'socketio-polling';
}

/** The peer a lab transport is compared with, if any. */
export function peerTargetFor(transport: Transport): PeerTarget | undefined {
  for (const info of Object.values(PEER_INFO)) if (info.counterpart === transport) return info.target;
  return undefined;
}

/** `--peers socketio,socketio-polling` → names; `none` (or an empty value) → []. Throws UsageError. */
export function parsePeers(raw: string): PeerName[] {
  const trimmed = raw.trim();
  if (NONE.has(trimmed.toLowerCase())) return [];
  const list = toList(trimmed);
  for (const name of list) {
    if (!(PEERS as readonly string[]).includes(name)) throw new UsageError(`--peers: unknown peer "${name}" (known: ${PEERS.join(', ')}, or none)`);
  }
  return [...new Set(list)] as PeerName[];
}

/**
 * The peer runs of a bench: a peer runs beside its counterpart, as a baseline does — Socket.IO
 * when pushlab's WebSocket is measured, Socket.IO polling when long polling is.
 */
export function peerTargets(peers: readonly PeerName[] | undefined, transports: readonly Transport[]): { target: PeerTarget; transport: Transport }[] {
  return (peers ?? []).flatMap((name) => {
    const info = PEER_INFO[name];
    return transports.includes(info.counterpart) ? [{ target: info.target, transport: info.counterpart }] : [];
  });
}
