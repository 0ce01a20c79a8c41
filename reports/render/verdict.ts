/**
 * The ten-second read: the workload in words, who wins on each headline metric and by what
 * ratio, and every problem (failed runs, lost messages, load-bound runs, warnings) in plain view.
 * Baselines (bare servers) and peers (Socket.IO) are shown as references, never as winners;
 * the peers get a paragraph of their own: pushlab ÷ Socket.IO, in words.
 */
import type { BenchOptions, BenchResults, TargetSummary } from '../../results/types.ts';
import { escapeHtml, fmtDurationMs, fmtInt, fmtNum, fmtRatio, plural } from './format.ts';
import { REFERENCE_TOPOLOGY } from '../../results/topology.ts';
import { swatch } from './tables.ts';
import { peersParagraph } from './peers.ts';
import { costWins } from './costs.ts';
import { latencyInterval } from './intervals.ts';
import { isBaseline, isReference, rowLabel, sortSummaries } from './targets.ts';

/** The workload, as a sentence an architect can repeat. */
export function workloadSentence(options: BenchOptions): string {
  const perRoom = options.rooms > 0 ? options.clients / options.rooms : 0;
  const parts = [
    `${plural(options.clients, 'client')} in ${plural(options.rooms, 'room')} (≈${fmtNum(perRoom)} per room)`,
    `${plural(options.senders, 'sender')} publishing ${fmtNum(options.rate)} messages/s in total`,
    `${fmtInt(options.size)}-byte messages`,
    `${fmtDurationMs(options.durationMs)} measured after ${fmtDurationMs(options.warmupMs)} of warm-up`,
    plural(options.repeat, 'repetition'),
  ];
  let text = `${parts.join(', ')}. Short polls every ${fmtDurationMs(options.pollIntervalMs)}; long polls held up to ${fmtDurationMs(options.holdMs)}.`;
  if (options.topologies !== undefined) text += ` Each transport ran on ${options.topologies.join(', ')} (backplane · instances · proxy): see Scale-out.`;
  else if (options.instances > 1) text += ` ${options.instances} server instances on a ${options.backplane ?? 'memory'} backplane.`;
  if (options.sweep) text += ` Sweep over ${options.sweep.option} = ${options.sweep.values.map(String).join(', ')} (the swept value replaces the option above).`;
  return text;
}

export interface HeadlineMetric {
  name: string;
  value: (s: TargetSummary) => number;
  /** The spread over repetitions (min–max), when the metric has one per repetition. */
  spread?: (s: TargetSummary) => { min: number; max: number };
  show: (v: number) => string;
  /** Word for "worse" ratios: "slower" for time, "more" for costs. */
  worse: string;
  /** The bootstrap interval of the value, when the row has one (latency percentiles). */
  ci?: (s: TargetSummary) => readonly [number, number] | undefined;
}

const HEADLINES: readonly HeadlineMetric[] = [
  { name: 'Latency p50', value: (s) => s.latencyMs.p50, spread: (s) => s.p50Ms, ci: (s) => latencyInterval(s, 'p50'), show: (v) => `${fmtNum(v)} ms`, worse: 'slower' },
  { name: 'Latency p99', value: (s) => s.latencyMs.p99, spread: (s) => s.p99Ms, ci: (s) => latencyInterval(s, 'p99'), show: (v) => `${fmtNum(v)} ms`, worse: 'slower' },
  {
    name: 'Request load',
    value: (s) => s.requestsPerDelivered.median,
    spread: (s) => s.requestsPerDelivered,
    show: (v) => `${fmtNum(v)} HTTP requests per delivered message`,
    worse: 'more',
  },
  { name: 'Bytes per delivered message', value: (s) => s.bytesPerDelivered.median, spread: (s) => s.bytesPerDelivered, show: (v) => `${fmtNum(v)} B`, worse: 'more' },
  {
    name: 'Server CPU per 1 000 messages',
    value: (s) => s.cpuSecondsPer1kDelivered.median,
    spread: (s) => s.cpuSecondsPer1kDelivered,
    show: (v) => `${fmtNum(v * 1000)} ms of CPU`,
    worse: 'more',
  },
];

