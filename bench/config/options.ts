/**
 * Every bench option as data, declared once with its flag, unit and default. cli/ turns the
 * table into flags and `--help` (argv is parsed there, never here); a config file is read with
 * it too (bench/config/config.ts). A scenario preset overrides the table's defaults, explicit values
 * override the preset, and `resolveBenchOptions` validates the result — one place, so help,
 * presets and the harness cannot disagree.
 */
import { convertValue, toList } from '../../options/convert.ts';
import type { OptionSpec } from '../../options/table.ts';
import { UsageError } from '../../options/usage-error.ts';
import { DEFAULTS } from '../../protocol/defaults.ts';
import { TRANSPORTS } from '../../protocol/types.ts';
import { parsePhases } from './phases.ts';
import type { BenchOptions, Phase } from '../../results/types.ts';
import { SCENARIOS, SCENARIO_NAMES, type Preset } from './scenarios.ts';
import { parseThreshold } from './thresholds.ts';
import { parsePeers } from '../peers/peers.ts';
import { parseTopologies, topologiesOf } from './topology.ts';
import { parseBandwidth } from '../delay/link.ts';
import { MAP_CLIENTS, MAP_RATES, parseMapClients, parseMapRates } from './map-grid.ts';
import { parseLadder } from '../slo/ladder.ts';

/** Options of the CLI only (where to write, how to print), not of the measurement. */
export interface OutputOptions {
  out: string;
  json: boolean;
  /** No progress lines (the table and the paths still print). */
  quiet: boolean;
}

/** Where the options come from, not options themselves (bench/config/config.ts reads them). */
export interface SourceOptions {
  config?: string;
  from?: string;
}

type Key = keyof BenchOptions | keyof OutputOptions | keyof SourceOptions;

/** Keys that are not part of the measurement: a config file may hold them, --from keeps them. */
export const OUTPUT_KEYS: readonly Key[] = ['out', 'json', 'quiet'];

/** A row of the one option table type (options/table.ts), keyed by the bench's option names. */
export type BenchFlagSpec = OptionSpec<Key>;

/**
 * The base defaults, declared here once; a scenario preset (scenarios.ts) overrides some of them
 * (the `default` scenario too), and `pushlab bench --help` shows the values a run really uses.
 */
