/**
 * The report's projection table: what a chat-like workload would cost at 10k, 100k, 1M and 10M
 * clients, per transport, from the map's cost model (model/project.ts) — a linear extrapolation,
 * labelled as such — and the "header overhead" arithmetic (871 bytes per poll × N) redone with
 * the header bytes pushlab measured (model/header-overhead.ts). Pure; '' without a map.
 * The lead wires it into report.ts; every figure carries its raw value in `data-value`.
 */
import type { BenchResults } from '../../results/types.ts';
import { DEFAULT_UTILISATION, project, type Projection, type TransportProjection } from '../../model/project.ts';
import { measuredHeaderBytes, overheadRows, WELL_KNOWN_FRAME_BYTES, WELL_KNOWN_HEADER_BYTES, type MeasuredHeaders } from '../../model/header-overhead.ts';
import { escapeHtml, fmtBytes, fmtNum } from './format.ts';
import { section } from './template.ts';

/** The chat-like workload of the table: rooms of 100, one message per client per minute. */
export const CHAT_ROOM_SIZE = 100;
export const CHAT_MESSAGES_PER_CLIENT_SECOND = 1 / 60;
export const PROJECTION_CLIENTS = [10_000, 100_000, 1_000_000, 10_000_000] as const;

const BIT_UNITS = ['bit/s', 'kbit/s', 'Mbit/s', 'Gbit/s', 'Tbit/s'] as const;

/** Bits per second in decimal (network) units: `6.97 Mbit/s`. */
export function fmtBitsPerSecond(bits: number): string {
  let value = bits;
  let unit = 0;
  while (Math.abs(value) >= 1000 && unit < BIT_UNITS.length - 1) {
    value /= 1000;
    unit++;
  }
  return `${fmtNum(value)} ${BIT_UNITS[unit]}`;
}

/** The chat-like workload at N clients. */
export function chatWorkload(clients: number): { clients: number; rooms: number; ratePerSecond: number } {
  return { clients, rooms: Math.max(1, Math.round(clients / CHAT_ROOM_SIZE)), ratePerSecond: clients * CHAT_MESSAGES_PER_CLIENT_SECOND };
}

const cell = (raw: number, text: string): string => `<td class="num" data-value="${escapeHtml(String(raw))}">${escapeHtml(text)}</td>`;

function row(p: TransportProjection, first: string): string {
  const tag = p.extrapolated ? '<span class="tag">extrapolated</span>' : '';
  const instances = Number.isFinite(p.instances) ? `${fmtNum(p.instances)} (${p.instancesBoundBy})` : 'none fits';
  return `<tr data-projection="${escapeHtml(p.target)}">${first}<th scope="row">${escapeHtml(p.target)}${tag}</th>${[
    cell(p.requestsPerSecond, fmtNum(p.requestsPerSecond)),
    cell(p.cpuCores, fmtNum(p.cpuCores)),
    cell(p.memoryBytes, fmtBytes(p.memoryBytes)),
    cell(p.bandwidthBitsPerSecond.out, fmtBitsPerSecond(p.bandwidthBitsPerSecond.out)),
    cell(p.bandwidthBitsPerSecond.in, fmtBitsPerSecond(p.bandwidthBitsPerSecond.in)),
    `<td class="num" data-value="${escapeHtml(String(Number.isFinite(p.instances) ? p.instances : 'Infinity'))}">${escapeHtml(instances)}</td>`,
  ].join('')}</tr>`;
}

