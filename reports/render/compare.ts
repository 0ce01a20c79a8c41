/**
 * The comparison report: two benches (a = before/baseline, b = after) on one page — ratios
 * b/a per target for the headline metrics with regressions highlighted, then the same charts
 * as the single report with both runs overlaid, and both runs' tables and problems in full.
 * Pure, like renderReport, and built from the same pieces.
 */
import type { BenchResults, TargetSummary } from '../../results/types.ts';
import { buildCharts } from './charts.ts';
import { escapeHtml, fmtNum, fmtRatio, numberAt } from './format.ts';
import { methodologySection } from './methodology.ts';
import { describeRun, type RenderOptions } from './report.ts';
import { modelTable, runsTable, summaryTable, targetHeader } from './tables.ts';
import { isBaseline, rowKey, sortSummaries } from './targets.ts';
import { chartsGrid, renderPage, section } from './template.ts';
import { verdictSection } from './verdict.ts';
import { decisionComparison } from './decision-compare.ts';

/** A change worse than this (10%) is a regression; better than it, an improvement. */
export const REGRESSION_THRESHOLD = 0.1;

export interface CompareMetric {
  /** Dotted path in TargetSummary. */
  path: string;
  name: string;
  unit: string;
  /** Displayed = raw × scale. */
  scale: number;
  /** Delivered messages: lower is worse. Everything else here: higher is worse. */
  higherIsWorse: boolean;
}

export const COMPARE_METRICS: readonly CompareMetric[] = [
  { path: 'latencyMs.p50', name: 'p50 latency', unit: 'ms', scale: 1, higherIsWorse: true },
  { path: 'latencyMs.p99', name: 'p99 latency', unit: 'ms', scale: 1, higherIsWorse: true },
  { path: 'requestsPerSecond.median', name: 'requests/s', unit: 'req/s', scale: 1, higherIsWorse: true },
  { path: 'requestsPerDelivered.median', name: 'requests per delivered', unit: 'req', scale: 1, higherIsWorse: true },
  { path: 'bytesPerDelivered.median', name: 'bytes per delivered', unit: 'B', scale: 1, higherIsWorse: true },
  { path: 'cpuSecondsPer1kDelivered.median', name: 'CPU per 1k msgs', unit: 'ms', scale: 1000, higherIsWorse: true },
  { path: 'rssPeakBytes.median', name: 'peak RSS', unit: 'MiB', scale: 1 / (1024 * 1024), higherIsWorse: true },
  { path: 'delivered.median', name: 'delivered', unit: 'msgs', scale: 1, higherIsWorse: false },
  { path: 'lost.max', name: 'lost (worst rep.)', unit: 'msgs', scale: 1, higherIsWorse: true },
];

export type Change = 'regression' | 'improvement' | 'same';

export interface MetricChange {
  key: string;
  metric: CompareMetric;
  a: number;
  b: number;
  /** b / a; Infinity when a is 0 and b is not; 1 when both are 0. */
  ratio: number;
  change: Change;
}

export function ratioOf(a: number, b: number): number {
  if (a === 0) return b === 0 ? 1 : Infinity;
  return b / a;
}

/** `threshold`: the relative change that counts (0.1 = 10%; `--fail-on-regression` sets it). */
export function classify(ratio: number, higherIsWorse: boolean, threshold = REGRESSION_THRESHOLD): Change {
  const worse = higherIsWorse ? ratio > 1 + threshold : ratio < 1 - threshold;
  const better = higherIsWorse ? ratio < 1 - threshold : ratio > 1 + threshold;
  return worse ? 'regression' : better ? 'improvement' : 'same';
}

/** Every metric of every summary row present in both benches. */
export function compareSummaries(a: BenchResults, b: BenchResults, threshold = REGRESSION_THRESHOLD): MetricChange[] {
  const before = new Map(a.summary.map((s) => [rowKey(s), s] as const));
  const changes: MetricChange[] = [];
  for (const after of sortSummaries(b.summary, b.options.sweep?.values)) {
    const key = rowKey(after);
    const old = before.get(key);
    if (!old) continue;
    for (const metric of COMPARE_METRICS) {
      const va = numberAt(old, metric.path);
      const vb = numberAt(after, metric.path);
      if (va === undefined || vb === undefined) continue;
      const ratio = ratioOf(va, vb);
      changes.push({ key, metric, a: va, b: vb, ratio, change: classify(ratio, metric.higherIsWorse, threshold) });
    }
  }
  return changes;
}

