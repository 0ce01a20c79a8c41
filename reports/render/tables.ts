/**
 * The report's tables, as HTML strings. Every number in the summary is real text, wrapped in
 * `<span data-metric="<row key>:<JSON path in TargetSummary>" data-value="<raw JSON number>">`
 * (plus `data-scale` when the text is the value times a unit factor), so a reader can copy it
 * and a test can match it to results.json. The row key is the target, or `target@sweepValue`.
 */
import type { BenchResults, FloorResult, RunResult, TargetSummary } from '../../results/types.ts';
import { BYTES_PER_MIB, escapeHtml, fmtInt, fmtNum, fmtRatio, numberAt } from './format.ts';
import { isBaseline, isPeer, isReference, rowKey, rowLabel, sortSummaries, targetColour } from './targets.ts';
import { peerCell, peerColumnNote } from './peers.ts';
import { withCi, withRatioCi } from './intervals.ts';

/** How a JSON number is shown: unit factor and formatter. */
export interface CellFormat {
  /** Displayed = raw × scale (e.g. 1000 to show seconds as ms). */
  scale?: number;
  format?: (displayed: number) => string;
}

/** One number as a span carrying its provenance (see module comment). */
export function metricSpan(key: string, path: string, raw: number | undefined, cell: CellFormat = {}): string {
  if (raw === undefined) return '<span class="missing">—</span>';
  const scale = cell.scale ?? 1;
  const text = (cell.format ?? fmtNum)(raw * scale);
  const scaleAttr = scale === 1 ? '' : ` data-scale="${scale}"`;
  return `<span data-metric="${escapeHtml(`${key}:${path}`)}" data-value="${raw}"${scaleAttr}>${escapeHtml(text)}</span>`;
}

/** A table cell with a main number and, below it, the min–max spread across repetitions. */
function statCell(summary: TargetSummary, mainPath: string, statPath: string | undefined, cell: CellFormat = {}, cls = ''): string {
  const key = rowKey(summary);
  const main = metricSpan(key, mainPath, numberAt(summary, mainPath), cell);
  let spread = '';
  if (statPath !== undefined && summary.repetitions > 1) {
    const minRaw = numberAt(summary, `${statPath}.min`);
    const maxRaw = numberAt(summary, `${statPath}.max`);
    const min = metricSpan(key, `${statPath}.min`, minRaw, cell);
    const max = metricSpan(key, `${statPath}.max`, maxRaw, cell);
    // Identical repetitions: say so in two words instead of "15 000–15 000" (keeps the table narrow).
    spread =
      minRaw !== undefined && minRaw === maxRaw
        ? `<span class="spread" title="min = max">all ${min}</span>`
        : `<span class="spread">${min}–${max}</span>`;
  }
  return `<td class="num${cls ? ` ${cls}` : ''}">${main}${spread}</td>`;
}

export function swatch(target: RunTarget): string {
  return `<span class="swatch${isReference(target) ? ' dashed' : ''}" style="background-color:${targetColour(target)}" aria-hidden="true"></span>`;
}

type RunTarget = TargetSummary['target'];

export function targetHeader(item: Pick<TargetSummary, 'target' | 'sweepValue'>, sweepOption: string | undefined, extra = ''): string {
  const ref = isBaseline(item.target) ? '<span class="tag">reference</span>' : isPeer(item.target) ? '<span class="tag">peer</span>' : '';
  return `<th scope="row">${swatch(item.target)}${escapeHtml(rowLabel(item, sweepOption))}${extra}${ref}</th>`;
}

const ratioFormat: CellFormat = { format: fmtRatio };
/** Counts: integers as such; a median of two counts may end in .5 and keeps it. */
const intFormat: CellFormat = { format: (v) => (Number.isInteger(v) ? fmtInt(v) : fmtNum(v, 7)) };
const cpuMsFormat: CellFormat = { scale: 1000 };
const mibFormat: CellFormat = { scale: 1 / BYTES_PER_MIB };
const kibFormat: CellFormat = { scale: 1 / 1024 };

