/**
 * The readable table of `pushlab project` (the default; `--json` prints the object as is).
 * Pure: a Projection in, text out. Numbers to 3 significant figures, thousands grouped, units
 * in the column heads; a row whose figures lie outside the measured range is marked `*`.
 */
import type { Projection, TransportProjection } from '../model/project.ts';
import { fmtBytes, fmtNum } from '../reports/render/format.ts';
import { fmtBitsPerSecond } from '../reports/render/projection.ts';

/** Columns from this index on (instances, Redis, SLO) are words: aligned left like the first. */
const FIRST_TEXT_COLUMN = 6;

function table(head: readonly string[], rows: readonly (readonly string[])[]): string[] {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]): string =>
    cells.map((c, i) => (i === 0 || i >= FIRST_TEXT_COLUMN ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join('  ').trimEnd();
  return [line(head), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)];
}

function instancesCell(p: TransportProjection): string {
  return Number.isFinite(p.instances) ? `${fmtNum(p.instances)} (${p.instancesBoundBy})` : 'none fits';
}

function redisCell(p: TransportProjection): string {
  return p.backplane.kind === 'measured' ? `${fmtNum(p.backplane.redisCores)} cores (${fmtNum(p.backplane.share * 100)}% on ${p.backplane.rung})` : '—';
}

export function printProjection(projection: Projection): string {
  const { workload: w, machine: m } = projection;
  const rows = Object.values(projection.transports);
  const slo = rows.find((p) => p.slo !== undefined)?.slo?.p99Ms;
  const head = ['transport', 'requests/s', 'CPU cores', 'memory (RSS)', 'out', 'in', 'instances', 'Redis backplane', ...(slo === undefined ? [] : [`p99 ≤ ${fmtNum(slo)} ms`])];
  const body = rows.map((p) => [
    `${p.target}${p.extrapolated ? ' *' : ''}`,
    fmtNum(p.requestsPerSecond),
    fmtNum(p.cpuCores),
    fmtBytes(p.memoryBytes),
    fmtBitsPerSecond(p.bandwidthBitsPerSecond.out),
    fmtBitsPerSecond(p.bandwidthBitsPerSecond.in),
    instancesCell(p),
    redisCell(p),
    ...(p.slo === undefined ? [] : [p.slo.verdict]),
  ]);
  const lines = [
    'Projection — a linear extrapolation of the cost model, not a measurement.',
    `Measured on ${m.cpuModel} (${m.cores} cores, ${fmtBytes(m.memoryBytes)}); one core = one of its cores.`,
    `Workload: ${fmtNum(w.clients)} clients in ${fmtNum(w.rooms)} rooms (${fmtNum(w.roomSize)} per room), ${fmtNum(w.ratePerSecond)} msg/s in total (${fmtNum(w.roomRatePerSecond)} per room), ${fmtNum(w.deliveriesPerSecond)} deliveries/s, ${fmtNum(w.size)}-byte texts${w.size === projection.measuredSize ? '' : ` (measured at ${fmtNum(projection.measuredSize)})`}.`,
    `Instances: one process per core, each at most ${fmtNum(projection.utilisation * 100)}% of its core and of that core's share of the memory.`,
    '',
    ...table(head, body),
  ];
  if (rows.some((p) => p.extrapolated)) lines.push('', '* outside the measured range of clients or rate: extrapolated past what was measured.');
  const noLadder = rows.find((p) => p.backplane.kind === 'none');
  if (noLadder?.backplane.kind === 'none' && rows.every((p) => p.backplane.kind === 'none')) lines.push(`Redis backplane: ${noLadder.backplane.note}.`);
  const marks = rows.filter((p) => p.slo !== undefined && p.slo.reasons.length > 0);
  if (marks.length > 0) lines.push('', `SLO p99 ≤ ${fmtNum(slo ?? 0)} ms:`, ...marks.map((p) => `  ${p.target}: ${p.slo?.verdict} — ${p.slo?.reasons.join('; ')}`));
  return lines.join('\n');
}
