/**
 * Cost and spread sections of a run and of a summary row: the fixed cost of staying connected
 * apart from the marginal cost per delivered message (bench/measure/fixed-cost.ts), TCP segments
 * (bench/measure/tcp-segments.ts) and the bootstrap intervals of latency and ratios (bench/measure/summary-ci.ts).
 */
import { Type, type Static } from '@sinclair/typebox';
import { SummaryStat } from './common.ts';

const num = (description?: string) => Type.Number(description === undefined ? {} : { description });
const interval = (description?: string) => Type.Tuple([Type.Number(), Type.Number()], description === undefined ? {} : { description });

export const FixedCost = Type.Object({
  cpuMsPerClientSecond: num('Server CPU per client-second of being connected, ms.'),
  bytesPerClientSecond: num('Server bytes (in + out, TCP payload) per client-second.'),
  requestsPerClientSecond: num('HTTP requests the server counted per client-second.'),
  heapPerConnectionBytes: Type.Optional(num('Heap per connection, bytes (runs[i].server.heapPerConnectionBytes), when measured.')),
});
export type FixedCost = Static<typeof FixedCost>;

export const MarginalCost = Type.Object({
  cpuSecondsPer1kDelivered: num('Server CPU per 1,000 delivered messages beyond the fixed cost, seconds (= ms per message).'),
  bytesPerDelivered: num(),
  requestsPerDelivered: num(),
});
export type MarginalCost = Static<typeof MarginalCost>;

export const CostSplit = Type.Object({
  source: Type.Union([Type.Literal('idle-phase'), Type.Literal('window')], { description: 'Where the fixed cost was measured: `idle-phase` after the drain, or the `window` of a rate-0 run.' }),
  idleSeconds: num('Length of that phase, s.'),
  connections: num('Client connections held over it.'),
  fixed: FixedCost,
  marginal: Type.Optional(Type.Object(MarginalCost.properties, { description: 'Absent when nothing was delivered (no cost per message to speak of).' })),
  note: Type.Optional(Type.String({ description: 'Why a figure reads low or is missing, e.g. an idle phase shorter than a long poll\'s hold (its renewals are then not sampled).' })),
}, { description: 'Fixed cost per client-second apart from the marginal cost per delivered message (bench/measure/fixed-cost.ts). Absent with `--idle 0`, when the drain ended with messages missing, or without server samples.' });
export type CostSplit = Static<typeof CostSplit>;

export const TcpSegments = Type.Object({
  outSegments: num('Segments sent in the window by every process of the namespace (loopback: each once).'),
  inSegments: num(),
  perDelivered: num('outSegments ÷ delivered messages (0 when nothing was delivered).'),
  retransmitted: num('Retransmitted segments in the window (loopback: should be 0).'),
  validOn: Type.Literal('quiet-machine', { description: 'Always `quiet-machine`: the counters include every other TCP exchange of the machine.' }),
}, { description: 'TCP segments over the window from /proc/net/snmp (Linux): the whole machine\'s, so valid on a quiet machine only.' });
export type TcpSegments = Static<typeof TcpSegments>;

export const CostSummary = Type.Object({
  runs: num('Repetitions that measured the split.'),
  fixed: Type.Object({ cpuMsPerClientSecond: SummaryStat, bytesPerClientSecond: SummaryStat, requestsPerClientSecond: SummaryStat }),
  marginal: Type.Optional(Type.Object({ cpuSecondsPer1kDelivered: SummaryStat, bytesPerDelivered: SummaryStat, requestsPerDelivered: SummaryStat }, { description: 'Absent when no repetition delivered anything.' })),
  note: Type.Optional(Type.String({ description: 'The first run\'s note (e.g. an idle phase shorter than a long poll\'s hold).' })),
}, { description: 'Fixed cost per client-second and marginal cost per delivery over repetitions (bench/measure/cost-summary.ts).' });
export type CostSummary = Static<typeof CostSummary>;

export const LatencyIntervals = Type.Object({
  p50Ms: interval(),
  p99Ms: interval(),
  level: num(),
  iterations: num(),
  method: Type.Literal('runs+deliveries', { description: 'Runs drawn with replacement, then their deliveries resampled (bench/measure/bootstrap.ts).' }),
}, { description: 'Bootstrap 95% intervals of latencyMs.p50/p99 (seeded).' });
export type LatencyIntervals = Static<typeof LatencyIntervals>;

export const RatioIntervals = Type.Object({ p50: interval(), p99: interval() }, { description: 'Bootstrap 95% intervals of the p50 and p99 ratios (bench/measure/summary-ci.ts).' });
export type RatioIntervals = Static<typeof RatioIntervals>;