export const BENCH_FLAG_SPECS: readonly BenchFlagSpec[] = [
  { key: 'scenario', flag: 'scenario', kind: 'string', unit: 'name', default: 'default', help: `preset: ${SCENARIO_NAMES.join(', ')}; explicit flags override it` },
  { key: 'transports', flag: 'transports', kind: 'list', unit: 'list', default: TRANSPORTS.join(','), choices: { name: 'transport', values: TRANSPORTS }, sweepable: true, help: 'transports to measure' },
  { key: 'clients', flag: 'clients', kind: 'int', unit: 'N', default: 100, min: 1, sweepable: true, help: 'subscribers (each joins one room), clients' },
  { key: 'rooms', flag: 'rooms', kind: 'int', unit: 'N', default: 1, min: 1, sweepable: true, help: 'rooms; subscriber i joins room i mod N, message k goes to room k mod N' },
  { key: 'senders', flag: 'senders', kind: 'int', unit: 'N', default: 4, min: 0, sweepable: true, help: 'sending clients (not subscribed), clients' },
  { key: 'rate', flag: 'rate', kind: 'int', unit: 'msg/s', default: 100, min: 0, sweepable: true, help: 'messages per second, total across senders (0 = idle)' },
  { key: 'size', flag: 'size', kind: 'int', unit: 'bytes', default: 100, min: 32, sweepable: true, help: 'message text size, bytes (starts with a 20–40 byte id)' },
  { key: 'durationMs', flag: 'duration', kind: 'duration', unit: 'time', default: '30s', positive: true, sweepable: true, help: 'measured window per run (e.g. 30s, 2m, 500ms)' },
  { key: 'warmupMs', flag: 'warmup', kind: 'duration', unit: 'time', default: '5s', sweepable: true, help: 'warm-up before the window; clients connect spread over it' },
  { key: 'idleMs', flag: 'idle', kind: 'duration', unit: 'time', default: '4s', help: 'idle phase after the drain (clients connected, no messages) that measures the fixed cost per client-second; 0 = none' },
  { key: 'repeat', flag: 'repeat', kind: 'int', unit: 'N', default: 1, min: 1, help: 'repetitions of each run (fresh server each)' },
  { key: 'pollIntervalMs', flag: 'poll-interval-ms', kind: 'int', unit: 'ms', default: DEFAULTS.pollIntervalMs, min: 1, sweepable: true, help: 'short-polling interval, start to start, ms' },
  { key: 'holdMs', flag: 'hold-ms', kind: 'int', unit: 'ms', default: DEFAULTS.holdMs, min: 1, sweepable: true, help: 'long-poll hold with nothing to send, ms' },
  { key: 'rttMs', flag: 'rtt', kind: 'duration', unit: 'time', default: undefined, bareMs: true, sweepable: true, help: 'round-trip time added between every load client and the server by a delay proxy (bench/delay/; bare numbers are ms), e.g. 100ms' },
  { key: 'jitterMs', flag: 'jitter', kind: 'duration', unit: 'time', default: undefined, bareMs: true, help: 'jitter per direction on the emulated path, ± uniform, order kept (bare numbers are ms)' },
  { key: 'bandwidthBps', flag: 'bandwidth', kind: 'string', unit: 'rate', default: undefined, help: 'bandwidth per connection and direction on the emulated path, e.g. 2mbit, 500kbit, 1MB/s' },
  { key: 'tls', flag: 'tls', kind: 'bool', unit: '', default: false, help: 'serve https/wss with a throwaway self-signed certificate the load clients trust (pushlab servers only; capacity is skipped)' },
  { key: 'compression', flag: 'compression', kind: 'bool', unit: '', default: false, help: 'servers accept permessage-deflate and gzip answers; the load clients offer both (compare bytes, CPU and heap with a run without)' },
  { key: 'headers', flag: 'headers', kind: 'string', unit: 'set', default: 'node', help: "request headers of the load clients: node (Node's few) or browser (a desktop Chrome's set to a same-site API, cookie included: docs/network.md)" },
  { key: 'baselines', flag: 'baselines', kind: 'bool', unit: '', default: false, help: 'also run the bare ws and long-poll baseline servers (on in the default scenario)' },
  { key: 'peers', flag: 'peers', kind: 'string', unit: 'list', default: 'none', help: 'peers run beside their counterpart: socketio (Socket.IO, WebSocket only, beside websocket), socketio-polling (its long polling only, beside long-polling); none or \'\' for none (both on in the default and fanout scenarios)' },
  { key: 'nullRun', flag: 'null-run', kind: 'bool', unit: '', default: false, help: 'also run each transport against a null server that only writes pre-built frames (targets null-<transport>): the harness\'s own CPU per delivery' },
  { key: 'capacity', flag: 'capacity', kind: 'bool', unit: '', default: true, help: 'measure HTTP endpoint capacity with autocannon (--no-capacity to skip)' },
  { key: 'capacityDurationMs', flag: 'capacity-duration', kind: 'duration', unit: 'time', default: '3s', positive: true, help: 'autocannon time per endpoint' },
  { key: 'sweep', flag: 'sweep', kind: 'string', unit: 'option=v1,v2', default: undefined, help: 'repeat the bench for each value of one option, e.g. clients=10,100,1000' },
  { key: 'seed', flag: 'seed', kind: 'int', unit: 'N', default: 1, min: 0, help: 'seed of the random connect times (same seed, same schedule)' },
  { key: 'instances', flag: 'instances', kind: 'int', unit: 'N', default: 1, min: 1, help: 'server processes behind nginx (scale-out; a redis-server of its own unless --backplane)' },
  { key: 'backplane', flag: 'backplane', kind: 'string', unit: 'url', default: undefined, help: 'redis://host:port backplane for scale-out runs (default with --instances > 1: start one)' },
  { key: 'topologies', flag: 'topologies', kind: 'string', unit: 'list', default: undefined, help: 'scale-out rungs per transport, e.g. memory:1:direct,redis:1:nginx,redis:2:nginx (default with --instances/--backplane: memory:1:direct, redis:1:direct, redis:1:nginx, redis:N:nginx)' },
  { key: 'faults', flag: 'faults', kind: 'bool', unit: '', default: false, help: 'cut client connections at random during the window (reconnect/loss test)' },
  { key: 'restartServer', flag: 'restart-server', kind: 'bool', unit: '', default: false, help: 'stop the server (SIGTERM) half-way through the window and start a fresh one on the same port (single memory-backplane server only: its history is lost by design)' },
  { key: 'mapClients', flag: 'map-clients', kind: 'string', unit: 'list', default: undefined, help: 'decision map (--scenario map): the grid\'s client counts, e.g. 100,1000 (map default 100,1000,5000; an explicit --clients N means just N)' },
  { key: 'mapRates', flag: 'map-rates', kind: 'string', unit: 'list', default: undefined, help: 'decision map: the grid\'s per-client rates: idle, r<N>s / r<N>m (1 msg per client per N s / min), hot (all clients in one room at 10 msg/s); map default idle,r60s,r10s,hot' },
  { key: 'phases', flag: 'phases', kind: 'string', unit: 'steps', default: undefined, help: 'ramp as steps duration:rate:clients, e.g. 10s:10:100,20s:50:100 — each measured in turn, like a sweep' },
  { key: 'target', flag: 'target', kind: 'string', unit: 'url', default: undefined, help: 'drive an external pushlab server at this http://host:port (the bench starts none; its CPU/memory come from its /metrics)' },
  { key: 'thresholds', flag: 'threshold', kind: 'string', unit: 'expr', default: undefined, repeatable: true, help: "fail (exit 99) unless [target:]metric op value[unit] holds, e.g. 'websocket:latencyMs.p99<50ms'; repeatable" },
  { key: 'defaultThresholds', flag: 'default-thresholds', kind: 'bool', unit: '', default: true, help: 'the default gates messages.lost==0, messages.unanswered==0, messages.negativeLatency==0 and workers.loadBound==false (--no-default-thresholds to drop them all)' },
  { key: 'allowLoss', flag: 'allow-loss', kind: 'bool', unit: '', default: false, help: 'drop just the default gates messages.lost==0 and messages.unanswered==0 (fault studies)' },
  { key: 'allowLoadBound', flag: 'allow-load-bound', kind: 'bool', unit: '', default: false, help: 'drop just the default gate workers.loadBound==false (the run is still marked load-bound)' },
  { key: 'sloSearch', flag: 'slo-search', kind: 'bool', unit: '', default: false, help: 'after the runs, search each transport\'s (and baseline\'s) highest message rate and most idle connections with p99 ≤ --slo-p99, zero loss and no load-bound step, by short runs laddered then bisected (bench/slo/; results.slo): ~5 min more for 4 transports + 2 baselines on a quiet 2-core machine (estimate: ~40 steps of ~7 s)' },
  { key: 'sloP99Ms', flag: 'slo-p99', kind: 'int', unit: 'ms', default: 100, min: 1, help: 'the latency SLO of --slo-search: p99 bound, ms' },
  { key: 'sloRates', flag: 'slo-rates', kind: 'string', unit: 'list', default: '100,200,400,800,1600,3200', help: '--slo-search: the rate ladder, msg/s in total at --clients and --rooms, walked up to the first failing step, then bisected twice (to within 25%)' },
  { key: 'sloClients', flag: 'slo-clients', kind: 'string', unit: 'list', default: '200,800,3200,12800', help: '--slo-search: the idle-connection ladder (clients in rooms of 10, a 10 msg/s probe for latency), then bisected twice (to within 50%)' },
  { key: 'sloWindowMs', flag: 'slo-window', kind: 'duration', unit: 'time', default: '2s', positive: true, help: 'measured window of each --slo-search step (each step also pays ~4 s of start, warm-up and drain)' },
  { key: 'config', flag: 'config', kind: 'string', unit: 'file', default: undefined, help: 'read options, scenarios and phases from a YAML or JSON file (docs/bench-config.md); flags override it' },
  { key: 'from', flag: 'from', kind: 'string', unit: 'results.json', default: undefined, help: 'rerun exactly the options a results.json recorded' },
  { key: 'out', flag: 'out', kind: 'string', unit: 'dir', default: 'reports/', help: 'results go to DIR/<date>-<scenario>/results.json (+ index.html)' },
  { key: 'json', flag: 'json', kind: 'bool', unit: '', default: false, help: 'print the results JSON to stdout (progress and table go quiet)' },
  { key: 'quiet', flag: 'quiet', kind: 'bool', unit: '', default: false, help: 'no progress lines (the table and the paths still print)' },
];