/** The summary table: one row per target (and sweep value). */
export function summaryTable(results: BenchResults, caption = 'Summary per target'): string {
  const sweepOption = results.options.sweep?.option;
  const rows = sortSummaries(results.summary, results.options.sweep?.values);
  if (rows.length === 0) return '<p class="alert bad">No summary rows: no run produced results.</p>';
  const anyBaselineMultiple = rows.some((r) => r.baselineMultiple !== undefined);
  const anyPeerMultiple = rows.some((r) => r.peerMultiple !== undefined);
  // Heap per connection: results written before it existed keep their table as it was.
  const anyHeap = rows.some((r) => r.heapPerConnectionBytes !== undefined);
  const body = rows
    .map((s) => {
      const key = rowKey(s);
      const reps = `<span class="spread">${escapeHtml(`${s.repetitions} repetition${s.repetitions === 1 ? '' : 's'}`)}</span>`;
      // Multiples stack one per line ("p50 9.5×", "p99 17×", "vs ws-echo") to keep the table narrow.
      const line = (label: string, path: string, raw: number): string =>
        `<span class="line">${label} ${metricSpan(key, path, raw, ratioFormat)}</span>`;
      const floor =
        line('p50', 'floorMultiple.p50', s.floorMultiple.p50) + line('p99', 'floorMultiple.p99', s.floorMultiple.p99);
      const cells = [
        targetHeader(s, sweepOption, reps),
        withCi(statCell(s, 'latencyMs.p50', 'p50Ms'), s.latencyCi?.p50Ms),
        withCi(statCell(s, 'latencyMs.p99', 'p99Ms'), s.latencyCi?.p99Ms),
        statCell(s, 'latencyMs.max', undefined),
        `<td class="num">${floor}<span class="spread">vs ${escapeHtml(s.floorMultiple.floor)}</span></td>`,
      ];
      if (anyBaselineMultiple) {
        const b = s.baselineMultiple;
        cells.push(
          b
            ? withRatioCi(`<td class="num">${line('p50', 'baselineMultiple.p50', b.p50)}${line('p99', 'baselineMultiple.p99', b.p99)}${line('CPU', 'baselineMultiple.cpuPer1k', b.cpuPer1k)}</td>`, b.ci)
            : '<td class="num">—</td>',
        );
      }
      if (anyPeerMultiple) cells.push(withRatioCi(peerCell(s, line), s.peerMultiple?.ci));
      cells.push(
        statCell(s, 'requestsPerSecond.median', 'requestsPerSecond'),
        statCell(s, 'requestsPerDelivered.median', 'requestsPerDelivered'),
        statCell(s, 'bytesPerDelivered.median', 'bytesPerDelivered'),
        statCell(s, 'cpuSecondsPer1kDelivered.median', 'cpuSecondsPer1kDelivered', cpuMsFormat),
        statCell(s, 'rssPeakBytes.median', 'rssPeakBytes', mibFormat),
        ...(anyHeap ? [statCell(s, 'heapPerConnectionBytes.median', 'heapPerConnectionBytes', kibFormat)] : []),
        statCell(s, 'delivered.median', 'delivered', intFormat),
        // Losses show the worst repetition, not the median: a median of [0, 3] would hide a loss.
        statCell(s, 'lost.max', 'lost', intFormat, s.lost.max > 0 ? 'loss' : ''),
        statCell(s, 'duplicates.max', 'duplicates', intFormat, s.duplicates.max > 0 ? 'loss' : ''),
      );
      return `<tr class="${isBaseline(s.target) ? 'baseline' : isPeer(s.target) ? 'peer' : 'transport'}${s.loadBound === true ? ' flagged' : ''}" data-row="${escapeHtml(key)}">${cells.join('')}</tr>`;
    })
    .join('\n');
  const pairs = [...new Set(rows.flatMap((r) => (r.baselineMultiple ? [`${r.target} vs ${r.baselineMultiple.baseline}`] : [])))];
  const baselineNote = pairs.length > 0 ? ` × bare baseline: ${pairs.join(', ')}.` : '';
  const baselineHead = anyBaselineMultiple ? '<th scope="col" rowspan="2" class="num">× bare baseline</th>' : '';
  const peerHead = anyPeerMultiple ? '<th scope="col" rowspan="2" class="num">× Socket.IO</th>' : '';
  return `<div class="table-wrap"><table class="summary">
<caption>${escapeHtml(caption)}<span class="caption-note">Latency percentiles come from the histograms merged across repetitions; other cells show the median over repetitions, with the min–max spread across repetitions below. Multiples: 1× = as fast or as cheap as the reference.${escapeHtml(baselineNote)}${escapeHtml(anyPeerMultiple ? peerColumnNote(rows) : '')} Lost and duplicates: worst repetition.</span></caption>
<thead>
<tr class="group"><th scope="col" rowspan="2" class="left">Target</th><th scope="colgroup" colspan="3">Latency (ms)</th><th scope="col" rowspan="2" class="num">× floor</th>${baselineHead}${peerHead}<th scope="colgroup" colspan="2">HTTP requests</th><th scope="col" rowspan="2" class="num">Bytes per delivered msg (B)</th><th scope="colgroup" colspan="${anyHeap ? 3 : 2}">Server</th><th scope="colgroup" colspan="3">Messages per run</th></tr>
<tr><th scope="col" class="num">p50</th><th scope="col" class="num">p99</th><th scope="col" class="num">max</th><th scope="col" class="num">per second (req/s)</th><th scope="col" class="num">per delivered msg</th><th scope="col" class="num">CPU per 1k msgs (ms)</th><th scope="col" class="num">peak RSS (MiB)</th>${anyHeap ? '<th scope="col" class="num">heap per connection (KiB)</th>' : ''}<th scope="col" class="num">delivered</th><th scope="col" class="num">lost (worst)</th><th scope="col" class="num">dup. (worst)</th></tr>
</thead>
<tbody>
${body}
</tbody>
</table></div>`;
}