function changeCell(c: MetricChange): string {
  const shown = (v: number): string => fmtNum(v * c.metric.scale);
  const ratioText = Number.isFinite(c.ratio) ? fmtRatio(c.ratio) : 'new';
  const flag = c.change === 'regression' ? ' ▲ worse' : c.change === 'improvement' ? ' ▼ better' : '';
  const cls = c.change === 'same' ? '' : ` ${c.change}`;
  return `<td class="num${cls}" data-compare="${escapeHtml(`${c.key}:${c.metric.path}`)}" data-ratio="${c.ratio}" data-change="${c.change}">${escapeHtml(ratioText + flag)}<span class="spread">${escapeHtml(`${shown(c.a)} → ${shown(c.b)} ${c.metric.unit}`)}</span></td>`;
}

/** The options that make a workload: two benches that differ in one measured different things. */
export const WORKLOAD_KEYS = ['clients', 'rooms', 'senders', 'rate', 'size', 'durationMs', 'warmupMs', 'pollIntervalMs', 'holdMs', 'instances', 'topologies', 'faults', 'restartServer', 'phases', 'sweep'] as const;

/** `clients 20 → 100` per workload option that differs; empty when the workloads match. */
export function workloadDifferences(a: BenchResults, b: BenchResults): string[] {
  const show = (v: unknown): string => (v === undefined ? '(unset)' : JSON.stringify(v));
  return WORKLOAD_KEYS.filter((k) => JSON.stringify(a.options[k] ?? null) !== JSON.stringify(b.options[k] ?? null)).map((k) => `${k} ${show(a.options[k])} → ${show(b.options[k])}`);
}

function ratiosTable(a: BenchResults, b: BenchResults, changes: readonly MetricChange[], threshold: number): string {
  const sweepOption = b.options.sweep?.option ?? a.options.sweep?.option;
  const rows = sortSummaries(b.summary, b.options.sweep?.values).filter((s) => changes.some((c) => c.key === rowKey(s)));
  const body = rows
    .map((s: TargetSummary) => {
      const key = rowKey(s);
      const cells = COMPARE_METRICS.map((m) => {
        const c = changes.find((x) => x.key === key && x.metric === m);
        return c ? changeCell(c) : '<td class="num">—</td>';
      });
      return `<tr class="${isBaseline(s.target) ? 'baseline' : 'transport'}">${targetHeader(s, sweepOption)}${cells.join('')}</tr>`;
    })
    .join('\n');
  if (rows.length === 0) {
    return '<p class="alert info">The two benches have no target (and sweep value) in common, so there is nothing to divide. The charts below still overlay both.</p>';
  }
  const head = COMPARE_METRICS.map((m) => `<th scope="col" class="num">${escapeHtml(m.name)} (${escapeHtml(m.unit)})</th>`).join('');
  return `<div class="table-wrap"><table class="ratios">
<caption>Ratios after ÷ before, per target<span class="caption-note">${escapeHtml(`Red: worse by more than ${pct(threshold)}% (higher latency, requests, bytes, CPU, memory or loss; fewer deliveries). Green: better by more than ${pct(threshold)}%. Below each ratio: before → after.`)}</span></caption>
<thead><tr><th scope="col" class="left">Target</th>${head}</tr></thead>
<tbody>
${body}
</tbody></table></div>`;
}

function unmatched(a: BenchResults, b: BenchResults): string {
  const keysA = new Set(a.summary.map(rowKey));
  const keysB = new Set(b.summary.map(rowKey));
  const onlyA = [...keysA].filter((k) => !keysB.has(k));
  const onlyB = [...keysB].filter((k) => !keysA.has(k));
  const notes: string[] = [];
  if (onlyA.length > 0) notes.push(`Only in before: ${onlyA.join(', ')}.`);
  if (onlyB.length > 0) notes.push(`Only in after: ${onlyB.join(', ')}.`);
  return notes.length > 0 ? `<p class="alert info">${escapeHtml(notes.join(' '))}</p>` : '';
}

const pct = (threshold: number): string => String(Math.round(threshold * 1000) / 10);