function specFor(flag: string): BenchFlagSpec | undefined {
  return BENCH_FLAG_SPECS.find((s) => s.flag === flag);
}

/** `clients=10,100,1000` → the option's key and typed values. */
export function parseSweep(raw: string): NonNullable<BenchOptions['sweep']> {
  const m = /^([a-z-]+)=(.+)$/.exec(raw.trim());
  if (m === null) throw new UsageError(`--sweep must look like option=v1,v2,… (e.g. clients=10,100,1000), got "${raw}"`);
  const flag = m[1] as string;
  const spec = specFor(flag);
  if (spec === undefined || spec.sweepable !== true) {
    const names = BENCH_FLAG_SPECS.filter((s) => s.sweepable === true).map((s) => s.flag);
    throw new UsageError(`--sweep: "${flag}" cannot be swept (sweepable: ${names.join(', ')})`);
  }
  const rawValues = toList(m[2] as string);
  if (rawValues.length === 0) throw new UsageError('--sweep needs at least one value');
  const values = rawValues.map((v) => {
    const typed = convertValue(spec, v);
    // A transports sweep runs one transport per value.
    return Array.isArray(typed) ? (typed[0] as string) : (typed as number | string);
  });
  return { option: flag, values };
}

/** The options of one sweep step: the swept option set to `value`. */
export function applySweep(options: BenchOptions, value: number | string): BenchOptions {
  const sweep = options.sweep;
  if (sweep === undefined) return options;
  const spec = specFor(sweep.option);
  if (spec === undefined) return options;
  const next = { ...options } as Record<string, unknown>;
  next[spec.key] = spec.key === 'transports' ? [value] : value;
  return validate(next as unknown as BenchOptions);
}

