/**
 * The "Scale-out" section: what the backplane, the proxy and more instances add. Shown when a
 * bench ran more than one topology (`pushlab bench --instances N`, results/topology.ts): per
 * transport (and sweep value), one row per topology rung with latency, CPU per 1k messages —
 * total and per part (instances, redis-server, nginx) — memory, deliveries, and each figure
 * as a multiple of the same transport's plain single process (`memory · 1 · direct`), then a
 * sentence saying it in words. Colour = the transport, as everywhere; the rung is told apart
 * by the swatch's pattern and by name. Every number is a `data-metric` span (see tables.ts).
 */
import type { BenchResults, TargetSummary } from '../../results/types.ts';
import { REFERENCE_TOPOLOGY, parseTopology } from '../../results/topology.ts';
import { BYTES_PER_MIB, escapeHtml, fmtNum, fmtRatio } from './format.ts';
import { metricSpan } from './tables.ts';
import { isBaseline, rowKey, sortSummaries, targetColour } from './targets.ts';
import { section } from './template.ts';

const PARTS = ['servers', 'redis', 'nginx'] as const;
const PART_LABEL: Record<(typeof PARTS)[number], string> = { servers: 'instances', redis: 'redis', nginx: 'nginx' };

/** Rung patterns over the transport's colour: solid, stripes, dots, cross-hatch (then repeat). */
const PATTERNS = [
  '',
  'repeating-linear-gradient(45deg, transparent 0 2px, rgba(255,255,255,0.75) 2px 4px)',
  'radial-gradient(rgba(255,255,255,0.85) 1.2px, transparent 1.4px) 0 0 / 4px 4px',
  'repeating-linear-gradient(45deg, transparent 0 2px, rgba(255,255,255,0.75) 2px 3px), repeating-linear-gradient(-45deg, transparent 0 2px, rgba(255,255,255,0.75) 2px 3px)',
] as const;

function rungSwatch(target: TargetSummary['target'], rung: number): string {
  const pattern = PATTERNS[rung % PATTERNS.length] ?? '';
  const image = pattern === '' ? '' : `;background:${pattern},${targetColour(target)}`;
  return `<span class="swatch" style="background-color:${targetColour(target)}${image}" aria-hidden="true"></span>`;
}

/** Distinct topologies of the summary, in ladder order. */
export function topologiesIn(results: BenchResults): string[] {
  const names = sortSummaries(results.summary.filter((s) => s.topology !== undefined), results.options.sweep?.values).map((s) => s.topology as string);
  return [...new Set(names)];
}

const ms = (v: number): string => `${fmtNum(v)} ms`;

function describeRung(name: string): string {
  try {
    const t = parseTopology(name);
    if (t.backplane === 'memory') return 'the plain single process';
    const who = t.instances === 1 ? 'one instance' : `${t.instances} instances`;
    return `${who} on Redis${t.proxied ? ' behind nginx' : ', no proxy'}`;
  } catch {
    return name;
  }
}

/** The verdict of one transport's ladder, in words: each rung against the single process. */
export function scaleOutSentence(rows: readonly TargetSummary[]): string {
  const ref = rows.find((r) => r.topology === REFERENCE_TOPOLOGY);
  const others = rows.filter((r) => r.topology !== REFERENCE_TOPOLOGY && r.topologyMultiple !== undefined);
  const head = rows[0];
  if (ref === undefined || others.length === 0 || head === undefined) return '';
  const parts = others.map((r) => {
    const m = r.topologyMultiple as NonNullable<TargetSummary['topologyMultiple']>;
    const dp50 = r.latencyMs.p50 - ref.latencyMs.p50;
    const sign = dp50 >= 0 ? 'adds' : 'takes off';
    return `${describeRung(r.topology as string)} (${r.topology}) ${sign} ${ms(Math.abs(dp50))} at p50 (${fmtRatio(m.p50)}), p99 ${fmtRatio(m.p99)}, and ${fmtRatio(m.cpuPer1k)} the CPU per message`;
  });
  return `${head.target}: against the plain single process (p50 ${ms(ref.latencyMs.p50)}, p99 ${ms(ref.latencyMs.p99)}, ${fmtNum(ref.cpuSecondsPer1kDelivered.median * 1000)} ms CPU per 1k messages), ${parts.join('; ')}.`;
}