function projectionTable(projections: readonly Projection[]): string {
  const groups = projections.map((pr) => {
    const w = pr.workload;
    const rows = Object.values(pr.transports);
    // Three short lines keep the column narrow enough for the figures to fit beside it.
    const label = [`${fmtNum(w.clients)} clients`, `${fmtNum(w.rooms)} rooms · ${fmtNum(w.ratePerSecond)} msg/s`, `${fmtNum(w.deliveriesPerSecond)} deliveries/s`].map(escapeHtml).join('<br>');
    const first = `<th scope="rowgroup" rowspan="${rows.length}" class="left">${label}</th>`;
    return `<tbody data-clients="${w.clients}">${rows.map((p, i) => row(p, i === 0 ? first : '')).join('')}</tbody>`;
  });
  return `<div class="table-wrap"><table class="projection">
<caption>Projected cost of a chat-like workload per transport<span class="caption-note">Linear extrapolation of the cost model; not measured at these sizes.</span></caption>
<thead><tr><th scope="col" class="left">Workload</th><th scope="col" class="left">Transport</th><th scope="col" class="num">requests/s</th><th scope="col" class="num">CPU cores</th><th scope="col" class="num">memory (RSS)</th><th scope="col" class="num">out</th><th scope="col" class="num">in</th><th scope="col" class="num">instances (bound)</th></tr></thead>
${groups.join('\n')}
</table></div>`;
}

function overheadSection(results: BenchResults, measured: MeasuredHeaders, projections: readonly Projection[]): string {
  const sp = results.map?.models.find((m) => m.target === 'short-polling');
  const polls = sp?.requests.fixedPerClientSecond ?? 0;
  const intervalMs = sp?.requests.intervalMs ?? (polls > 0 ? 1000 / polls : undefined);
  const rows = overheadRows([1_000, 10_000, 100_000, ...PROJECTION_CLIENTS.slice(2)], measured.bytes, polls);
  const body = rows
    .map((r) => `<tr><th scope="row" class="num">${fmtNum(r.clients)}</th>${[
      cell(r.wellKnownBitsPerSecond, fmtBitsPerSecond(r.wellKnownBitsPerSecond)),
      cell(r.measuredAtOnePerSecondBitsPerSecond, fmtBitsPerSecond(r.measuredAtOnePerSecondBitsPerSecond)),
      ...(polls > 0 ? [cell(r.measuredAtIntervalBitsPerSecond, fmtBitsPerSecond(r.measuredAtIntervalBitsPerSecond))] : []),
      cell(r.wellKnownFrameBitsPerSecond, fmtBitsPerSecond(r.wellKnownFrameBitsPerSecond)),
    ].join('')}</tr>`)
    .join('\n');
  const source = { model: 'the cost model\'s measured empty poll', 'model-idle': 'the cost model\'s idle bytes per poll', 'runs-idle': 'the short-polling runs\' idle phase' }[measured.source];
  const ratio = measured.bytes / WELL_KNOWN_HEADER_BYTES;
  const at1M = projections.find((p) => p.workload.clients === 1_000_000);
  const spCores = at1M?.transports['short-polling']?.cpuCores;
  const wsCores = at1M?.transports.websocket?.cpuCores;
  const ws = results.map?.models.find((m) => m.target === 'websocket');
  const size = at1M?.measuredSize;
  const differences = [
    `Header size: an empty poll measured ${fmtNum(measured.bytes)} bytes, request and response together (${source}) — ${fmtNum(ratio)}× the arithmetic’s ${WELL_KNOWN_HEADER_BYTES}. The arithmetic assumes a 2010 browser’s headers and cookies; pushlab’s load client sends Node’s few (pushlab bench --headers browser sends a desktop Chrome’s set and a cookie).`,
    intervalMs === undefined ? '' : `Poll rate: the arithmetic polls once a second; pushlab’s short polling polls every ${fmtNum(intervalMs)} ms, so the header bytes scale by ${fmtNum(polls)} per client-second, and long polling’s rate follows the messages (the batching law), not a clock.`,
    'What neither counts: the measured bytes are TCP payload, so TCP/IP headers (about 52–66 bytes per segment each way) and TLS records are outside both; the arithmetic also leaves out the JSON body every answer carries.',
    ws === undefined || size === undefined ? '' : `WebSocket: a message costs ${fmtNum(ws.bytesOut.perDelivered)} bytes per delivery for a ${fmtNum(size)}-byte text — the ${WELL_KNOWN_FRAME_BYTES}-byte frame header plus pushlab’s JSON envelope (id, room, seq), which polling answers carry too.`,
    spCores === undefined || wsCores === undefined ? '' : `Bandwidth is not where polling’s cost lies: at 1,000,000 clients the model gives short polling ${fmtNum(spCores)} CPU cores against WebSocket’s ${fmtNum(wsCores)}, because every poll is parsed and answered whether or not it carries a message.`,
  ].filter((s) => s !== '');
  return `<h3>Header overhead: the well-known arithmetic against measurement</h3>
<p>The arithmetic (websocket.org, 2010): about ${WELL_KNOWN_HEADER_BYTES} bytes of HTTP headers per poll, every client polling once a second, against a ${WELL_KNOWN_FRAME_BYTES}-byte WebSocket frame per message. Here it is again with the bytes pushlab measured.</p>
<div class="table-wrap"><table class="overhead">
<caption>Header bytes per second, both directions<span class="caption-note">Measured empty poll: ${escapeHtml(fmtNum(measured.bytes))} bytes (${escapeHtml(source)}).</span></caption>
<thead><tr><th scope="col" class="num">clients</th><th scope="col" class="num">${WELL_KNOWN_HEADER_BYTES} B × N per s</th><th scope="col" class="num">measured B × N per s</th>${polls > 0 ? `<th scope="col" class="num">measured at pushlab’s interval</th>` : ''}<th scope="col" class="num">WebSocket ${WELL_KNOWN_FRAME_BYTES} B × N per s</th></tr></thead>
<tbody>
${body}
</tbody>
</table></div>
<ul class="overhead-differences">${differences.map((d) => `<li>${escapeHtml(d)}</li>`).join('')}</ul>`;
}

