/**
 * results.json, the whole file — the contract between `pushlab bench`, the HTML report and
 * anyone who reads the numbers later. Documented field by field in docs/results.md; published
 * as JSON Schema in docs/results.schema.json (npm run schema:results).
 */
import { Type, type Static } from '@sinclair/typebox';
import { EncodedHistogram, LatencySummaryMs, Transport } from './common.ts';
import { FloorName, Interruption, PathCalibration, ThresholdResult } from './checks.ts';
import { BenchOptions } from './options.ts';
import { RunResult } from './run.ts';
import { TargetSummary } from './summary.ts';
import { MapResult, SloResult } from './map.ts';

/** Bumped only when a field moves or changes meaning; added optional fields keep the version. */
export const SCHEMA_VERSION = 1;

const num = (description?: string) => Type.Number(description === undefined ? {} : { description });

export const FloorResult = Type.Object({
  name: FloorName,
  latencyMs: LatencySummaryMs,
  histogram: EncodedHistogram,
  samples: num(),
});
export type FloorResult = Static<typeof FloorResult>;

export const CapacityResult = Type.Object({
  endpoint: Type.String({ description: 'What was hammered: `short-poll-empty`, `publish`, `long-poll-ready`.' }),
  transport: Transport,
  connections: num(),
  processes: Type.Optional(Type.Number({ description: 'autocannon processes on the load cores, the connections split between them (absent in older results: in-process).' })),
  kind: Type.Optional(Type.Union([Type.Literal('capacity'), Type.Literal('lower-bound')], { description: '`capacity` only when the server used ≥ 90% of its core over the probe; otherwise `lower-bound` with `reason` (bench/measure/capacity-bound.ts).' })),
  reason: Type.Optional(Type.String()),
  serverCpuPercent: Type.Optional(Type.Number({ description: 'Server process CPU over the probe, percent of one core.' })),
  loadCoresBusyPercent: Type.Optional(Type.Number({ description: 'The load cores\' busy share over the probe, percent (Linux).' })),
  durationSeconds: num(),
  requestsPerSecond: Type.Object({ mean: num(), p50: num(), max: num() }),
  latencyMs: Type.Object({ p50: num(), p99: num(), max: num(), mean: num() }, { description: 'autocannon\'s latency, whole ms.' }),
  errors: num(),
  non2xx: num(),
});
export type CapacityResult = Static<typeof CapacityResult>;

export const Environment = Type.Object({
  node: Type.String(),
  os: Type.String(),
  cpuModel: Type.String(),
  cores: num(),
  memoryBytes: num(),
  commit: Type.String(),
  hostname: Type.String(),
  startedAt: Type.String(),
  finishedAt: Type.String(),
  taskset: Type.Boolean(),
});
export type Environment = Static<typeof Environment>;

export const BenchResults = Type.Object({
  schemaVersion: Type.Literal(SCHEMA_VERSION),
  tool: Type.Object({ name: Type.Literal('pushlab'), version: Type.String() }),
  environment: Environment,
  options: BenchOptions,
  floors: Type.Array(FloorResult),
  runs: Type.Array(RunResult),
  summary: Type.Array(TargetSummary),
  capacity: Type.Array(CapacityResult),
  warnings: Type.Array(Type.String(), { description: 'Human-readable findings: lost messages, load-bound runs, model mismatches.' }),
  ok: Type.Boolean({ description: 'False when a run failed; the CLI exits non-zero.' }),
  thresholds: Type.Optional(Type.Array(ThresholdResult, { description: 'Every threshold (default gates and `--threshold`) per target, with the value met.' })),
  path: Type.Optional(Type.Array(PathCalibration, { description: '`--rtt/--jitter/--bandwidth`: what carried the delay and its calibration by the floors (one per swept RTT).' })),
  partial: Type.Optional(Type.Boolean({ description: 'True when the bench was interrupted: `runs` holds only the runs completed before it.' })),
  interruption: Type.Optional(Interruption),
  map: Type.Optional(MapResult),
  slo: Type.Optional(SloResult),
}, {
  title: 'pushlab results.json',
  description: 'The results of one `pushlab bench`. Units are in the names: Ms = milliseconds, Bytes, Seconds, PerSecond.',
});
export type BenchResults = Static<typeof BenchResults>;