/**
 * A difference is a win only outside the run-to-run spread: with repetitions, the two
 * min–max ranges must not overlap (nor, for latency, the bootstrap intervals); with one repetition there is no spread to see, so anything
 * within SINGLE_RUN_TIE (p99 was seen to vary ±20% between runs) is a tie.
 */
export const SINGLE_RUN_TIE = 1.2;

/**
 * Is `other` worse than `best` by more than the run-to-run spread? Where both rows carry
 * bootstrap intervals (latency), those must not overlap either.
 */
export function beyondSpread(metric: HeadlineMetric, best: TargetSummary, other: TargetSummary): boolean {
  const a = metric.value(best);
  const b = metric.value(other);
  const ciA = metric.ci?.(best);
  const ciB = metric.ci?.(other);
  if (ciA !== undefined && ciB !== undefined && ciA[1] >= ciB[0]) return false;
  if (best.repetitions > 1 && other.repetitions > 1 && metric.spread !== undefined) return metric.spread(best).max < metric.spread(other).min;
  return a > 0 ? b / a >= SINGLE_RUN_TIE : b > 0;
}

export function winnerLine(metric: HeadlineMetric, rows: readonly TargetSummary[], sweepOption: string | undefined): string {
  const ranked = [...rows].sort((a, b) => metric.value(a) - metric.value(b));
  const best = ranked[0];
  if (!best) return '';
  const bestValue = metric.value(best);
  const lossNote = best.lost.max > 0 ? ' <strong class="loss-note">(but it lost messages — see below)</strong>' : '';
  const head = `<span class="metric-name">${escapeHtml(metric.name)}</span> ${swatch(best.target)}<span class="winner">${escapeHtml(rowLabel(best, sweepOption))}</span> wins: ${escapeHtml(metric.show(bestValue))}${lossNote}`;
  if (ranked.length === 1) return `<li>${head} (the only transport measured).</li>`;
  // No win inside the spread: when the runner-up is within it, the metric is a tie.
  const second = ranked[1];
  if (second !== undefined && !beyondSpread(metric, best, second)) {
    const within = ranked.filter((s) => !beyondSpread(metric, best, s)).map((s) => `${escapeHtml(rowLabel(s, sweepOption))} ${escapeHtml(metric.show(metric.value(s)))}`);
    return `<li><span class="metric-name">${escapeHtml(metric.name)}</span>: no winner — ${within.join(', ')} are within the run-to-run spread.</li>`;
  }
  const others = ranked.slice(1).map((s) => {
    const v = metric.value(s);
    const name = escapeHtml(rowLabel(s, sweepOption));
    const ratio = bestValue > 0 ? v / bestValue : 0;
    if (!beyondSpread(metric, best, s)) return `${name} tied within the spread${bestValue > 0 ? ` (${fmtRatio(ratio)})` : ''}`;
    if (bestValue <= 0) return `${name} ${escapeHtml(metric.show(v))}`;
    return `${name} <strong>${escapeHtml(fmtRatio(ratio))} ${metric.worse}</strong> (${escapeHtml(metric.show(v))})`;
  });
  return `<li>${head} — ${others.join('; ')}.</li>`;
}

function referencesLine(refs: readonly TargetSummary[], sweepOption: string | undefined): string {
  if (refs.length === 0) return '';
  const items = refs.map(
    (r) =>
      `${escapeHtml(rowLabel(r, sweepOption))}: p50 ${fmtNum(r.latencyMs.p50)} ms, p99 ${fmtNum(r.latencyMs.p99)} ms, ${fmtNum(r.cpuSecondsPer1kDelivered.median * 1000)} ms CPU per 1k`,
  );
  return `<p class="refs">References (bare servers with no chat logic, shown to size the framework's overhead, not contenders): ${items.join(' · ')}.</p>`;
}