/** Raw values by flag name: from argv (parseFlags) or a config file layer (bench/config/config.ts). */
export type RawValues = Record<string, string | boolean>;

/** A config file's contribution: the scenario it selects, its base preset, its layers of values. */
export interface ConfigLayers {
  scenario: string;
  preset: Preset;
  /** In order of precedence, lowest first; each names where it came from for messages. */
  layers: { where: string; values: RawValues }[];
}

/** Options whose value is more than a kind: parsed by their own module. */
const PARSERS: Partial<Record<Key, (raw: string) => unknown>> = {
  sweep: parseSweep,
  topologies: parseTopologies,
  // Checked now (a typo costs nothing), evaluated after the bench (bench/config/thresholds.ts).
  thresholds: (raw) => raw.split('\n').map((e) => parseThreshold(e).expression),
  target: parseTargetUrl,
  peers: parsePeers,
  mapClients: parseMapClients,
  mapRates: parseMapRates,
  sloRates: (raw) => parseLadder('slo-rates', raw),
  sloClients: (raw) => parseLadder('slo-clients', raw),
  bandwidthBps: (raw) => {
    const bps = parseBandwidth(raw);
    if (bps === undefined) throw new UsageError(`--bandwidth must be a rate like 2mbit, 500kbit or 1MB/s, got "${raw}"`);
    return bps;
  },
};

/** `--target`: an http://host:port URL, nothing else (it is the only address contacted). */
export function parseTargetUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new UsageError(`--target must be a URL like http://127.0.0.1:3000, got "${raw}"`);
  }
  // The load clients and the sampler speak plain node:http (TLS in front is a proxy's job).
  if (url.protocol !== 'http:') throw new UsageError(`--target must be an http:// URL (https is not supported by the load clients), got "${raw}"`);
  if (url.pathname !== '/' || url.search !== '' || url.hash !== '') throw new UsageError(`--target is the server's root URL (http://host:port), got "${raw}"`);
  return url.origin;
}