function runLabel(run: RunResult, sweepOption: string | undefined): string {
  return `${rowLabel(run, sweepOption)} #${run.repetition}`;
}

/** Every run on one line: where a loss, a stall or a failure is visible at a glance. */
export function runsTable(results: BenchResults, caption = 'Every run'): string {
  const sweepOption = results.options.sweep?.option;
  if (results.runs.length === 0) return '<p>No run completed.</p>';
  const body = results.runs
    .map((run) => {
      const m = run.messages;
      const problems: string[] = [];
      if (run.error) problems.push(`failed: ${run.error}`);
      if ((m.sendErrors ?? 0) > 0) problems.push(`${fmtInt(m.sendErrors ?? 0)} publishes failed`);
      if ((m.negativeLatency ?? 0) > 0) problems.push(`${fmtInt(m.negativeLatency ?? 0)} negative latencies`);
      if (run.workers.loadBound) problems.push(`load-bound: ${run.workers.reasons.join('; ') || 'load generator was the bottleneck'}`);
      const lossCls = m.lost > 0 ? ' loss' : '';
      return `<tr${run.error || run.workers.loadBound ? ' class="flagged"' : ''}><th scope="row">${swatch(run.target)}${escapeHtml(runLabel(run, sweepOption))}</th><td class="num">${fmtInt(m.scheduled ?? m.sent)}</td><td class="num">${fmtInt(m.sent)}</td><td class="num${(m.unanswered ?? 0) > 0 ? ' loss' : ''}">${fmtInt(m.unanswered ?? 0)}</td><td class="num">${fmtInt(m.expected)}</td><td class="num">${fmtInt(m.delivered)}</td><td class="num${(m.late ?? 0) > 0 ? ' loss' : ''}">${fmtInt(m.late ?? 0)}</td><td class="num${lossCls}">${fmtInt(m.lost)}</td><td class="num${m.duplicates > 0 ? ' loss' : ''}">${fmtInt(m.duplicates)}</td><td class="num">${fmtInt(m.wireDuplicates ?? 0)}</td><td class="num">${fmtInt(m.outOfOrder)}</td><td class="num">${fmtInt(run.clients.connected)}</td><td class="num">${fmtInt(run.clients.reconnects)}</td><td class="num">${fmtNum(run.latencyMs.p50)}</td><td class="num">${fmtNum(run.workers.scheduleLagP50Ms ?? 0)}</td><td class="num">${fmtNum(run.latencyMs.p99)}</td><td class="num">${fmtNum(run.latencyUncorrectedMs.p99)}</td><td class="num">${fmtNum(run.workers.scheduleLagMaxMs)}</td><td class="num${run.workers.loadBound ? ' loss' : ''}">${run.workers.loadCoresBusyPercent === undefined ? '–' : `${fmtNum(run.workers.loadCoresBusyPercent)}%`}</td><td class="num">${fmtNum(run.workers.eventLoopDelayP99Ms ?? 0)}</td><td>${escapeHtml(problems.join(' · ') || 'ok')}</td></tr>`;
    })
    .join('\n');
  return `<div class="table-wrap"><table class="runs">
<caption>${escapeHtml(caption)}<span class="caption-note">Delivery counts are per subscriber: one message to a room of 10 is 10 expected deliveries. Every scheduled publish is acked, failed or unanswered when the drain ends; late = delivered after the drain; wire dup. = replays the client dropped; out of order = a seq below one already received. “Uncorrected p99” is measured from the actual send time (not corrected for coordinated omission).</span></caption>
<thead><tr><th scope="col" class="left">Run</th><th scope="col" class="num">scheduled</th><th scope="col" class="num">acked</th><th scope="col" class="num">unanswered</th><th scope="col" class="num">expected</th><th scope="col" class="num">delivered</th><th scope="col" class="num">late</th><th scope="col" class="num">lost</th><th scope="col" class="num">dup.</th><th scope="col" class="num">wire dup.</th><th scope="col" class="num">out of order</th><th scope="col" class="num">clients</th><th scope="col" class="num">reconnects</th><th scope="col" class="num">p50 (ms)</th><th scope="col" class="num">sender lag p50 (ms)</th><th scope="col" class="num">p99 (ms)</th><th scope="col" class="num">uncorrected p99 (ms)</th><th scope="col" class="num">max sender lag (ms)</th><th scope="col" class="num">load cores busy</th><th scope="col" class="num">worker loop delay p99 (ms)</th><th scope="col" class="left">status</th></tr></thead>
<tbody>
${body}
</tbody></table></div>`;
}