function partCell(s: TargetSummary, part: (typeof PARTS)[number]): string {
  const i = s.parts?.findIndex((p) => p.part === part) ?? -1;
  if (i < 0) {
    // A single process has no split: its one part is the instance.
    if (part === 'servers' && s.parts === undefined) return `<td class="num">${metricSpan(rowKey(s), 'cpuSecondsPer1kDelivered.median', s.cpuSecondsPer1kDelivered.median, { scale: 1000 })}</td>`;
    return '<td class="num"><span class="missing">—</span></td>';
  }
  return `<td class="num">${metricSpan(rowKey(s), `parts.${i}.cpuSecondsPer1kDelivered.median`, s.parts?.[i]?.cpuSecondsPer1kDelivered.median, { scale: 1000 })}</td>`;
}

function ladderTable(results: BenchResults, rows: readonly TargetSummary[], ladder: readonly string[], caption: string): string {
  const body = rows
    .map((s) => {
      const key = rowKey(s);
      // A rung whose run was load-bound or failed is marked here too, not only in the alerts.
      const runs = results.runs.filter((r) => rowKey(r) === key);
      const flags = [runs.some((r) => r.error !== undefined) ? 'failed' : '', runs.some((r) => r.workers.loadBound) ? 'load-bound' : ''].filter((f) => f !== '');
      const tag = flags.length === 0 ? '' : `<span class="tag">${escapeHtml(flags.join(', '))}</span>`;
      const m = s.topologyMultiple;
      const ratio = (path: string, raw: number | undefined): string =>
        `<td class="num">${raw === undefined ? (s.topology === REFERENCE_TOPOLOGY ? '1× (reference)' : '—') : metricSpan(key, `topologyMultiple.${path}`, raw, { format: fmtRatio })}</td>`;
      const cells = [
        `<th scope="row">${rungSwatch(s.target, Math.max(0, ladder.indexOf(s.topology ?? '')))}${escapeHtml(s.topology ?? '')}${tag}</th>`,
        `<td class="num">${metricSpan(key, 'latencyMs.p50', s.latencyMs.p50)}</td>`,
        `<td class="num">${metricSpan(key, 'latencyMs.p99', s.latencyMs.p99)}</td>`,
        `<td class="num">${metricSpan(key, 'cpuSecondsPer1kDelivered.median', s.cpuSecondsPer1kDelivered.median, { scale: 1000 })}</td>`,
        ...PARTS.map((p) => partCell(s, p)),
        `<td class="num">${metricSpan(key, 'rssPeakBytes.median', s.rssPeakBytes.median, { scale: 1 / BYTES_PER_MIB })}</td>`,
        `<td class="num">${metricSpan(key, 'delivered.median', s.delivered.median, { format: (v) => fmtNum(v, 7) })}</td>`,
        `<td class="num${s.lost.max > 0 ? ' loss' : ''}">${metricSpan(key, 'lost.max', s.lost.max, { format: (v) => fmtNum(v, 7) })}</td>`,
        ratio('p50', m?.p50),
        ratio('p99', m?.p99),
        ratio('cpuPer1k', m?.cpuPer1k),
      ];
      return `<tr class="transport" data-row="${escapeHtml(key)}">${cells.join('')}</tr>`;
    })
    .join('\n');
  return `<div class="table-wrap"><table class="scaleout">
<caption>${escapeHtml(caption)}</caption>
<thead>
<tr class="group"><th scope="col" rowspan="2" class="left">Topology (backplane · instances · proxy)</th><th scope="colgroup" colspan="2">Latency (ms)</th><th scope="colgroup" colspan="4">CPU per 1k delivered msgs (ms)</th><th scope="col" rowspan="2" class="num">peak RSS, all parts (MiB)</th><th scope="colgroup" colspan="2">Messages per run</th><th scope="colgroup" colspan="3">× ${escapeHtml(REFERENCE_TOPOLOGY)}</th></tr>
<tr><th scope="col" class="num">p50</th><th scope="col" class="num">p99</th><th scope="col" class="num">total</th>${PARTS.map((p) => `<th scope="col" class="num">${PART_LABEL[p]}</th>`).join('')}<th scope="col" class="num">delivered</th><th scope="col" class="num">lost (worst)</th><th scope="col" class="num">p50</th><th scope="col" class="num">p99</th><th scope="col" class="num">CPU/1k</th></tr>
</thead>
<tbody>
${body}
</tbody>
</table></div>`;
}

