/**
 * `options`: the bench's resolved options as run — enough to run the same bench again
 * (`pushlab bench --from results.json`). Optional fields are absent in older results.
 */
import { Type, type Static } from '@sinclair/typebox';
import { PeerName, SweepValue, Transport } from './common.ts';

const num = (description?: string) => Type.Number(description === undefined ? {} : { description });
const flag = (description: string) => Type.Optional(Type.Boolean({ description }));

/** One step of a workload's phases: its window, its rate and its subscriber count. */
export const Phase = Type.Object({
  durationMs: num(),
  rate: num('Messages per second, total.'),
  clients: num(),
});
export type Phase = Static<typeof Phase>;

export const BenchOptions = Type.Object({
  scenario: Type.String(),
  transports: Type.Array(Transport),
  clients: num(),
  rooms: num(),
  senders: num(),
  rate: num('Messages per second, total across senders.'),
  size: num('Text payload, bytes.'),
  durationMs: num(),
  warmupMs: num(),
  repeat: num(),
  pollIntervalMs: num(),
  holdMs: num(),
  baselines: Type.Boolean(),
  peers: Type.Optional(Type.Array(PeerName, { description: 'Peers measured beside their counterpart transport (`--peers`; absent in older results = none).' })),
  capacity: Type.Boolean(),
  capacityDurationMs: Type.Optional(num('autocannon time per endpoint, ms (default 3000).')),
  seed: num(),
  instances: num(),
  backplane: Type.Optional(Type.String()),
  topologies: Type.Optional(Type.Array(Type.String(), { description: 'Scale-out topology rungs run for each transport (`--topologies`; default: the ladder in results/topology.ts).' })),
  sweep: Type.Optional(Type.Object({ option: Type.String(), values: Type.Array(SweepValue) })),
  faults: flag('`--faults`: connections are cut during the window.'),
  idleMs: Type.Optional(Type.Number({ description: '`--idle`: the idle phase after the drain that measures the fixed cost, ms (0 = none).' })),
  restartServer: flag('Stop the server (SIGTERM) half-way through the window and start a fresh one on the same port.'),
  target: Type.Optional(Type.String({ description: '`--target URL`: an external pushlab-protocol server the bench did not start (docs/results.md).' })),
  mapClients: Type.Optional(Type.Array(num(), { description: '`--scenario map` / `--map-clients`: the grid\'s client counts (bench/config/map-grid.ts).' })),
  mapRates: Type.Optional(Type.Array(Type.String(), { description: '`--scenario map` / `--map-rates`: the grid\'s per-client rates: `idle`, `r<N>s` / `r<N>m` (one message per client per N s / min), `hot` (every client in one room at 10 msg/s).' })),
  phases: Type.Optional(Type.Array(Phase, { description: '`--phases` / a config file\'s phases: steps run in order, each measured on its own (like a sweep).' })),
  compression: flag('`--compression`: permessage-deflate on WebSockets, gzip on JSON answers (pushlab servers).'),
  headers: Type.Optional(Type.Union([Type.Literal('node'), Type.Literal('browser')], { description: '`--headers`: node (default) or browser.' })),
  nullRun: flag('`--null-run`: each transport also ran against a trivial null server (target `null-<transport>`): the harness\'s own cost per delivery.'),
  tls: flag('`--tls`: pushlab\'s servers speak https/wss with a self-signed certificate the load clients trust.'),
  rttMs: Type.Optional(num('`--rtt`: round trip added by the delay proxy between load clients and server, ms (absent or 0 = loopback).')),
  jitterMs: Type.Optional(num('`--jitter`: per direction, ± uniform, ms.')),
  bandwidthBps: Type.Optional(num('`--bandwidth`: per connection and direction, bits/s.')),
  thresholds: Type.Optional(Type.Array(Type.String(), { description: '`--threshold` expressions, as given.' })),
  defaultThresholds: flag('False with `--no-default-thresholds`: the loss and load-bound gates are off. Default true.'),
  allowLoss: flag('`--allow-loss`: the default loss and unanswered gates are off.'),
  allowLoadBound: flag('`--allow-load-bound`: the default load-bound gate is off.'),
  sloSearch: flag('`--slo-search`: after the runs, search each target\'s capacity under the latency SLO (`results.slo`, bench/slo/).'),
  sloP99Ms: Type.Optional(num('`--slo-p99`: the SLO\'s p99 latency bound, ms.')),
  sloWindowMs: Type.Optional(num('`--slo-window`: the measured window of each SLO search step, ms.')),
  sloRates: Type.Optional(Type.Array(Type.Number(), { description: '`--slo-rates`: the rate search\'s ladder, msg/s.' })),
  sloClients: Type.Optional(Type.Array(Type.Number(), { description: '`--slo-clients`: the idle-connection search\'s ladder, clients.' })),
});
export type BenchOptions = Static<typeof BenchOptions>;
