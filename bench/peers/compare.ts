/**
 * pushlab beside its peer: for the lab's WebSocket (vs Socket.IO) and long polling (vs
 * Socket.IO polling), pushlab ÷ peer on latency, CPU per 1k delivered and heap per connection,
 * at the same sweep value. Below 1, pushlab is faster or cheaper.
 */
import type { TargetSummary } from '../../results/types.ts';
import { REFERENCE_TOPOLOGY } from '../config/topology.ts';
import { peerTargetFor } from './peers.ts';

const ratio = (a: number, b: number): number => (b > 0 ? Math.round((a / b) * 100) / 100 : 0);

export function peerMultipleOf(s: TargetSummary, summaries: readonly TargetSummary[]): TargetSummary['peerMultiple'] {
  // A lab transport's own row (a single process, on a scale-out ladder its reference rung).
  if (s.target !== s.transport || (s.topology !== undefined && s.topology !== REFERENCE_TOPOLOGY)) return undefined;
  const peerTarget = peerTargetFor(s.transport);
  const p = summaries.find((x) => x.target === peerTarget && x.sweepValue === s.sweepValue);
  if (peerTarget === undefined || p === undefined) return undefined;
  const heapMine = s.heapPerConnectionBytes?.median;
  const heapPeer = p.heapPerConnectionBytes?.median;
  return {
    p50: ratio(s.latencyMs.p50, p.latencyMs.p50),
    p99: ratio(s.latencyMs.p99, p.latencyMs.p99),
    cpuPer1k: ratio(s.cpuSecondsPer1kDelivered.median, p.cpuSecondsPer1kDelivered.median),
    ...(heapMine === undefined || heapPeer === undefined || heapPeer <= 0 ? {} : { heapPerConnection: ratio(heapMine, heapPeer) }),
    peer: peerTarget,
  };
}

/** The terminal's one line: every lab transport against its peer, e.g. "websocket p50 0.75× …". */
export function peerLine(summaries: readonly TargetSummary[]): string | undefined {
  // 0 is "nothing to divide" (no deliveries, e.g. the idle scenario): shown as –.
  const x = (n: number): string => (n > 0 ? `${n.toFixed(2)}×` : '–');
  const items = summaries.flatMap((s) => {
    const m = s.peerMultiple;
    if (m === undefined) return [];
    const heap = m.heapPerConnection === undefined ? '' : ` heap/conn ${x(m.heapPerConnection)}`;
    return [`${s.target}${s.sweepValue === undefined ? '' : ` (${String(s.sweepValue)})`} vs ${m.peer}: p50 ${x(m.p50)} p99 ${x(m.p99)} CPU/msg ${x(m.cpuPer1k)}${heap}`];
  });
  return items.length === 0 ? undefined : `pushlab ÷ Socket.IO (below 1× pushlab is faster or cheaper): ${items.join(' · ')}`;
}
