/**
 * The terminal summary: one row per transport (and baseline, sweep value, topology rung), in
 * the report's units (CPU in ms per 1k deliveries, memory in MiB). It fits WIDTH columns: the
 * whole table when it can, else latency and cost as two tables, else one block per target.
 */
import { peerLine } from '../peers/compare.ts';
import { headroomTable } from './headroom-table.ts';
import type { BenchResults } from '../../results/types.ts';

/** Widest line the table may print (a common terminal and CI log width). */
export const WIDTH = 100;

/** Columns padded to their widest cell: the first left-aligned, the rest right-aligned. */
export function pad(cells: string[][]): string {
  const widths = cells[0]?.map((_, i) => Math.max(...cells.map((row) => (row[i] ?? '').length))) ?? [];
  return cells.map((row) => row.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join('  ').trimEnd()).join('\n');
}

const ms = (n: number): string => (n >= 100 ? n.toFixed(0) : n >= 10 ? n.toFixed(1) : n.toFixed(2));
const num = (n: number): string => (n >= 100 ? n.toFixed(0) : n.toFixed(1));
const widest = (text: string): number => Math.max(...text.split('\n').map((l) => l.length));

export function renderTable(results: BenchResults, width = WIDTH): string {
  // Scale-out benches: each rung against the same transport's `memory · 1 · direct` run.
  const topo = results.summary.some((s) => s.topology !== undefined);
  // Heap per connection only when measured (a pre-connect heap sample; see bench/measure/connection-memory.ts).
  const heap = results.summary.some((s) => s.heapPerConnectionBytes !== undefined);
  const latencyHead = ['target', 'p50 ms', 'p99 ms', 'mean ms', 'delivered/expected', 'lost', 'flags'];
  const costHead = ['target', 'req/s', 'req/msg', 'B/msg', 'CPU ms/1k', 'RSS MiB', ...(heap ? ['heap/conn KiB'] : []), '×floor p50', '×base p50/p99', ...(topo ? ['×1-proc p50/p99/CPU'] : [])];
  const latencyRows: string[][] = [latencyHead];
  const costRows: string[][] = [costHead];
  for (const s of results.summary) {
    const runs = results.runs.filter((r) => r.target === s.target && r.sweepValue === s.sweepValue && r.topology === s.topology);
    const expected = runs.reduce((n, r) => n + r.messages.expected, 0);
    const delivered = runs.reduce((n, r) => n + r.messages.delivered, 0);
    const lost = runs.reduce((n, r) => n + r.messages.lost, 0);
    const flags: string[] = [];
    if (runs.some((r) => r.error !== undefined)) flags.push('FAILED');
    if (lost > 0) flags.push('LOSS');
    const unanswered = runs.reduce((n, r) => n + (r.messages.unanswered ?? 0), 0);
    const late = runs.reduce((n, r) => n + (r.messages.late ?? 0), 0);
    if (unanswered > 0) flags.push(`UNANSWERED ${unanswered}`);
    if (late > 0) flags.push(`LATE ${late}`);
    if (runs.some((r) => (r.messages.negativeLatency ?? 0) > 0)) flags.push('NEGATIVE-LATENCY');
    if (runs.some((r) => r.workers.loadBound)) flags.push('LOAD-BOUND');
    if (runs.some((r) => r.model.some((m) => m.flagged))) flags.push('MODEL≠');
    const label = `${s.target}${s.topology === undefined ? '' : ` [${s.topology}]`}${s.sweepValue === undefined ? '' : ` ${results.options.sweep?.option ?? ''}${results.options.sweep === undefined ? '' : '='}${s.sweepValue}`}`;
    const notMeasured = runs.length > 0 && runs.every((r) => r.server.notMeasured !== undefined);
    latencyRows.push([label, ...(s.latencyMs.count === 0 ? ['–', '–', '–'] : [ms(s.latencyMs.p50), ms(s.latencyMs.p99), ms(s.latencyMs.mean)]), `${delivered}/${expected}`, String(lost), flags.join(' ') || 'ok']);
    costRows.push([
      label,
      num(s.requestsPerSecond.median),
      s.requestsPerDelivered.median.toFixed(2),
      num(s.bytesPerDelivered.median),
      notMeasured ? 'n/m' : ms(s.cpuSecondsPer1kDelivered.median * 1000),
      notMeasured ? 'n/m' : (s.rssPeakBytes.median / 1048576).toFixed(0),
      ...(heap ? [s.heapPerConnectionBytes === undefined ? '–' : (s.heapPerConnectionBytes.median / 1024).toFixed(1)] : []),
      s.floorMultiple.p50 > 0 ? `${s.floorMultiple.p50.toFixed(1)}×` : '–',
      s.baselineMultiple === undefined ? '–' : `${s.baselineMultiple.p50.toFixed(2)}/${s.baselineMultiple.p99.toFixed(2)}`,
      ...(topo ? [s.topologyMultiple === undefined ? '–' : `${s.topologyMultiple.p50.toFixed(2)}/${s.topologyMultiple.p99.toFixed(2)}/${s.topologyMultiple.cpuPer1k.toFixed(2)}`] : []),
    ]);
  }
  // One table: latency columns, cost columns, flags last.
  const whole = pad(latencyRows.map((row, i) => [...row.slice(0, -1), ...(costRows[i] ?? []).slice(1), row[row.length - 1] ?? '']));
  let body = whole;
  if (widest(whole) > width) {
    const two = `${pad(latencyRows)}\n\n${pad(costRows)}`;
    // Still too wide (long sweep or topology labels): one block per target, a line per figure.
    body = widest(two) <= width ? two : latencyRows.slice(1).map((row, i) => blocks(row, costRows[i + 1] ?? [], latencyHead, costHead)).join('\n\n');
  }
  const lines = [body];
  if (costRows.slice(1).some((r) => r.includes('n/m'))) lines.push('', 'n/m: not measured (the --target server\'s /metrics did not answer)');
  // Harness headroom and heap after GC: a table of its own, so the cost table keeps its width.
  const headroom = headroomTable(results);
  if (headroom !== undefined) lines.push('', headroom);
  const peers = peerLine(results.summary);
  if (peers !== undefined) lines.push('', peers);
  if (results.floors.length > 0) lines.push('', `floor (loopback round trip p50/p99): ${results.floors.map((f) => `${f.name} ${ms(f.latencyMs.p50)}/${ms(f.latencyMs.p99)} ms`).join(' · ')}`);
  if (results.capacity.length > 0) {
    lines.push(`capacity (autocannon, ${results.capacity[0]?.connections} connections): ${results.capacity.map((c) => `${c.endpoint} ${c.kind === 'lower-bound' ? '≥ ' : ''}${c.requestsPerSecond.mean.toFixed(0)} req/s p99 ${c.latencyMs.p99} ms${c.serverCpuPercent === undefined ? '' : ` (server ${c.serverCpuPercent.toFixed(0)}% CPU${c.kind === 'lower-bound' ? ': lower bound' : ''})`}`).join(' · ')}`);
  }
  return lines.map((l) => wrap(l, width)).join('\n');
}

function blocks(latency: string[], cost: string[], latencyHead: string[], costHead: string[]): string {
  const pairs = [...latencyHead.slice(1).map((h, i) => `${h} ${latency[i + 1] ?? ''}`), ...costHead.slice(1).map((h, i) => `${h} ${cost[i + 1] ?? ''}`)];
  return wrap(`${latency[0] ?? ''}\n  ${pairs.join(' · ')}`, WIDTH, '  ');
}

/** Wrap long lines at ` · ` separators (or spaces) so no line passes `width`. */
function wrap(text: string, width: number, indent = '  '): string {
  return text
    .split('\n')
    .flatMap((line) => {
      const out: string[] = [];
      let rest = line;
      while (rest.length > width) {
        const cut = Math.max(rest.lastIndexOf(' · ', width), rest.lastIndexOf(' ', width));
        if (cut <= indent.length) break;
        out.push(rest.slice(0, cut));
        rest = indent + rest.slice(cut).replace(/^ ·? ?/, '');
      }
      out.push(rest);
      return out;
    })
    .join('\n');
}