function winsFor(rows: readonly TargetSummary[], sweepOption: string | undefined): string {
  // Load-bound rows measured the harness, and a row that delivered nothing has no cost per
  // message: neither can win.
  const contenders = rows.filter((r) => !isReference(r.target) && r.loadBound !== true && r.delivered.median > 0);
  const left = rows.filter((r) => !isReference(r.target) && !contenders.includes(r));
  const leftNote = left.length === 0 ? '' : `<p class="refs">Left out of the winners: ${left.map((r) => `${escapeHtml(rowLabel(r, sweepOption))} (${r.loadBound === true ? 'load-bound' : 'nothing delivered'})`).join(', ')}.</p>`;
  const refs = rows.filter((r) => isBaseline(r.target));
  if (contenders.length === 0) return `<p>No transport delivered messages in a run that was not load-bound, so there is no winner to name.</p>${costWins(rows, sweepOption)}${leftNote}${referencesLine(refs, sweepOption)}${peersParagraph(rows, sweepOption)}`;
  return `<ul class="wins">${HEADLINES.map((m) => winnerLine(m, contenders, sweepOption)).join('\n')}</ul>${costWins(rows, sweepOption)}${leftNote}${referencesLine(refs, sweepOption)}${peersParagraph(rows, sweepOption)}`;
}

/** The verdict box: workload, winners per metric (per sweep value for sweeps), alerts. */
export function verdictSection(results: BenchResults, title = 'Verdict', id = 'verdict-h'): string {
  const sweep = results.options.sweep;
  // A scale-out bench names winners among the plain single processes; the other topologies
  // are compared in the Scale-out section.
  const rows = sortSummaries(
    results.summary.filter((s) => s.topology === undefined || s.topology === REFERENCE_TOPOLOGY),
    sweep?.values,
  );
  let wins: string;
  if (sweep) {
    const values = [...new Set(rows.map((r) => r.sweepValue))];
    wins = values
      .map(
        (value) =>
          `<div class="sweep-verdict"><h3>At ${escapeHtml(`${sweep.option} = ${String(value)}`)}</h3>${winsFor(
            // Within one sweep value, name targets plainly: the heading already says the value.
            rows.filter((r) => r.sweepValue === value).map(({ sweepValue: _value, ...row }) => row),
            undefined,
          )}</div>`,
      )
      .join('\n');
  } else {
    wins = winsFor(rows, undefined);
  }
  return `<section class="verdict" aria-labelledby="${id}"><h2 id="${id}">${escapeHtml(title)}</h2>
<p class="workload"><strong>Workload:</strong> ${escapeHtml(workloadSentence(results.options))}</p>
${wins}
${alertsSection(results)}
</section>`;
}

function list(items: readonly string[]): string {
  return `<ul>${items.map((i) => `<li>${escapeHtml(i)}</li>`).join('')}</ul>`;
}

/**
 * Problems first, loudly: a failed bench, lost/duplicated messages, load-bound runs, the
 * bench's own warnings, model mismatches. When there is none, say so — silence is ambiguous.
 */
