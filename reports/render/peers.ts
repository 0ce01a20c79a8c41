/**
 * The peers in the report: pushlab beside what teams deploy instead (Socket.IO), as ratios in
 * the summary table and in words in the verdict — "pushlab WebSocket vs Socket.IO: p99 0.8×,
 * CPU per message 0.7×, memory per connection 0.5×". Ratios are pushlab ÷ peer
 * (TargetSummary.peerMultiple): below 1×, pushlab is faster or cheaper.
 */
import { PEER_INFO, PEERS } from '../../results/peers.ts';
import type { RunTarget, TargetSummary } from '../../results/types.ts';
import { escapeHtml, fmtBytes, fmtNum, fmtRatio } from './format.ts';
import { rowLabel } from './targets.ts';

/** Within 5% counts as a tie, as in the verdict's winners. */
const TIE = 0.05;

/** The lab's name for a transport a peer stands beside. */
const LAB_NAMES: Partial<Record<RunTarget, string>> = { websocket: 'pushlab WebSocket', 'long-polling': 'pushlab long polling' };

function peerLabel(target: RunTarget): string {
  const name = PEERS.find((p) => PEER_INFO[p].target === target);
  return name === undefined ? target : PEER_INFO[name].label;
}

/**
 * "0.8× (pushlab faster)": the ratio, and which side it favours, in words. With a bootstrap
 * interval (latency) that spans 1×, no side is named: the difference is within the spread.
 */
function ratioWords(ratio: number, better: string, worse: string, ci?: readonly [number, number]): string {
  if (ratio <= 0) return '—';
  const spansOne = ci !== undefined && ci[0] <= 1 && ci[1] >= 1;
  const words = Math.abs(ratio - 1) <= TIE || spansOne ? 'about the same' : ratio < 1 ? `pushlab ${better}` : `pushlab ${worse}`;
  return `${fmtRatio(ratio)}${ci === undefined ? '' : ` [95% CI ${fmtRatio(ci[0])}–${fmtRatio(ci[1])}]`} (${words})`;
}

/** One sentence per lab transport that has a peer row beside it. */
export function peerSentence(lab: TargetSummary, peer: TargetSummary | undefined): string | undefined {
  const m = lab.peerMultiple;
  if (m === undefined) return undefined;
  const parts = [
    `p50 ${ratioWords(m.p50, 'faster', 'slower', m.ci?.p50)}`,
    `p99 ${ratioWords(m.p99, 'faster', 'slower', m.ci?.p99)}`,
    `CPU per message ${ratioWords(m.cpuPer1k, 'cheaper', 'costlier')}`,
    `memory per connection ${m.heapPerConnection === undefined ? 'not measured' : ratioWords(m.heapPerConnection, 'leaner', 'heavier')}`,
  ];
  const name = LAB_NAMES[lab.target] ?? `pushlab ${lab.target}`;
  let text = `${name} vs ${peerLabel(m.peer)}: ${parts.join(', ')}.`;
  if (peer !== undefined) {
    // Nothing delivered (the idle scenario): no latency or CPU per message to state.
    const figures = peer.latencyMs.count === 0 ? [] : [`p50 ${fmtNum(peer.latencyMs.p50)} ms`, `p99 ${fmtNum(peer.latencyMs.p99)} ms`, `${fmtNum(peer.cpuSecondsPer1kDelivered.median * 1000)} ms CPU per 1k`];
    if (peer.heapPerConnectionBytes !== undefined) figures.push(`${fmtBytes(peer.heapPerConnectionBytes.median)} heap per connection`);
    if (figures.length > 0) text += ` ${peerLabel(m.peer)} itself: ${figures.join(', ')}.`;
  }
  return text;
}

/** The verdict's peer paragraph: every lab transport with a peer beside it, in words. */
export function peersParagraph(rows: readonly TargetSummary[], sweepOption: string | undefined): string {
  const lines = rows.flatMap((lab) => {
    const peer = rows.find((r) => r.target === lab.peerMultiple?.peer && r.sweepValue === lab.sweepValue);
    const text = peerSentence(lab, peer);
    return text === undefined ? [] : [`<li data-peer="${escapeHtml(lab.peerMultiple?.peer ?? '')}">${escapeHtml(lab.sweepValue === undefined ? text : `${rowLabel(lab, sweepOption)}: ${text}`)}</li>`];
  });
  if (lines.length === 0) return '';
  return `<div class="peers"><p><strong>Beside what teams deploy instead</strong> (Socket.IO 4 on the same workload; pushlab ÷ Socket.IO, below 1× pushlab is faster or cheaper; memory = heap per connection held, which under traffic includes garbage not yet collected — the idle scenario measures it cleanly):</p><ul>${lines.join('')}</ul></div>`;
}

/** The summary table's "× Socket.IO" cell: p50, p99, CPU and heap per connection, pushlab ÷ peer. */
export function peerCell(s: TargetSummary, line: (label: string, path: string, raw: number) => string): string {
  const m = s.peerMultiple;
  if (m === undefined) return '<td class="num">—</td>';
  const heap = m.heapPerConnection === undefined ? '' : line('heap/conn', 'peerMultiple.heapPerConnection', m.heapPerConnection);
  return `<td class="num">${line('p50', 'peerMultiple.p50', m.p50)}${line('p99', 'peerMultiple.p99', m.p99)}${line('CPU', 'peerMultiple.cpuPer1k', m.cpuPer1k)}${heap}<span class="spread">vs ${escapeHtml(m.peer)}</span></td>`;
}

/** The caption's note for that column. */
export function peerColumnNote(rows: readonly TargetSummary[]): string {
  const pairs = [...new Set(rows.flatMap((r) => (r.peerMultiple ? [`${r.target} vs ${r.peerMultiple.peer}`] : [])))];
  return ` × Socket.IO (pushlab ÷ peer, below 1× pushlab is faster or cheaper): ${pairs.join(', ')}.`;
}
