/** The terminal summary: one row per transport (and baseline, and sweep value). */
import { peerLine } from './peers/compare.ts';
import type { BenchResults } from './results.ts';

function pad(cells: string[][]): string {
  const widths = cells[0]?.map((_, i) => Math.max(...cells.map((row) => (row[i] ?? '').length))) ?? [];
  return cells.map((row) => row.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join('  ')).join('\n');
}

const ms = (n: number): string => (n >= 100 ? n.toFixed(0) : n >= 10 ? n.toFixed(1) : n.toFixed(2));
const num = (n: number): string => (n >= 100 ? n.toFixed(0) : n.toFixed(1));

export function renderTable(results: BenchResults): string {
  // Scale-out benches: each rung against the same transport's `memory · 1 · direct` run.
  const topo = results.summary.some((s) => s.topology !== undefined);
  const header = ['target', 'p50 ms', 'p99 ms', 'mean ms', 'delivered/expected', 'lost', 'req/s', 'req/msg', 'B/msg', 'CPU s/1k', 'RSS MB', 'heap/conn KB', '×floor p50', '×base p50/p99', ...(topo ? ['×1-proc p50/p99/CPU'] : []), 'flags'];
  const rows: string[][] = [header];
  for (const s of results.summary) {
    const runs = results.runs.filter((r) => r.target === s.target && r.sweepValue === s.sweepValue && r.topology === s.topology);
    const expected = runs.reduce((n, r) => n + r.messages.expected, 0);
    const delivered = runs.reduce((n, r) => n + r.messages.delivered, 0);
    const lost = runs.reduce((n, r) => n + r.messages.lost, 0);
    const flags: string[] = [];
    if (runs.some((r) => r.error !== undefined)) flags.push('FAILED');
    if (lost > 0) flags.push('LOSS');
    if (runs.some((r) => r.workers.loadBound)) flags.push('LOAD-BOUND');
    if (runs.some((r) => r.model.some((m) => m.flagged))) flags.push('MODEL≠');
    rows.push([
      `${s.target}${s.topology === undefined ? '' : ` [${s.topology}]`}${s.sweepValue === undefined ? '' : ` ${results.options.sweep?.option}=${s.sweepValue}`}`,
      ...(s.latencyMs.count === 0 ? ['–', '–', '–'] : [ms(s.latencyMs.p50), ms(s.latencyMs.p99), ms(s.latencyMs.mean)]),
      `${delivered}/${expected}`,
      String(lost),
      num(s.requestsPerSecond.median),
      s.requestsPerDelivered.median.toFixed(2),
      num(s.bytesPerDelivered.median),
      s.cpuSecondsPer1kDelivered.median.toFixed(3),
      (s.rssPeakBytes.median / 1048576).toFixed(0),
      s.heapPerConnectionBytes === undefined ? '–' : (s.heapPerConnectionBytes.median / 1024).toFixed(1),
      s.floorMultiple.p50 > 0 ? `${s.floorMultiple.p50.toFixed(1)}×` : '–',
      s.baselineMultiple === undefined ? '–' : `${s.baselineMultiple.p50.toFixed(2)}/${s.baselineMultiple.p99.toFixed(2)}`,
      ...(topo ? [s.topologyMultiple === undefined ? '–' : `${s.topologyMultiple.p50.toFixed(2)}/${s.topologyMultiple.p99.toFixed(2)}/${s.topologyMultiple.cpuPer1k.toFixed(2)}`] : []),
      flags.join(' ') || 'ok',
    ]);
  }
  const lines = [pad(rows)];
  const peers = peerLine(results.summary);
  if (peers !== undefined) lines.push('', peers);
  if (results.floors.length > 0) lines.push('', `floor (loopback round trip p50/p99): ${results.floors.map((f) => `${f.name} ${ms(f.latencyMs.p50)}/${ms(f.latencyMs.p99)} ms`).join(' · ')}`);
  if (results.capacity.length > 0) {
    lines.push(`capacity (autocannon, ${results.capacity[0]?.connections} connections): ${results.capacity.map((c) => `${c.endpoint} ${c.requestsPerSecond.mean.toFixed(0)} req/s p99 ${c.latencyMs.p99} ms`).join(' · ')}`);
  }
  return lines.join('\n');
}