export function alertsSection(results: BenchResults, prefix = ''): string {
  const sweepOption = results.options.sweep?.option;
  const runName = (run: BenchResults['runs'][number]): string => `${prefix}${rowLabel(run, sweepOption)} #${run.repetition}`;
  const out: string[] = [];

  const failed = results.runs.filter((r) => r.error !== undefined);
  if (!results.ok || failed.length > 0) {
    const items = failed.map((r) => `${runName(r)}: ${r.error ?? ''}`);
    out.push(
      `<div class="alert bad" role="alert"><h3>${escapeHtml(prefix)}The bench failed: ${results.ok ? 'some runs errored' : 'results are incomplete'}</h3><p>Numbers of failed runs are partial; do not decide from them.</p>${items.length > 0 ? list(items) : ''}</div>`,
    );
  }

  const lossy = results.runs.filter((r) => r.messages.lost > 0);
  if (lossy.length > 0) {
    const items = lossy.map((r) => {
      const pct = r.messages.expected > 0 ? (100 * r.messages.lost) / r.messages.expected : 0;
      return `${runName(r)}: ${fmtInt(r.messages.lost)} of ${fmtInt(r.messages.expected)} expected deliveries lost (${fmtNum(pct)}%)`;
    });
    out.push(`<div class="alert bad" role="alert"><h3>${escapeHtml(prefix)}Messages were lost</h3>${list(items)}</div>`);
  }

  // Failed publishes never enter `sent`, so they are not counted as lost: call them out separately.
  const sendFailures = results.runs.filter((r) => (r.messages.sendErrors ?? 0) > 0);
  if (sendFailures.length > 0) {
    const items = sendFailures.map((r) => `${runName(r)}: ${fmtInt(r.messages.sendErrors ?? 0)} publishes failed (error or no answer)`);
    out.push(`<div class="alert bad" role="alert"><h3>${escapeHtml(prefix)}Publishes failed</h3>${list(items)}</div>`);
  }

  const unanswered = results.runs.filter((r) => (r.messages.unanswered ?? 0) > 0 || (r.messages.late ?? 0) > 0);
  if (unanswered.length > 0) {
    const items = unanswered.map((r) => `${runName(r)}: ${fmtInt(r.messages.unanswered ?? 0)} of ${fmtInt(r.messages.scheduled ?? 0)} scheduled publishes unanswered when the drain ended; ${fmtInt(r.messages.late ?? 0)} deliveries late (after it)`);
    out.push(`<div class="alert bad" role="alert"><h3>${escapeHtml(prefix)}Publishes unanswered or deliveries late</h3>${list(items)}</div>`);
  }

  const negative = results.runs.filter((r) => (r.messages.negativeLatency ?? 0) > 0);
  if (negative.length > 0) {
    const items = negative.map((r) => `${runName(r)}: ${fmtInt(r.messages.negativeLatency ?? 0)} deliveries stamped before they were sent`);
    out.push(`<div class="alert bad" role="alert"><h3>${escapeHtml(prefix)}Negative latencies: the clocks disagree</h3>${list(items)}</div>`);
  }

  const dup = results.runs.filter((r) => r.messages.duplicates > 0 || r.messages.outOfOrder > 0 || (r.messages.wireDuplicates ?? 0) > 0);
  if (dup.length > 0) {
    const items = dup.map((r) => `${runName(r)}: ${fmtInt(r.messages.duplicates)} duplicates, ${fmtInt(r.messages.outOfOrder)} out of order, ${fmtInt(r.messages.wireDuplicates ?? 0)} wire duplicates (replays the client dropped)`);
    out.push(`<div class="alert warn"><h3>${escapeHtml(prefix)}Duplicated or reordered deliveries</h3>${list(items)}</div>`);
  }

  const bound = results.runs.filter((r) => r.workers.loadBound);
  if (bound.length > 0) {
    const items = bound.map((r) => `${runName(r)}: ${r.workers.reasons.join('; ') || 'the load generator was the bottleneck'} (${loadFigures(r)})`);
    out.push(
      `<div class="alert warn" role="alert"><h3>${escapeHtml(prefix)}Load-bound runs: these measure the load generator, not the server</h3>${list(items)}</div>`,
    );
  }

  if (results.warnings.length > 0) {
    out.push(`<div class="alert warn"><h3>${escapeHtml(prefix)}Warnings from the bench</h3>${list(results.warnings)}</div>`);
  }

  const flagged = results.runs.reduce((n, r) => n + r.model.filter((c) => c.flagged).length, 0);
  if (flagged > 0) {
    out.push(
      `<div class="alert info"><h3>${escapeHtml(prefix)}${escapeHtml(plural(flagged, 'model check'))} outside tolerance</h3><p>See <a href="#model-h">Measured vs model</a>.</p></div>`,
    );
  }

  if (out.length === 0) {
    out.push(
      `<div class="alert ok"><h3>${escapeHtml(prefix)}No problem detected</h3><p>Every scheduled message was answered and delivered to every subscriber exactly once, in order, within the drain, in every run; no wire duplicate, no negative latency; no run was load-bound or failed; no warning.</p></div>`,
    );
  }
  return out.join('\n');
}

/** The load side's figures, in words: load cores, worker CPU, event-loop delay, sender lag. */
export function loadFigures(r: BenchResults['runs'][number]): string {
  const w = r.workers;
  const parts: string[] = [];
  if (w.loadCoresBusyPercent !== undefined) parts.push(`load cores ${fmtNum(w.loadCoresBusyPercent)}% busy (steal ${fmtNum(w.loadCoresStealPercent ?? 0)}%)`);
  parts.push(`worker CPU peak ${fmtNum(w.cpuPercentMax)}%`);
  if (w.eventLoopDelayP99Ms !== undefined) parts.push(`worker event-loop delay p99 ${fmtNum(w.eventLoopDelayP99Ms)} ms`);
  parts.push(`sender lag p50 ${fmtNum(w.scheduleLagP50Ms ?? 0)} ms beside latency p50 ${fmtNum(r.latencyMs.p50)} ms, max ${fmtNum(w.scheduleLagMaxMs)} ms`);
  return parts.join(', ');
}
