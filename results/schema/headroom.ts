/**
 * Harness headroom: what the load side (the load cores, from /proc/stat) spent per delivery
 * beside what the server spent, so a run whose load generator costs as much as the server it
 * measures says so (bench/measure/headroom.ts). And the server's heap per connection after a
 * forced GC (bench/targets/gc-hook.ts).
 */
import { Type, type Static } from '@sinclair/typebox';
import { SummaryStat } from './common.ts';

const num = (description: string) => Type.Number({ description });

export const Headroom = Type.Object({
  loadUsPerDelivery: num('Busy time of the load cores over the window (every process on them: workers, senders, the bench itself), µs per delivery.'),
  serverUsPerDelivery: num('Server CPU over the window, µs per delivery (runs[i].server.cpuSecondsPer1kDelivered in µs).'),
  loadToServer: num('loadUsPerDelivery ÷ serverUsPerDelivery: below 1 the load generator is cheaper than the server it measures (the aim is ≤ 0.7); at or above 1 the run is flagged.'),
  harnessUsPerDelivery: Type.Optional(num('CPU of the harness\'s own processes alone (the load workers and the bench, /proc/<pid>/stat) over the window, µs per delivery: the part of loadUsPerDelivery that is the harness\'s, whatever else shares the machine.')),
  loadCoreSeconds: num('The load cores\' busy time over the window, core-seconds.'),
  loadCoresShared: Type.Optional(Type.Boolean({ description: 'True when the load cores include the server\'s (no taskset, or one core): the server\'s CPU was subtracted from their busy time.' })),
}, { description: 'Load-side vs server-side CPU per delivery (runs with deliveries and /proc/stat only).' });
export type Headroom = Static<typeof Headroom>;

export const HeadroomSummary = Type.Object({
  harnessUsPerDelivery: Type.Optional(SummaryStat),
  loadUsPerDelivery: SummaryStat,
  serverUsPerDelivery: SummaryStat,
  loadToServer: SummaryStat,
}, { description: 'Median, min, max over repetitions of runs[i].workers.headroom.' });
export type HeadroomSummary = Static<typeof HeadroomSummary>;
