/**
 * One run (`runs[i]`): one target measured once (one repetition, sweep value, phase or
 * topology rung). Every field a threshold may name is a path into this schema.
 */
import { Type, type Static } from '@sinclair/typebox';
import { described, EncodedHistogram, LatencySummaryMs, RunTarget, SweepValue, Transport } from './common.ts';
import { ModelCheck, TimelinePoint, WorkerHealth } from './health.ts';
import { RunMessages } from './tally.ts';
import { BatchSizes, ConnectionSetup, FaultsResult, PathRunCost, ProcessPartCost } from './run-extras.ts';
import { CostSplit, TcpSegments } from './costs.ts';
import { Workload } from './map.ts';

const num = (description?: string) => Type.Number(description === undefined ? {} : { description });

export const ServerCost = Type.Object({
  cpuSeconds: num(),
  cpuSecondsPer1kDelivered: num(),
  rssPeakBytes: num(),
  heapPeakBytes: num(),
  eventLoopDelayP99Ms: num(),
  heapPerConnectionBytes: Type.Optional(num(
    'Heap per client connection, bytes: (the lowest heap sampled in the window − the heap sampled before the first client connected) ÷ connections held (subscribers, plus senders where they keep a connection). Approximate: heap samples include garbage not yet collected; cleanest in the idle scenario. Absent without a pre-connect sample (no warm-up).',
  )),
  heapPerConnectionAfterGcBytes: Type.Optional(num(
    'Heap per client connection after a forced full GC, bytes: (the heap right after a GC with every client still connected, after the drain − the same before the first client connected) ÷ connections held. No garbage in it, unlike heapPerConnectionBytes. Servers the bench starts as one process only (bench/targets/gc-heap.ts).',
  )),
  notMeasured: Type.Optional(Type.String({ description: '`--target` runs only: why the server\'s cost could not be read (its /metrics never answered); the figures are then 0.' })),
});

export const RunResult = Type.Object({
  target: RunTarget,
  transport: described(Transport, 'Same as target for the lab\'s transports; for baselines and peers, the transport kind it stands for.'),
  repetition: num(),
  sweepValue: Type.Optional(described(SweepValue, 'The value of the swept option for this run, when the bench is a sweep.')),
  workload: Type.Optional(Workload),
  instances: num('Number of server instances (1 unless `--instances`).'),
  backplane: Type.Union([Type.Literal('memory'), Type.Literal('redis')]),
  proxied: Type.Boolean(),
  topology: Type.Optional(Type.String({
    description: 'Scale-out benches only (`--instances N` / `--backplane`): the rung of the topology ladder this run measured, `<backplane> · <instances> · <direct|nginx>`, e.g. `redis · 2 · nginx`. Absent in a plain bench.',
  })),
  durationSeconds: num(),
  latencyMs: LatencySummaryMs,
  latencyUncorrectedMs: described(LatencySummaryMs, 'Latency measured from the actual send time instead of the schedule (not corrected for coordinated omission).'),
  histogram: described(EncodedHistogram, 'Base64 of the HDR histogram (µs, compressed) of corrected latency, to merge or re-plot.'),
  messages: RunMessages,
  requests: Type.Object({ total: num(), perSecond: num(), perDelivered: num(), serverCounted: num() }),
  batches: Type.Optional(BatchSizes),
  bytes: Type.Object({ in: num(), out: num(), perDelivered: num() }),
  tcp: Type.Optional(TcpSegments),
  cost: Type.Optional(CostSplit),
  server: ServerCost,
  parts: Type.Optional(Type.Array(ProcessPartCost, {
    description: 'The server side split by part (scale-out runs; absent for a bare single process): the `server` CPU and RSS are the sums of these. Every part includes its child processes (nginx\'s workers).',
  })),
  clients: Type.Object({ connected: num(), reconnects: num() }),
  faults: Type.Optional(FaultsResult),
  workers: WorkerHealth,
  connectionSetup: Type.Optional(ConnectionSetup),
  path: Type.Optional(PathRunCost),
  model: Type.Array(ModelCheck),
  timeline: Type.Array(TimelinePoint),
  error: Type.Optional(Type.String({
    description: 'Set when the run failed (server crash, worker death), or its target could not start (`could not start: <cause>`, one line, and no numbers); the numbers are then partial.',
  })),
}, { description: 'One target measured once (a repetition, sweep value, phase or topology rung).' });
export type RunResult = Static<typeof RunResult>;