/** The section, or '' when the bench ran a single topology (or none). */
export function scaleOutSection(results: BenchResults): string {
  const ladder = topologiesIn(results);
  if (ladder.length < 2) return '';
  const sweep = results.options.sweep;
  const rows = sortSummaries(results.summary.filter((s) => s.topology !== undefined && !isBaseline(s.target)), sweep?.values);
  const groups = new Map<string, TargetSummary[]>();
  for (const s of rows) {
    const key = `${s.target}\u0000${String(s.sweepValue ?? '')}`;
    groups.set(key, [...(groups.get(key) ?? []), s]);
  }
  const blocks: string[] = [];
  const sentences: string[] = [];
  for (const list of groups.values()) {
    const head = list[0] as TargetSummary;
    const at = head.sweepValue === undefined ? '' : ` at ${sweep?.option ?? 'sweep'} = ${String(head.sweepValue)}`;
    blocks.push(`<h3>${rungSwatch(head.target, 0)}${escapeHtml(head.target + at)}</h3>`);
    blocks.push(ladderTable(results, list, ladder, `${head.target}${at}: every topology on the same workload`));
    const sentence = scaleOutSentence(list);
    if (sentence !== '') {
      blocks.push(`<p class="scaleout-verdict">${escapeHtml(sentence)}</p>`);
      sentences.push(sentence + (at === '' ? '' : ` (${at.trim()})`));
    }
  }
  const external = results.options.backplane !== undefined;
  const intro = `<p>Every transport ran each topology in turn on the same workload: ${ladder.map((t) => `<code>${escapeHtml(t)}</code> (${escapeHtml(describeRung(t))})`).join(', ')}. Ratios are against <code>${escapeHtml(REFERENCE_TOPOLOGY)}</code> of the same transport. CPU and memory are summed over every process of the setup, read from <code>/proc</code>: the pushlab instances, ${external ? 'not redis-server (a Redis given with <code>--backplane</code> is not the bench’s to measure)' : 'the redis-server the bench started'}, and nginx — its master and its worker processes. The split per part is in <code>results.json</code> (<code>runs[].parts</code>) and in the columns below. ${
    results.environment.taskset && results.environment.cores >= 2
      ? 'Every process of the server side is pinned to the server’s core (taskset), as the single process is, and the load generator keeps the other core: every rung has the same CPU budget'
      : `The server side shares the machine’s ${escapeHtml(String(results.environment.cores))} cores with the load generator (no taskset)`
  }, so more instances on one machine show the overhead of scaling out, not its capacity gain.</p>`;
  const summary = sentences.length > 0 ? `<ul class="scaleout-summary">${sentences.map((s) => `<li>${escapeHtml(s)}</li>`).join('')}</ul>` : '';
  return section('scaleout-h', 'Scale-out', `${intro}\n${summary}\n${blocks.join('\n')}`);
}
