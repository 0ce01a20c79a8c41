/**
 * "Methodology and environment": how the numbers were produced and what they do not say.
 * Shared by the report and the comparison (which passes two labelled results).
 */
import type { BenchResults } from '../../results/types.ts';
import { escapeHtml, fmtNum } from './format.ts';
import { capacityTable } from './capacity.ts';
import { environmentRows, floorsTable, keyValueTable, optionRows } from './tables.ts';
import { ELD_SHARE_LIMIT, LAG_SHARE_LIMIT, LOAD_CORES_BUSY_LIMIT_PERCENT, SCHEDULE_LAG_LIMIT_MS, WORKER_CPU_LIMIT_PERCENT } from '../../results/load-bound-limits.ts';
import { SINGLE_RUN_TIE } from './verdict.ts';
import { BOOTSTRAP_ITERATIONS, SERVER_SATURATED_PERCENT } from '../../results/method-limits.ts';

function howMeasured(results: BenchResults): string {
  const cores = results.environment.cores;
  const pinned = results.environment.taskset;
  return `<h3>How latency is measured</h3>
<ul>
<li><strong>Open loop.</strong> Senders follow a fixed schedule (${escapeHtml(fmtNum(results.options.rate))} messages/s in total) whatever the server does, and every message carries its <em>scheduled</em> send time in <code>sentAt</code>. A sender that falls behind does not hide the delay: latency counts from when the message should have left. This corrects coordinated omission the way wrk2 does; the uncorrected figure (from the actual send time) is recorded too, per run.</li>
<li><strong>Latency = receive time − <code>sentAt</code></strong>, for every delivery to every subscriber, recorded in µs into HDR histograms, merged across load workers and repetitions. Percentiles are read from merged histograms — never averaged.</li>
<li><strong>One clock.</strong> Every process stamps from CLOCK_MONOTONIC (system-wide) plus one epoch offset measured once by the orchestrator and inherited by its workers, so no process's own start-time error enters. Receipt is stamped when the frame or response arrives, before it is parsed. A delivery stamped before it was due is counted as a negative latency and fails the run — never clamped away. Sends spin through their last millisecond, so sender lag p50 (beside latency p50 in “Every run”) stays in microseconds.</li>
<li><strong>Every scheduled message is accounted for.</strong> <code>expected</code> comes from the schedule, not from what the server acknowledged: each scheduled publish is acked, failed, or unanswered when the drain ends. The ledger sits on raw deliveries, before the clients de-duplicate: loss is counted per subscriber and message (a surplus elsewhere cannot hide it), deliveries after the drain are late, a replay under the same seq is a wire duplicate, a seq below one already received is out of order. “No problem detected” appears only when all of these are zero.</li>
<li><strong>Load-bound runs.</strong> The load cores' busy and steal time is read from <code>/proc/stat</code> (outside the workers: two workers at 50% fill one core), each worker watches its event-loop delay, and the senders their lag. A run is load-bound when the load cores were over ${LOAD_CORES_BUSY_LIMIT_PERCENT}% busy, a worker over ${WORKER_CPU_LIMIT_PERCENT}% of a core, sender lag p50 over ${LAG_SHARE_LIMIT * 100}% of latency p50 (or p99 over ${SCHEDULE_LAG_LIMIT_MS} ms), or worker event-loop delay p99 over ${ELD_SHARE_LIMIT * 100}% of latency p99. It is marked “⚠ load-bound” in every table and chart, is no verdict winner, and fails the default gate.</li>
<li><strong>Bytes</strong> are application bytes (TCP payload: request lines, headers, bodies, frames), counted on the server's sockets. Each transport pays for its own publishes: the HTTP clients name their transport on the publish request and the server meters it there.</li>
<li><strong>Winners</strong> are named only outside the run-to-run spread: with repetitions the min–max ranges must not overlap, nor (for latency) the bootstrap intervals; with one repetition a difference under ${fmtNum((SINGLE_RUN_TIE - 1) * 100)}% is a tie. A target that delivered nothing wins nothing per message.</li>
<li><strong>Confidence intervals</strong> (“95% CI” under p50, p99 and the × baseline / × Socket.IO ratios) are seeded bootstraps of ${fmtNum(BOOTSTRAP_ITERATIONS)} replicates from the repetitions' histograms: each replicate draws the runs with replacement (run-to-run variation), then resamples their deliveries (the quantile's rank drawn around N·q). Runs are resampled because a run's deliveries share its moment and its noise; deliveries alone would give intervals far too narrow. With one repetition the interval is sampling noise alone.</li>
<li><strong>Fixed and marginal cost.</strong> After the drain the clients stay connected for an idle phase (${results.options.idleMs === undefined ? 'none in these results' : `${escapeHtml(fmtNum(results.options.idleMs / 1000))} s`}, <code>--idle</code>; the window itself in a rate-0 run) with nothing scheduled: its server CPU, bytes and requests per client-second are the fixed cost of staying connected. The window's cost minus that fixed rate, per delivered message, is the marginal cost. They are compared separately in the verdict. An idle phase shorter than a client's cycle (a 20 s long-poll hold) under-samples its renewals, and says so.</li>
<li><strong>TCP segments per delivered message</strong> are the kernel's counters (<code>/proc/net/snmp</code> OutSegs) over the window ÷ deliveries: they count every TCP segment of the machine, so they hold on a quiet machine only.</li>
<li><strong>Capacity</strong> runs autocannon in its own processes on the load cores while the server's CPU is sampled: a figure is the server's capacity only when the server used ≥ ${SERVER_SATURATED_PERCENT}% of its core; otherwise it is a lower bound, with the reason.</li>
<li><strong>The floor</strong> is a raw loopback echo (TCP, WebSocket and plain HTTP request) measured in the same run on the same machine: the fastest any transport could possibly be here. “× floor” says how far above physics a transport is.</li>
<li><strong>Cost</strong> in the summary is counted per delivered message: HTTP requests and bytes seen on the wire (both directions, headers included) and server CPU time, divided by deliveries — a blend of fixed and marginal cost that flatters whatever batches best at this rate; see “Fixed and marginal cost” for the two apart.</li>
<li><strong>Repetitions</strong> run each target ${escapeHtml(String(results.options.repeat))} time(s); tables give the median and the min–max spread.</li>
</ul>
<h3>What these numbers do not say</h3>
<ul>
<li>One machine, over loopback: there is no network latency, no packet loss, no bandwidth limit, no proxy or load balancer unless stated. Real networks add their round-trip time to every poll.</li>
<li>Server and load generator share ${escapeHtml(String(cores))} core(s)${pinned ? ' (pinned to separate cores with taskset)' : ', unpinned: they compete for CPU'}; a load-bound run measures the load generator.</li>
<li>One synthetic workload with uniform senders and rooms; bursts, mobile clients that sleep, and reconnect storms behave differently.</li>
<li>Timings are Node.js on this hardware; another runtime or CPU moves absolute numbers, while ratios between transports usually travel better.</li>
</ul>`;
}

