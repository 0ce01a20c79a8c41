/**
 * Across repetitions, per target (and sweep value): percentiles from the merged histograms
 * (never averaged), and median/min/max of the per-run figures. Then each transport against
 * its floor (the matching raw echo) and, when one ran, its bare baseline.
 */
import { costSummaryOf } from './cost-summary.ts';
import { headroomSummaryOf } from './headroom.ts';
import { attachIntervals } from './summary-ci.ts';
import { mergeEncoded, summarize } from '../../results/histogram.ts';
import { peerMultipleOf } from '../peers/compare.ts';
import type { FloorResult, RunResult, RunTarget, SummaryStat, TargetSummary } from '../../results/types.ts';
import { REFERENCE_TOPOLOGY } from '../config/topology.ts';

export function stat(values: readonly number[]): SummaryStat {
  if (values.length === 0) return { median: 0, min: 0, max: 0 };
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
  return { median, min: sorted[0] as number, max: sorted[sorted.length - 1] as number };
}

const ratio = (a: number, b: number): number => (b > 0 ? Math.round((a / b) * 100) / 100 : 0);

/** Per-part medians over repetitions (scale-out runs), in the order the first run lists them. */
function partsOf(runs: readonly RunResult[]): Pick<TargetSummary, 'parts'> {
  const names = [...new Set(runs.flatMap((r) => (r.parts ?? []).map((p) => p.part)))];
  if (names.length === 0) return {};
  return {
    parts: names.map((part) => {
      const costs = runs.flatMap((r) => r.parts?.filter((p) => p.part === part) ?? []);
      return { part, cpuSecondsPer1kDelivered: stat(costs.map((c) => c.cpuSecondsPer1kDelivered)), rssPeakBytes: stat(costs.map((c) => c.rssPeakBytes)) };
    }),
  };
}

/** Heap per connection (sampled, and after a forced GC) over repetitions, from the runs that measured it. */
function heapPerConnectionOf(runs: readonly RunResult[]): Pick<TargetSummary, 'heapPerConnectionBytes' | 'heapPerConnectionAfterGcBytes'> {
  const values = runs.flatMap((r) => (r.server.heapPerConnectionBytes === undefined ? [] : [r.server.heapPerConnectionBytes]));
  const afterGc = runs.flatMap((r) => (r.server.heapPerConnectionAfterGcBytes === undefined ? [] : [r.server.heapPerConnectionAfterGcBytes]));
  return { ...(values.length === 0 ? {} : { heapPerConnectionBytes: stat(values) }), ...(afterGc.length === 0 ? {} : { heapPerConnectionAfterGcBytes: stat(afterGc) }) };
}

const BASELINE_OF: Partial<Record<RunTarget, RunTarget>> = { websocket: 'baseline-ws', 'long-polling': 'baseline-long-polling' };

export function summarizeRuns(runs: readonly RunResult[], floors: readonly FloorResult[]): TargetSummary[] {
  const groups = new Map<string, RunResult[]>();
  for (const run of runs) {
    const key = `${run.target}\u0000${run.topology ?? ''}\u0000${String(run.sweepValue ?? '')}`;
    const list = groups.get(key) ?? [];
    list.push(run);
    groups.set(key, list);
  }
  const summaries: TargetSummary[] = [];
  for (const list of groups.values()) {
    const head = list[0] as RunResult;
    const ok = list.filter((r) => r.error === undefined);
    const use = ok.length > 0 ? ok : list;
    // An SSE delivery is a write down an open TCP connection: its physics is the TCP echo.
    const floorName = head.transport === 'websocket' ? 'ws-echo' : head.transport === 'sse' ? 'tcp-echo' : 'http-request';
    const floor = floors.find((f) => f.name === floorName);
    const latencyMs = summarize(mergeEncoded(use.map((r) => r.histogram)));
    summaries.push({
      target: head.target,
      transport: head.transport,
      ...(head.sweepValue === undefined ? {} : { sweepValue: head.sweepValue }),
      ...(head.topology === undefined ? {} : { topology: head.topology }),
      repetitions: list.length,
      latencyMs,
      p50Ms: stat(use.map((r) => r.latencyMs.p50)),
      p99Ms: stat(use.map((r) => r.latencyMs.p99)),
      requestsPerSecond: stat(use.map((r) => r.requests.perSecond)),
      requestsPerDelivered: stat(use.map((r) => r.requests.perDelivered)),
      bytesPerDelivered: stat(use.map((r) => r.bytes.perDelivered)),
      cpuSecondsPer1kDelivered: stat(use.map((r) => r.server.cpuSecondsPer1kDelivered)),
      rssPeakBytes: stat(use.map((r) => r.server.rssPeakBytes)),
      ...heapPerConnectionOf(use),
      ...costSummaryOf(use, stat),
      ...headroomSummaryOf(use, stat),
      ...(use.some((r) => r.tcp !== undefined) ? { tcpSegmentsPerDelivered: stat(use.flatMap((r) => (r.tcp === undefined ? [] : [r.tcp.perDelivered]))) } : {}),
      delivered: stat(use.map((r) => r.messages.delivered)),
      lost: stat(use.map((r) => r.messages.lost)),
      duplicates: stat(use.map((r) => r.messages.duplicates)),
      ...(use.some((r) => r.workers.loadBound) ? { loadBound: true } : {}),
      floorMultiple: { p50: ratio(latencyMs.p50, floor?.latencyMs.p50 ?? 0), p99: ratio(latencyMs.p99, floor?.latencyMs.p99 ?? 0), floor: floorName },
      ...partsOf(use),
    });
  }
  // Baseline and peer multiples, once every summary exists.
  for (const s of summaries) {
    const peer = peerMultipleOf(s, summaries);
    if (peer !== undefined) s.peerMultiple = peer;
    if (s.topology !== undefined && s.topology !== REFERENCE_TOPOLOGY) {
      const ref = summaries.find((x) => x.target === s.target && x.topology === REFERENCE_TOPOLOGY && x.sweepValue === s.sweepValue);
      if (ref !== undefined) {
        s.topologyMultiple = {
          p50: ratio(s.latencyMs.p50, ref.latencyMs.p50),
          p99: ratio(s.latencyMs.p99, ref.latencyMs.p99),
          cpuPer1k: ratio(s.cpuSecondsPer1kDelivered.median, ref.cpuSecondsPer1kDelivered.median),
          reference: REFERENCE_TOPOLOGY,
        };
      }
      // A bare baseline is a single process: it sizes the reference rung, not a cluster.
      continue;
    }
    const baselineTarget = BASELINE_OF[s.target];
    if (baselineTarget === undefined) continue;
    const b = summaries.find((x) => x.target === baselineTarget && x.sweepValue === s.sweepValue);
    if (b === undefined) continue;
    s.baselineMultiple = {
      p50: ratio(s.latencyMs.p50, b.latencyMs.p50),
      p99: ratio(s.latencyMs.p99, b.latencyMs.p99),
      cpuPer1k: ratio(s.cpuSecondsPer1kDelivered.median, b.cpuSecondsPer1kDelivered.median),
      baseline: baselineTarget,
    };
  }
  // Last: the ratio intervals pair the rows' replicates.
  attachIntervals(summaries, runs);
  return summaries;
}
