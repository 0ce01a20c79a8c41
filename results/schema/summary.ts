/**
 * One row of `summary`: a target (and sweep value / topology rung) across its repetitions.
 * Percentiles come from the merged histograms of the repetitions, never an average of percentiles.
 */
import { Type, type Static } from '@sinclair/typebox';
import { described, LatencySummaryMs, ProcessPart, RunTarget, SummaryStat, SweepValue, Transport } from './common.ts';
import { CostSummary, LatencyIntervals, RatioIntervals } from './costs.ts';
import { HeadroomSummary } from './headroom.ts';

const num = () => Type.Number();

export const TargetSummary = Type.Object({
  target: RunTarget,
  transport: Transport,
  sweepValue: Type.Optional(SweepValue),
  topology: Type.Optional(Type.String({ description: 'Scale-out benches only: the topology rung (see runs[i].topology).' })),
  repetitions: num(),
  latencyMs: described(LatencySummaryMs, 'From the merged histogram of all repetitions — never an average of percentiles.'),
  p50Ms: SummaryStat,
  p99Ms: SummaryStat,
  latencyCi: Type.Optional(LatencyIntervals),
  requestsPerSecond: SummaryStat,
  requestsPerDelivered: SummaryStat,
  bytesPerDelivered: SummaryStat,
  cpuSecondsPer1kDelivered: SummaryStat,
  rssPeakBytes: SummaryStat,
  heapPerConnectionBytes: Type.Optional(described(SummaryStat, 'Median over repetitions of runs[i].server.heapPerConnectionBytes, when the runs have it.')),
  heapPerConnectionAfterGcBytes: Type.Optional(described(SummaryStat, 'Median over repetitions of runs[i].server.heapPerConnectionAfterGcBytes, when the runs have it.')),
  tcpSegmentsPerDelivered: Type.Optional(described(SummaryStat, 'Median, min, max over repetitions of runs[i].tcp.perDelivered (quiet machine only).')),
  cost: Type.Optional(CostSummary),
  headroom: Type.Optional(HeadroomSummary),
  delivered: SummaryStat,
  lost: SummaryStat,
  duplicates: SummaryStat,
  loadBound: Type.Optional(Type.Boolean({ description: 'True when any repetition was load-bound: marked in every table and chart, never a verdict winner.' })),
  floorMultiple: Type.Object({ p50: num(), p99: num(), floor: Type.String() }, { description: 'Latency p50 and p99 as multiples of the floor (the matching raw echo).' }),
  baselineMultiple: Type.Optional(Type.Object({ p50: num(), p99: num(), cpuPer1k: num(), baseline: RunTarget, ci: Type.Optional(RatioIntervals) }, {
    description: 'For the lab\'s transports: latency and CPU as multiples of the bare baseline, when one ran.',
  })),
  parts: Type.Optional(Type.Array(Type.Object({ part: ProcessPart, cpuSecondsPer1kDelivered: SummaryStat, rssPeakBytes: SummaryStat }), {
    description: 'Scale-out benches: CPU per 1k delivered and peak RSS per part (medians over repetitions).',
  })),
  topologyMultiple: Type.Optional(Type.Object({ p50: num(), p99: num(), cpuPer1k: num(), reference: Type.String() }, {
    description: 'Scale-out benches: latency and CPU per 1k as multiples of the same transport\'s `memory · 1 · direct` rung (and sweep value), when it ran.',
  })),
  peerMultiple: Type.Optional(Type.Object({ p50: num(), p99: num(), cpuPer1k: num(), heapPerConnection: Type.Optional(num()), peer: RunTarget, ci: Type.Optional(RatioIntervals) }, {
    description: 'For pushlab\'s WebSocket and long polling, when their peer ran (Socket.IO, Socket.IO polling): pushlab ÷ peer for latency, CPU per 1k delivered and heap per connection — below 1 pushlab is faster or cheaper.',
  })),
}, { description: 'Across repetitions, per target (and sweep value). Percentiles come from merged histograms.' });
export type TargetSummary = Static<typeof TargetSummary>;
