/**
 * Every results.json type in one import, for the bench (writer) and the report (reader). The
 * types are derived from the runtime schema in results/schema/, so they cannot drift from it.
 */
export { SCHEMA_VERSION, type BenchResults, type CapacityResult, type Environment, type FloorResult } from './schema/results.ts';
export type { LatencySummaryMs, RunTarget, SummaryStat, Transport } from './schema/common.ts';
export type { BenchOptions, Phase } from './schema/options.ts';
export type { Interruption, PathCalibration, PathCheck, PathSpec, ThresholdResult } from './schema/checks.ts';
export type { RunResult } from './schema/run.ts';
export type { BatchSizes, ConnectionSetup, FaultsResult, PathRunCost, ProcessPartCost } from './schema/run-extras.ts';
export type { ModelCheck, TimelinePoint, WorkerHealth } from './schema/health.ts';
export type { Headroom, HeadroomSummary } from './schema/headroom.ts';
export type { MessageTally } from './schema/tally.ts';
export type { TargetSummary } from './schema/summary.ts';
export type { CostSplit, CostSummary, FixedCost, LatencyIntervals, MarginalCost, RatioIntervals, TcpSegments } from './schema/costs.ts';
export type { PeerName, PeerTarget } from './peers.ts';
export type { CostModel, FitPoint, LinearCost, MapCell, MapResult, RequestLaw, SloCapacity, SloResult, Workload } from './schema/map.ts';
