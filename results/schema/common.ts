/**
 * The small shapes every part of results.json reuses: run targets, latency summaries and
 * median/min/max stats. Units are in the names: Ms = milliseconds, Bytes, Seconds, PerSecond.
 */
import { CloneType, Type, type Static, type TLiteral, type TSchema, type TUnion } from '@sinclair/typebox';
import { TRANSPORTS } from '../../protocol/types.ts';
import { PEER_TARGETS, PEERS } from '../peers.ts';

/** A union of string literals from a constant list, so the list stays the one source. */
export function literals<const T extends readonly string[]>(values: T, description?: string): TUnion<TLiteral<T[number]>[]> {
  // map() loses the literal types TypeBox derives the union from; the declared return type restores them.
  return Type.Union(values.map((v) => Type.Literal(v)), description === undefined ? {} : { description }) as TUnion<TLiteral<T[number]>[]>;
}

export const Transport = literals(TRANSPORTS, 'One of the lab\'s transports.');
export type Transport = Static<typeof Transport>;

export const PeerName = literals(PEERS);

export const BASELINE_TARGETS = ['baseline-ws', 'baseline-long-polling'] as const;

/** `--null-run`: each transport against a trivial server that only writes pre-built frames (the harness's own cost). */
export const NULL_TARGETS = ['null-websocket', 'null-sse', 'null-long-polling', 'null-short-polling'] as const;

/** A target of a run: one of the lab's transports, a bare baseline server, or a peer (Socket.IO). */
export const RunTarget = literals([...TRANSPORTS, ...BASELINE_TARGETS, ...PEER_TARGETS, ...NULL_TARGETS] as const, 'A lab transport, a bare baseline server, a peer (Socket.IO), or a null-run server (`--null-run`).');
export type RunTarget = Static<typeof RunTarget>;

/** A value a sweep step or phase is labelled with. */
export const SweepValue = Type.Union([Type.Number(), Type.String()]);

/** Base64 of a compressed HDR histogram, integer µs (results/histogram.ts). */
export const EncodedHistogram = Type.String({ description: 'Base64 of a compressed HDR histogram, values in integer µs.' });

export const LatencySummaryMs = Type.Object({
  p50: Type.Number(),
  p90: Type.Number(),
  p99: Type.Number(),
  p999: Type.Number(),
  max: Type.Number(),
  mean: Type.Number(),
  count: Type.Number({ description: 'Number of latency samples (deliveries) recorded.' }),
}, { description: 'Latency percentiles, ms (3 decimals = µs).' });
export type LatencySummaryMs = Static<typeof LatencySummaryMs>;

export const SummaryStat = Type.Object({ median: Type.Number(), min: Type.Number(), max: Type.Number() }, { description: 'Across repetitions.' });
export type SummaryStat = Static<typeof SummaryStat>;

/** Which server side a process belongs to: the pushlab instances, redis-server or nginx. */
export const ProcessPart = literals(['servers', 'redis', 'nginx'] as const);

/** A shared schema with a description of its own at this place (the shared one is left alone). */
export function described<T extends TSchema>(schema: T, description: string): T {
  // CloneType's options yield to the schema's own keys, so the description is set after cloning.
  return { ...CloneType(schema), description };
}