/** Measured vs model: every run's checks, flagged rows highlighted. */
export function modelTable(results: BenchResults): string {
  const sweepOption = results.options.sweep?.option;
  const rows = results.runs.flatMap((run) => run.model.map((check) => ({ run, check })));
  if (rows.length === 0) return '<p class="chart-skipped">No model checks were recorded for these runs.</p>';
  const flagged = rows.filter((r) => r.check.flagged).length;
  const body = rows
    .map(({ run, check }) => {
      const cls = check.flagged ? ' class="flagged"' : '';
      const verdict = check.flagged ? '⚠ off model' : 'within tolerance';
      return `<tr${cls}><th scope="row">${swatch(run.target)}${escapeHtml(runLabel(run, sweepOption))}</th><td>${escapeHtml(check.metric)}</td><td class="num">${fmtNum(check.predicted)}</td><td class="num">${fmtNum(check.measured)}</td><td>${escapeHtml(check.unit)}</td><td class="num">${fmtRatio(check.ratio)}</td><td class="num">±${fmtNum(check.tolerance * 100)}%</td><td>${escapeHtml(verdict)}</td><td>${escapeHtml(check.note)}</td></tr>`;
    })
    .join('\n');
  return `<div class="table-wrap"><table class="model">
<caption>Measured vs model<span class="caption-note">${escapeHtml(`${rows.length} checks, ${flagged} outside tolerance. Ratio = measured ÷ predicted; a flagged row means either the theory or the implementation is wrong — find out which before trusting the numbers.`)}</span></caption>
<thead><tr><th scope="col" class="left">Run</th><th scope="col" class="left">metric</th><th scope="col" class="num">predicted</th><th scope="col" class="num">measured</th><th scope="col" class="left">unit</th><th scope="col" class="num">ratio</th><th scope="col" class="num">tolerance</th><th scope="col" class="left">verdict</th><th scope="col" class="left">note</th></tr></thead>
<tbody>
${body}
</tbody></table></div>`;
}