/** The projection section, or '' when the results hold no cost model. */
export function renderProjection(results: BenchResults): string {
  if (results.map === undefined || results.map.models.length === 0) return '';
  const projections = PROJECTION_CLIENTS.map((n) => project(results, chatWorkload(n), { utilisation: DEFAULT_UTILISATION }));
  const env = results.environment;
  const first = projections[0] as Projection;
  const span = ([lo, hi]: readonly [number, number]): string => (lo === hi ? fmtNum(lo) : `${fmtNum(lo)}–${fmtNum(hi)}`);
  const ranges = [...new Set(results.map.models.map((m) => `${span(m.range.clients)} clients, ${span(m.range.ratePerSecond)} msg/s`))];
  const redis = Object.values(first.transports).find((p) => p.backplane.kind === 'none');
  const intro = `<p>A chat-like workload: rooms of ${CHAT_ROOM_SIZE}, each client sending one message per minute (so each receives ${fmtNum(CHAT_ROOM_SIZE / 60)} per second), ${fmtNum(first.measuredSize)}-byte texts. Figures are the cost model evaluated at each size — a <strong>linear extrapolation</strong> of what one machine measured (${escapeHtml(ranges.join('; '))}); rows outside that range are tagged. One core = one core of the measuring machine (${escapeHtml(env.cpuModel)}, ${env.cores} cores, ${escapeHtml(fmtBytes(env.memoryBytes))}). Instances: one process per core, each at most ${fmtNum(DEFAULT_UTILISATION * 100)}% of its core and of that core’s share of the memory; the bound says which ran out first. Bandwidth: TCP payload, bits per second. ${redis?.backplane.kind === 'none' ? `Redis backplane: ${escapeHtml(redis.backplane.note)}.` : 'Redis backplane: see <code>pushlab project</code> for its projected cores.'} Any workload: <code>pushlab project results.json --clients N --rooms M --rate R</code>.</p>`;
  const measured = measuredHeaderBytes(results);
  const overhead = measured === undefined ? '<p>Header overhead: no measured empty poll in these results (no short-polling model or idle phase).</p>' : overheadSection(results, measured, projections);
  return section('projection-h', 'Projection past one machine', `${intro}\n${projectionTable(projections)}\n${overhead}`);
}