export interface LabelledResults {
  /** "before", "after", or empty for a single report. */
  label: string;
  results: BenchResults;
}

/** Options and environment: one column per labelled result; differences highlighted. */
function settingsTables(items: readonly LabelledResults[]): string {
  const columns = items.length === 1 ? ['value'] : items.map((i) => i.label);
  const merge = (rowsOf: (r: BenchResults) => { name: string; value: string }[]) => {
    const names: string[] = [];
    const maps = items.map((i) => new Map(rowsOf(i.results).map((r) => [r.name, r.value] as const)));
    for (const m of maps) for (const name of m.keys()) if (!names.includes(name)) names.push(name);
    return names.map((name) => {
      const values = maps.map((m) => m.get(name) ?? '—');
      return { name, values, highlight: items.length > 1 && new Set(values).size > 1 };
    });
  };
  return `<div class="settings">${keyValueTable('Bench options', columns, merge(optionRows))}
${keyValueTable('Environment', columns, merge(environmentRows))}</div>`;
}

export function methodologySection(items: readonly LabelledResults[]): string {
  const first = items[0];
  if (!first) return '';
  const floors = items
    .map((i) => (items.length > 1 ? `<h3>Floors — ${escapeHtml(i.label)}</h3>` : '') + floorsTable(i.results.floors))
    .join('\n');
  const capacity = items
    .filter((i) => i.results.capacity.length > 0)
    .map((i) => (items.length > 1 ? `<h3>Capacity — ${escapeHtml(i.label)}</h3>` : '') + capacityTable(i.results.capacity))
    .join('\n');
  return `${howMeasured(first.results)}
${settingsTables(items)}
${floors}
${capacity}`;
}
