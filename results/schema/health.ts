/**
 * How the load side held up during a run (`runs[i].workers`): a load-bound run measured the
 * load generator, not the server, and is marked everywhere (never a verdict winner).
 */
import { Type, type Static } from '@sinclair/typebox';
import { Headroom } from './headroom.ts';

const ms = (description: string) => Type.Optional(Type.Number({ description }));

export const WorkerHealth = Type.Object({
  cpuPercentMax: Type.Number({ description: 'Peak CPU of the busiest load worker, percent of one core.' }),
  scheduleLagMaxMs: Type.Number({ description: 'Largest lag of a sender behind its schedule, ms.' }),
  scheduleLagP50Ms: ms('p50 of the senders\' lag behind schedule, ms (shown beside latency p50).'),
  scheduleLagP99Ms: ms('p99 of the senders\' lag behind schedule, ms.'),
  eventLoopDelayP50Ms: ms('The busiest load worker\'s event-loop delay p50 over the window (beyond the monitor\'s 10 ms period), ms.'),
  eventLoopDelayP99Ms: ms('The busiest load worker\'s event-loop delay p99 over the window, ms.'),
  loadCores: Type.Optional(Type.Array(Type.Number(), { description: 'The load cores watched in /proc/stat. Linux only.' })),
  loadCoresBusyPercent: ms('The load cores\' busy share (steal included) over the window, percent.'),
  loadCoresStealPercent: ms('The load cores\' steal share over the window, percent.'),
  lateJoins: ms('Subscribers that joined only after the window opened.'),
  lateJoinMaxMs: ms('The latest late join\'s delay after the window opened, ms.'),
  workers: ms('Load worker processes used (subscribers and senders).'),
  headroom: Type.Optional(Headroom),
  loadBound: Type.Boolean({ description: 'True when the load generator, not the server, was the bottleneck.' }),
  reasons: Type.Array(Type.String()),
});
export type WorkerHealth = Static<typeof WorkerHealth>;

/** One second of a run, from the window's opening (negative during warm-up). */
export const TimelinePoint = Type.Object({
  t: Type.Number({ description: 'Seconds since the measured window opened (negative during warm-up).' }),
  delivered: Type.Number({ description: 'Deliveries per second seen by the load clients in this second.' }),
  requests: Type.Number({ description: 'HTTP requests per second made by the load clients in this second.' }),
  cpuPercent: Type.Number({ description: 'Server process CPU used in this second, percent of one core.' }),
  rssBytes: Type.Number(),
  heapUsedBytes: Type.Number(),
  eventLoopDelayP99Ms: Type.Number({ description: 'Server event-loop delay p99 in this second, ms.' }),
});
export type TimelinePoint = Static<typeof TimelinePoint>;

/** A figure theory predicts for the workload, beside what was measured. */
export const ModelCheck = Type.Object({
  metric: Type.String(),
  predicted: Type.Number({ description: 'What theory predicts for this workload.' }),
  measured: Type.Number(),
  unit: Type.String(),
  ratio: Type.Number({ description: 'measured / predicted.' }),
  flagged: Type.Boolean({ description: '|ratio − 1| over the tolerance.' }),
  tolerance: Type.Number({ description: 'Allowed relative difference before flagging, e.g. 0.1 for 10%.' }),
  note: Type.String(),
});
export type ModelCheck = Static<typeof ModelCheck>;
