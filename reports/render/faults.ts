/**
 * The report's "Faults" section, for benches whose runs carry a `faults` block (`--faults`,
 * `--restart-server`): one row per target (and sweep value / topology) with cuts, reconnects,
 * time to recover, loss and server restarts, plus one chart of recovery time per target.
 * Repetitions are summed; recovery percentiles come from the merged histograms, never averaged.
 * Every number is a span carrying `data-metric="faults:<row key>:<field>"` and its raw value.
 */
import type { BenchResults, LatencySummaryMs, RunResult } from '../../results/types.ts';
import type { ChartSection, DatasetSpec } from './charts.ts';
import { escapeHtml, fmtInt, fmtNum } from './format.ts';
import { mergeHistograms } from '../../results/histogram.ts';
import { metricSpan, swatch } from './tables.ts';
import { compareTargets, rowKey, rowLabel, targetColour } from './targets.ts';

/** One row of the table: the runs of one target, added up. */
export interface FaultsRow {
  key: string;
  label: string;
  target: RunResult['target'];
  runs: number;
  cuts: number;
  reconnects: number;
  recovered: number;
  unrecovered: number;
  recoveryMs: { p50: number; p99: number; max: number; count: number };
  lost: number;
  expected: number;
  duplicates: number;
  sendErrors: number;
  serverRestarts: number;
  restartRecoveryP50Ms?: number;
  restartRecoveryMaxMs?: number;
}

const round3 = (n: number): number => Math.round(n * 1000) / 1000;

/** Recovery percentiles of several runs: from the merged histograms, else (one run) its summary. */
function recoveryOf(runs: readonly RunResult[]): FaultsRow['recoveryMs'] {
  const merged = mergeHistograms(runs.map((r) => r.faults?.recoveryHistogram ?? ''));
  if (merged !== undefined) {
    const at = (p: number): number => round3(merged.getValueAtPercentile(p) / 1000);
    return { p50: at(50), p99: at(99), max: at(100), count: merged.totalCount };
  }
  const only: LatencySummaryMs | undefined = runs.length === 1 ? runs[0]?.faults?.recoveryMs : undefined;
  return only === undefined ? { p50: 0, p99: 0, max: 0, count: 0 } : { p50: only.p50, p99: only.p99, max: only.max, count: only.count };
}

export function faultRows(results: BenchResults): FaultsRow[] {
  const groups = new Map<string, RunResult[]>();
  for (const run of results.runs) {
    if (run.faults === undefined) continue;
    const key = rowKey(run);
    const list = groups.get(key) ?? [];
    list.push(run);
    groups.set(key, list);
  }
  const sweepOption = results.options.sweep?.option;
  const rows = [...groups.entries()].map(([key, runs]): FaultsRow => {
    const first = runs[0] as RunResult;
    const sum = (pick: (r: RunResult) => number): number => runs.reduce((s, r) => s + pick(r), 0);
    const restarts = runs.filter((r) => (r.faults?.serverRestarts ?? 0) > 0);
    const row: FaultsRow = {
      key,
      label: rowLabel(first, sweepOption),
      target: first.target,
      runs: runs.length,
      cuts: sum((r) => r.faults?.cuts ?? 0),
      reconnects: sum((r) => r.faults?.reconnects ?? 0),
      recovered: sum((r) => r.faults?.recovered ?? 0),
      unrecovered: sum((r) => r.faults?.unrecovered ?? 0),
      recoveryMs: recoveryOf(runs),
      lost: sum((r) => r.messages.lost),
      expected: sum((r) => r.messages.expected),
      duplicates: sum((r) => r.messages.duplicates),
      sendErrors: sum((r) => r.messages.sendErrors ?? 0),
      serverRestarts: sum((r) => r.faults?.serverRestarts ?? 0),
    };
    if (restarts.length > 0) {
      row.restartRecoveryP50Ms = Math.max(...restarts.map((r) => r.faults?.restartRecoveryMs?.p50 ?? 0));
      row.restartRecoveryMaxMs = Math.max(...restarts.map((r) => r.faults?.restartRecoveryMs?.max ?? 0));
    }
    return row;
  });
  return rows.sort((a, b) => compareTargets(a.target, b.target) || a.key.localeCompare(b.key));
}

const count = { format: (v: number): string => fmtInt(v) };
const ms = { format: (v: number): string => `${fmtNum(v)} ms` };

function cell(row: FaultsRow, field: string, value: number | undefined, format: { format: (v: number) => string } = count, cls = ''): string {
  return `<td class="num${cls}">${metricSpan(`faults:${row.key}`, field, value, format)}</td>`;
}

