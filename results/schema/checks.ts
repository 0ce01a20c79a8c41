/**
 * What the bench judged after the runs: thresholds (default gates and `--threshold`), the
 * emulated path's calibration (`--rtt`), and an interruption (Ctrl-C / SIGTERM).
 */
import { Type, type Static } from '@sinclair/typebox';
import { described, literals, SweepValue } from './common.ts';
import { PATH_MODE } from './run-extras.ts';

const num = (description?: string) => Type.Number(description === undefined ? {} : { description });

/** One threshold checked against one target (and sweep value / topology), after the bench. */
export const ThresholdResult = Type.Object({
  expression: Type.String({ description: 'The expression as given, e.g. `websocket:latencyMs.p99<50ms`.' }),
  source: Type.Union([Type.Literal('default'), Type.Literal('user')], { description: '`default` for the built-in gates (loss, load-bound), `user` for `--threshold`.' }),
  target: Type.String({ description: 'The target row it was checked on, e.g. `websocket` or `websocket · clients=10`.' }),
  metric: Type.String(),
  op: literals(['<', '<=', '>', '>=', '==', '!='] as const),
  limit: Type.Union([Type.Number(), Type.Boolean()], { description: 'The bound, in the metric\'s own unit (ms for …Ms, seconds for …Seconds…, bytes for …Bytes).' }),
  actual: Type.Union([Type.Number(), Type.Boolean(), Type.Null()], { description: 'The value met (null: nothing measured, see note).' }),
  ok: Type.Boolean(),
  merge: Type.Union([Type.Literal('histogram'), Type.Literal('sum'), Type.Literal('worst')], { description: 'How repetitions were merged: merged histogram, sum of counts, or the worst repetition.' }),
  note: Type.Optional(Type.String()),
});
export type ThresholdResult = Static<typeof ThresholdResult>;

export const PathSpec = Type.Object({
  rttMs: num('Round-trip time added between each load client and the server, ms (split RTT/2 per direction).'),
  jitterMs: num('Jitter per direction, ms: each chunk\'s one-way delay is RTT/2 + uniform(−jitter, +jitter), never below 0.'),
  bandwidthBps: Type.Optional(num('Bandwidth per connection and direction, bits/s (0 or absent = unlimited).')),
});
export type PathSpec = Static<typeof PathSpec>;

/** The raw echo floors every bench measures first. */
export const FloorName = literals(['tcp-echo', 'ws-echo', 'http-request'] as const);

/** One floor's check: its p50 across the path, less its p50 on loopback, against the asked RTT. */
export const PathCheck = Type.Object({
  floor: FloorName,
  p50Ms: num('The floor\'s p50 across the path, ms (≈ the asked RTT).'),
  loopbackP50Ms: Type.Optional(num('The same floor\'s p50 straight on loopback in this bench, ms.')),
  askedMs: num(),
  offByMs: num('p50Ms − loopbackP50Ms − askedMs.'),
  toleranceMs: num(),
  ok: Type.Boolean(),
});
export type PathCheck = Static<typeof PathCheck>;

/** The path of the bench (per swept RTT when `--sweep rtt=…`). */
export const PathCalibration = Type.Object({
  mode: Type.Literal(PATH_MODE),
  description: Type.String(),
  spec: PathSpec,
  sweepValue: Type.Optional(described(SweepValue, 'The sweep value this calibration belongs to, when the bench sweeps the RTT.')),
  checks: Type.Array(PathCheck),
  ok: Type.Boolean(),
});
export type PathCalibration = Static<typeof PathCalibration>;

/** Set on results written after SIGINT/SIGTERM: what ran before the bench stopped. */
export const Interruption = Type.Object({
  signal: Type.Union([Type.Literal('SIGINT'), Type.Literal('SIGTERM')]),
  runsCompleted: num(),
  runsPlanned: num(),
  during: Type.Optional(Type.String({ description: 'The run under way when the signal came (its numbers are dropped), if any.' })),
});
export type Interruption = Static<typeof Interruption>;