export function floorsTable(floors: readonly FloorResult[]): string {
  if (floors.length === 0) return '<p class="chart-skipped">No floor was measured in this run, so latency cannot be compared with the loopback minimum.</p>';
  const body = floors
    .map(
      (f) =>
        `<tr><th scope="row">${escapeHtml(f.name)}</th><td class="num">${fmtInt(f.samples)}</td><td class="num">${fmtNum(f.latencyMs.p50)}</td><td class="num">${fmtNum(f.latencyMs.p99)}</td><td class="num">${fmtNum(f.latencyMs.max)}</td></tr>`,
    )
    .join('\n');
  return `<div class="table-wrap"><table class="floors">
<caption>Floors: raw loopback echoes measured in the same run</caption>
<thead><tr><th scope="col" class="left">echo</th><th scope="col" class="num">samples</th><th scope="col" class="num">p50 (ms)</th><th scope="col" class="num">p99 (ms)</th><th scope="col" class="num">max (ms)</th></tr></thead>
<tbody>
${body}
</tbody></table></div>`;
}

/** Any option value as short text. */
export function optionText(value: unknown): string {
  if (value === undefined) return '—';
  if (Array.isArray(value)) return value.map(String).join(', ');
  if (value !== null && typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

/** Name/value rows; `highlight` marks rows that differ (used by the comparison). */
export function keyValueTable(
  caption: string,
  columns: readonly string[],
  rows: readonly { name: string; values: readonly string[]; highlight?: boolean }[],
): string {
  const head = columns.map((c) => `<th scope="col" class="left">${escapeHtml(c)}</th>`).join('');
  const body = rows
    .map(
      (r) =>
        `<tr><th scope="row">${escapeHtml(r.name)}</th>${r.values.map((v) => `<td${r.highlight ? ' class="changed"' : ''}>${escapeHtml(v)}</td>`).join('')}</tr>`,
    )
    .join('\n');
  return `<div class="table-wrap"><table class="kv">
<caption>${escapeHtml(caption)}</caption>
<thead><tr><th scope="col" class="left">name</th>${head}</tr></thead>
<tbody>
${body}
</tbody></table></div>`;
}

/** Every bench option, in declaration order. */
export function optionRows(results: BenchResults): { name: string; value: string }[] {
  return Object.entries(results.options).map(([name, value]) => ({ name, value: optionText(value) }));
}

/** The environment as rows. */
export function environmentRows(results: BenchResults): { name: string; value: string }[] {
  const e = results.environment;
  return [
    { name: 'Node.js', value: e.node },
    { name: 'OS', value: e.os },
    { name: 'CPU', value: e.cpuModel },
    { name: 'cores', value: String(e.cores) },
    { name: 'memory', value: `${fmtNum(e.memoryBytes / 1024 ** 3)} GiB` },
    { name: 'commit', value: e.commit },
    { name: 'hostname', value: e.hostname },
    { name: 'started', value: e.startedAt },
    { name: 'finished', value: e.finishedAt },
    { name: 'CPU pinning (taskset)', value: e.taskset ? 'yes: server and load generator on separate cores' : 'no: server and load share all cores' },
    { name: 'tool', value: `${results.tool.name} ${results.tool.version}` },
  ];
}