/**
 * Options whose default means "not asked for": a run records them in results.json only when
 * set, as it always has (the table's default is what the harness does without them).
 */
const RECORDED_WHEN_SET: readonly Key[] = ['tls', 'compression', 'headers', 'nullRun'];

/** The table's defaults as the lowest layer of raw values. */
function tableDefaults(): RawValues {
  const out: RawValues = {};
  for (const spec of BENCH_FLAG_SPECS) {
    if (spec.default === undefined || RECORDED_WHEN_SET.includes(spec.key)) continue;
    out[spec.flag] = typeof spec.default === 'number' ? String(spec.default) : spec.default;
  }
  return out;
}

/** The options before any scenario: the table's defaults, read like any other layer (fills `output` too). */
function base(output: OutputOptions): Record<string, unknown> {
  const merged: Record<string, unknown> = {};
  apply(tableDefaults(), merged, output, '');
  return merged;
}

/** The table's defaults as options: what a preset changes (bench/config/scenarios.ts states only that). */
export function baseOptions(): Omit<BenchOptions, 'scenario'> {
  return base({} as OutputOptions) as unknown as Omit<BenchOptions, 'scenario'>;
}

/** Lay raw values over `merged`/`output`; the spec table decides how each is read. */
function apply(values: RawValues, merged: Record<string, unknown>, output: OutputOptions, where: string): void {
  for (const spec of BENCH_FLAG_SPECS) {
    const raw = values[spec.flag];
    if (raw === undefined || spec.key === 'scenario' || spec.key === 'config' || spec.key === 'from') continue;
    // `--peers ''` is a way to say none (bench/peers/peers.ts); every other empty value is a mistake.
    if (spec.kind !== 'bool' && spec.key !== 'peers' && String(raw).trim() === '') throw new UsageError(`${where}--${spec.flag} needs a value`);
    try {
      if (OUTPUT_KEYS.includes(spec.key)) (output as unknown as Record<string, unknown>)[spec.key] = convertValue(spec, raw);
      else if (spec.key === 'thresholds') merged.thresholds = [...((merged.thresholds as string[] | undefined) ?? []), ...(PARSERS.thresholds?.(String(raw)) as string[])];
      // Phases default their rate and clients to the bench's: read once everything else is in.
      else if (spec.key === 'phases') merged.phasesRaw = String(raw);
      else merged[spec.key] = PARSERS[spec.key]?.(String(raw)) ?? convertValue(spec, raw);
    } catch (error) {
      if (error instanceof UsageError && where !== '') throw new UsageError(`${where}${error.message}`);
      throw error;
    }
  }
}

/** `10s:10:100,20s:50` → phases (rate and clients may be left out: the bench's own). */
function phasesFromFlag(raw: string, base: { rate: number; clients: number }): Phase[] {
  const steps = toList(raw).map((step) => {
    const [duration, rate, clients] = step.split(':');
    return { duration, ...(rate === undefined || rate === '' ? {} : { rate }), ...(clients === undefined || clients === '' ? {} : { clients }) };
  });
  return parsePhases(steps, base, '--phases');
}

/** argv values (from parseFlags), over a config file's layers when given → resolved, validated options. Throws UsageError. */
export function resolveBenchOptions(values: RawValues, config?: ConfigLayers): { options: BenchOptions; output: OutputOptions } {
  const scenario = config?.scenario ?? String(values.scenario ?? specFor('scenario')?.default);
  const preset = config?.preset ?? SCENARIOS[scenario]?.preset;
  if (preset === undefined) throw new UsageError(`--scenario: unknown scenario "${scenario}" (known: ${SCENARIO_NAMES.join(', ')})`);
  // Precedence, lowest first: the table's defaults, the preset, the config file's layers, the flags.
  const output = {} as OutputOptions;
  const merged: Record<string, unknown> = { scenario, ...base(output), ...preset };
  for (const layer of config?.layers ?? []) apply(layer.values, merged, output, `${layer.where}: `);
  apply(values, merged, output, '');
  if (typeof merged.phasesRaw === 'string') merged.phases = phasesFromFlag(merged.phasesRaw, { rate: merged.rate as number, clients: merged.clients as number });
  delete merged.phasesRaw;
  mapOverrides(merged, [...(config?.layers ?? []).map((l) => l.values), values]);
  const options = validate(merged as unknown as BenchOptions);
  // A scale-out bench records the rungs it ran; a plain bench keeps no `topologies` field.
  const topologies = topologiesOf(options);
  if (topologies !== undefined) options.topologies = topologies;
  return { options, output };
}

