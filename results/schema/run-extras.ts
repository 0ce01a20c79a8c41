/**
 * The optional sections of a run, each written only by the bench feature that measures it:
 * per-part server cost (scale-out), batch sizes (polling), connection setup, the delay
 * proxy's cost (`--rtt`) and faults (`--faults` / `--restart-server`).
 */
import { Type, type Static } from '@sinclair/typebox';
import { described, EncodedHistogram, LatencySummaryMs, ProcessPart } from './common.ts';

/** One part of a run's server side: the pushlab instances, redis-server or nginx. */
export const ProcessPartCost = Type.Object({
  part: ProcessPart,
  processes: Type.Number({ description: 'Processes sampled for this part (instances; nginx master + workers).' }),
  cpuSeconds: Type.Number(),
  cpuSecondsPer1kDelivered: Type.Number(),
  rssPeakBytes: Type.Number(),
}, { description: 'One part of a run\'s server side: the pushlab instances, redis-server or nginx.' });
export type ProcessPartCost = Static<typeof ProcessPartCost>;

/** Power-of-two buckets of messages per response (bench/measure/batches.ts counts them). */
export const BATCH_BUCKETS = ['1', '2', '3–4', '5–8', '9–16', '17–32', '33–64', '65–128', '129+'] as const;

export const BatchSizes = Type.Object({
  responses: Type.Number({ description: 'Responses that carried at least one message of the window.' }),
  messages: Type.Number(),
  mean: Type.Number({ description: 'messages ÷ responses.' }),
  // Every bucket is always written, so each is a field a threshold may name (batches.buckets.1).
  buckets: Type.Object(Object.fromEntries(BATCH_BUCKETS.map((b) => [b, Type.Number()])) as Record<(typeof BATCH_BUCKETS)[number], ReturnType<typeof Type.Number>>, {
    description: 'Responses per bucket of message count.',
  }),
}, { description: 'Short and long polling: messages per response that carried any; absent for push transports.' });
export type BatchSizes = Static<typeof BatchSizes>;

export const ConnectionSetup = Type.Object({
  joinedMs: LatencySummaryMs,
  firstMessageMs: LatencySummaryMs,
  bytesPerConnection: Type.Optional(Type.Object({ sent: Type.Number(), received: Type.Number() }, {
    description: 'Mean bytes per new connection from start to joined, as the client counts them (application bytes: under --tls the handshake\'s records are only in the server\'s bytes).',
  })),
}, { description: 'Client start → joined and → first message, per subscriber, ms; bytes per new connection.' });
export type ConnectionSetup = Static<typeof ConnectionSetup>;

/** What carries an emulated path's delay. Kernel netem would be `netem`; this kernel has none. */
export const PATH_MODE = 'userspace-delay-proxy';

export const PathRunCost = Type.Object({
  mode: Type.Literal(PATH_MODE),
  rttMs: Type.Number(),
  proxyCpuSeconds: Type.Number(),
  proxyCpuPercent: Type.Number({ description: 'Percent of one core over the window.' }),
  connections: Type.Number({ description: 'Connections the proxy accepted in the whole run (clients, senders, reconnections).' }),
}, { description: '`--rtt/--jitter/--bandwidth` runs only: the delay proxy\'s own CPU over the window (it runs on the load cores).' });
export type PathRunCost = Static<typeof PathRunCost>;

/**
 * Faults of one run, counted over its subscribers. A cut kills the connection a subscriber is
 * waiting on (a short-poll client's next poll when none is out); it has recovered at the first
 * message delivered to it after the cut. Times in ms, histograms µs like latency.
 */
export const FaultsResult = Type.Object({
  cuts: Type.Number({ description: 'Subscriber connections cut (cut events × subscribers connected at the time).' }),
  reconnects: Type.Number({ description: 'Reconnections the clients made (the clients\' own count; restarts included).' }),
  recovered: Type.Number({ description: 'Cuts followed by a delivery before the run ended; unrecovered = cuts − recovered.' }),
  unrecovered: Type.Number(),
  recoveryMs: described(LatencySummaryMs, 'Cut → first delivery after it, per recovered cut.'),
  recoveryHistogram: EncodedHistogram,
  serverRestarts: Type.Number(),
  serverDownMs: Type.Optional(Type.Number({ description: 'SIGTERM → the fresh server listening, ms (restarts only).' })),
  restartRecoveryMs: Type.Optional(described(LatencySummaryMs, 'Per subscriber: restart (SIGTERM) → its first delivery from the fresh server (restarts only).')),
  restartUnrecovered: Type.Optional(Type.Number({ description: 'Subscribers that got no delivery after the restart before the run ended.' })),
}, { description: 'Faults of one run, counted over its subscribers; times in ms, histograms µs.' });
export type FaultsResult = Static<typeof FaultsResult>;