function table(rows: readonly FaultsRow[], anyRestart: boolean): string {
  const head = ['Target', 'Cuts', 'Reconnects', 'Recovered', 'Unrecovered', 'Recovery p50', 'Recovery p99', 'Recovery max', 'Lost', 'Duplicates', 'Send errors', 'Server restarts'];
  if (anyRestart) head.push('Restart → first delivery p50', 'Restart → first delivery max');
  const body = rows.map((row) => {
    const cells = [
      `<th scope="row">${swatch(row.target)}${escapeHtml(row.label)}</th>`,
      cell(row, 'cuts', row.cuts),
      cell(row, 'reconnects', row.reconnects),
      cell(row, 'recovered', row.recovered),
      cell(row, 'unrecovered', row.unrecovered, count, row.unrecovered > 0 ? ' bad' : ''),
      cell(row, 'recoveryMs.p50', row.recoveryMs.p50, ms),
      cell(row, 'recoveryMs.p99', row.recoveryMs.p99, ms),
      cell(row, 'recoveryMs.max', row.recoveryMs.max, ms),
      cell(row, 'lost', row.lost, count, row.lost > 0 ? ' bad' : ''),
      cell(row, 'duplicates', row.duplicates, count, row.duplicates > 0 ? ' bad' : ''),
      cell(row, 'sendErrors', row.sendErrors),
      cell(row, 'serverRestarts', row.serverRestarts),
    ];
    if (anyRestart) cells.push(cell(row, 'restartRecoveryMs.p50', row.restartRecoveryP50Ms, ms), cell(row, 'restartRecoveryMs.max', row.restartRecoveryMaxMs, ms));
    return `<tr>${cells.join('')}</tr>`;
  });
  return `<table class="faults"><caption>Faults per target (repetitions added up; recovery percentiles from the merged histograms)</caption>
<thead><tr>${head.map((h, i) => `<th scope="col"${i === 0 ? '' : ' class="num"'}>${escapeHtml(h)}</th>`).join('')}</tr></thead>
<tbody>${body.join('\n')}</tbody></table>`;
}

/** Recovery p50 / p99 / max per target, as grouped bars. Undefined when the section is absent. */
export function faultsChart(results: BenchResults): ChartSection | undefined {
  const rows = faultRows(results);
  if (rows.length === 0) return undefined;
  const id = 'fault-recovery';
  const title = 'Time to recover from a cut';
  if (rows.every((r) => r.recoveryMs.count === 0)) return { id, title, skipped: 'No cut was followed by a delivery (no cuts, or no messages after them).' };
  const labels = rows.map((r) => r.label);
  const shades: [keyof FaultsRow['recoveryMs'], string, number][] = [
    ['p50', 'p50', 1],
    ['p99', 'p99', 0.6],
    ['max', 'max', 0.3],
  ];
  const datasets: DatasetSpec[] = shades.map(([field, label, alpha]) => ({
    label,
    data: rows.map((r) => r.recoveryMs[field]),
    borderColor: rows.map((r) => targetColour(r.target)),
    backgroundColor: rows.map((r) => `${targetColour(r.target)}${Math.round(alpha * 255).toString(16).padStart(2, '0')}`),
    borderWidth: 1,
  }));
  return {
    id,
    title,
    caption: 'From the moment a subscriber’s connection was cut to the first message delivered to it afterwards: p50, p99 (lighter) and max (lightest) per target.',
    type: 'bar',
    labels,
    datasets,
    x: { kind: 'category', title: 'Target' },
    y: { kind: 'linear', title: 'Time to recover (ms)', beginAtZero: true },
  };
}

/** The section's HTML (the chart figure is passed in, drawn by the page runtime); '' without faults. */
export function faultsSectionBody(results: BenchResults, chartFigure: string): string {
  const rows = faultRows(results);
  if (rows.length === 0) return '';
  const anyRestart = rows.some((r) => r.serverRestarts > 0);
  const notes = [
    '<p>A <em>cut</em> kills the connection a subscriber is waiting on: a WebSocket is terminated, a held long poll’s socket destroyed, and a short-poll client’s next poll fails under it (between polls it waits on no connection). <em>Reconnects</em> are the clients’ own count of getting through again (two cuts before a client is back make one reconnect). <em>Recovery</em> is the time from the cut to the first message delivered to that subscriber afterwards — what a user sees; with a steady stream it includes the reconnect, the replay from history and, for short polling, the wait for the next tick. <em>Lost</em> counts the window’s messages never delivered: history covers every cut, so it should be 0.</p>',
  ];
  if (anyRestart) {
    notes.push(
      '<p class="warning-note">The server was restarted half-way through the window (SIGTERM, then a fresh process on the same port). On the in-memory backplane a restart loses the room history and seqs start again at 1 — <strong>by design</strong>: messages the old server accepted that a client had not fetched yet are gone, and count as lost here (the Redis backplane keeps history across restarts). Publishes made while no server listened failed and count as send errors, not as loss. Messages are identified by the id written into their text, so restarted seqs neither hide loss nor fake duplicates.</p>',
    );
  }
  return `${notes.join('\n')}\n${table(rows, anyRestart)}\n${chartFigure}`;
}