/**
 * The decision map: asking for one of its axes asks for the map (the other axis takes its
 * default), and an explicit --clients N (a flag or a config file's) narrows the map to N clients
 * unless --map-clients says otherwise — flags override the preset, as in every scenario.
 */
function mapOverrides(merged: Record<string, unknown>, given: readonly RawValues[]): void {
  if (merged.mapClients === undefined && merged.mapRates === undefined) return;
  const said = (flag: string): boolean => given.some((v) => v[flag] !== undefined);
  if (said('clients') && !said('map-clients')) merged.mapClients = [merged.clients];
  merged.mapClients ??= [...MAP_CLIENTS];
  merged.mapRates ??= [...MAP_RATES];
}

/** Cross-option rules; the messages name the flags. */
export function validate(options: BenchOptions): BenchOptions {
  if (options.rooms > options.clients) throw new UsageError(`--rooms (${options.rooms}) cannot exceed --clients (${options.clients}): every room needs a subscriber`);
  if (options.rate > 0 && options.senders === 0) throw new UsageError('--rate above 0 needs --senders ≥ 1');
  // --instances above 1 without --backplane: bench/targets/cluster.ts starts a redis-server of its own.
  if (options.backplane !== undefined && !/^rediss?:\/\//.test(options.backplane)) throw new UsageError('--backplane must be a redis:// URL');
  // The bench restarts one process on its port; a cluster's failover is bench/targets/cluster.ts's business.
  if (options.restartServer === true && (options.instances > 1 || options.backplane !== undefined)) throw new UsageError('--restart-server works on a single server with the memory backplane (not with --instances or --backplane)');
  // The peers' clients cannot be cut and Socket.IO keeps no history to resume from.
  if ((options.peers ?? []).length > 0 && (options.faults === true || options.restartServer === true)) throw new UsageError('--peers cannot be combined with --faults or --restart-server (Socket.IO keeps no history to resume from): add --peers none');
  if (options.mapClients !== undefined && (options.sweep !== undefined || options.phases !== undefined)) throw new UsageError('the decision map (--scenario map, --map-clients, --map-rates) makes its own steps: it cannot be combined with --sweep or --phases');
  if (options.sweep !== undefined && options.phases !== undefined) throw new UsageError('--sweep and --phases cannot be combined: both make the steps of a bench');
  // The bench starts, restarts and scales nothing it does not own.
  if (options.target !== undefined && (options.instances > 1 || options.backplane !== undefined || options.topologies !== undefined || options.restartServer === true)) {
    throw new UsageError('--target drives a server the bench did not start: it cannot be combined with --instances, --backplane, --topologies or --restart-server');
  }
  if (options.headers !== undefined && options.headers !== 'node' && options.headers !== 'browser') throw new UsageError(`--headers must be node or browser, got "${String(options.headers)}"`);
  // --tls covers the pushlab servers the bench starts (the baselines and peers are left out: bench/harness/run.ts).
  if (options.tls === true && (options.target !== undefined || options.instances > 1)) throw new UsageError('--tls covers the single pushlab server the bench starts: it cannot be combined with --target or --instances');
  // The delay proxy sits in front of servers the bench starts and knows; an external target is the user's path.
  if ((options.rttMs ?? 0) + (options.jitterMs ?? 0) + (options.bandwidthBps ?? 0) > 0 && options.instances > 1) throw new UsageError('--rtt/--jitter/--bandwidth work on a single server (not with --instances)');
  return options;
}