function changesSummary(changes: readonly MetricChange[], threshold: number): string {
  const regressions = changes.filter((c) => c.change === 'regression');
  const improvements = changes.filter((c) => c.change === 'improvement');
  const line = (c: MetricChange): string =>
    `${c.key} ${c.metric.name}: ${Number.isFinite(c.ratio) ? fmtRatio(c.ratio) : 'from 0'} (${fmtNum(c.a * c.metric.scale)} → ${fmtNum(c.b * c.metric.scale)} ${c.metric.unit})`;
  const parts: string[] = [];
  if (changes.length === 0) {
    // No row in common: nothing was compared, so nothing can be called "no regression".
    parts.push('<div class="alert bad" role="alert" data-nothing-compared="true"><h3>Nothing compared: the two benches share no target (and sweep value)</h3></div>');
  } else if (regressions.length > 0) {
    parts.push(
      `<div class="alert bad" role="alert"><h3>${regressions.length} regression${regressions.length === 1 ? '' : 's'} beyond ${pct(threshold)}%</h3><ul>${regressions.map((c) => `<li>${escapeHtml(line(c))}</li>`).join('')}</ul></div>`,
    );
  } else {
    parts.push(`<div class="alert ok"><h3>No regression beyond ${pct(threshold)}%</h3></div>`);
  }
  if (improvements.length > 0) {
    parts.push(
      `<div class="alert info"><h3>${improvements.length} improvement${improvements.length === 1 ? '' : 's'} beyond ${pct(threshold)}%</h3><ul>${improvements.map((c) => `<li>${escapeHtml(line(c))}</li>`).join('')}</ul></div>`,
    );
  }
  return parts.join('\n');
}

export interface CompareRenderOptions extends RenderOptions {
  /** Relative change that counts as a regression (default REGRESSION_THRESHOLD). */
  threshold?: number;
}

export function renderComparison(a: BenchResults, b: BenchResults, options: CompareRenderOptions = {}): string {
  const threshold = options.threshold ?? REGRESSION_THRESHOLD;
  const differences = workloadDifferences(a, b);
  const forced = differences.length === 0 ? '' : `<p class="alert bad" role="alert">${escapeHtml(`The workloads differ (${differences.join('; ')}): these ratios compare different measurements (compared anyway with --force).`)}</p>`;
  const sets = [
    { role: 'before' as const, results: a },
    { role: 'after' as const, results: b },
  ];
  const charts = buildCharts(sets);
  const changes = compareSummaries(a, b, threshold);
  // Map benches: the cells side by side ('' unless one of the two holds a map).
  const decision = decisionComparison(a, b, threshold);
  const body = [
    section(
      'changes-h',
      'What changed',
      `<p><strong>Before:</strong> ${escapeHtml(describeRun(a))}<br><strong>After:</strong> ${escapeHtml(describeRun(b))}</p>
${forced}
${changesSummary(changes, threshold)}
${unmatched(a, b)}
${ratiosTable(a, b, changes, threshold)}`,
    ),
    ...(decision === '' ? [] : [decision]),
    verdictSection(b, 'Verdict — after', 'verdict-after-h'),
    verdictSection(a, 'Verdict — before', 'verdict-before-h'),
    section('summary-h', 'Summary', `${summaryTable(b, 'Summary per target — after')}\n${summaryTable(a, 'Summary per target — before')}`),
    section('runs-h', 'Every run', `${runsTable(b, 'Every run — after')}\n${runsTable(a, 'Every run — before')}`),
    section('charts-h', 'Charts (before faded and dashed, after solid)', chartsGrid(charts)),
    section('model-h', 'Measured vs model', `<h3>After</h3>${modelTable(b)}<h3>Before</h3>${modelTable(a)}`),
    section(
      'method-h',
      'Methodology and environment',
      methodologySection([
        { label: 'before', results: a },
        { label: 'after', results: b },
      ]),
    ),
  ].join('\n');
  return renderPage({
    title: `pushlab comparison — ${a.options.scenario} → ${b.options.scenario}`,
    subtitle: 'Before (a) vs after (b); ratios are after ÷ before.',
    body,
    charts,
    json: [
      { id: 'results-before', value: a, filename: 'results-before.json', linkText: 'Download before (results.json)' },
      { id: 'results-after', value: b, filename: 'results-after.json', linkText: 'Download after (results.json)' },
    ],
    footer: `Generated by ${b.tool.name} ${b.tool.version} from results schema v${b.schemaVersion}.`,
    ...(options.chartJs !== undefined ? { chartJs: options.chartJs } : {}),
  });
}
