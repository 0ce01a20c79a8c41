/**
 * `pushlab bench --help`. The `(default …)` beside each flag is the value the run would really
 * use: the option table's default under the chosen scenario's preset, a --config file's layers
 * and any other flags given — so `pushlab bench --help` shows the default scenario's 10 s × 3
 * repetitions with baselines, and `--scenario smoke --help` shows smoke's.
 */
import type { BenchFlagSpec, OutputOptions } from '../bench/config/options.ts';
import { BENCH_FLAG_SPECS } from '../bench/config/options.ts';
import type { BenchOptions } from '../results/types.ts';
import { SCENARIOS } from '../bench/config/scenarios.ts';
import type { OptionSpec } from '../options/table.ts';
import { helpText } from './help.ts';

/** Milliseconds back to flag syntax: 10000 → 10s, 1500 → 1500ms, 90000 → 90s. */
export function formatDuration(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`;
}

/** 2000000 → 2mbit: the flag syntax of a bits/s figure. */
function formatBandwidth(bps: number): string {
  if (bps % 1e6 === 0) return `${bps / 1e6}mbit`;
  return bps % 1e3 === 0 ? `${bps / 1e3}kbit` : `${bps}bit`;
}

/** A resolved value in the syntax its flag takes; undefined: not set (no default shown). */
export function flagValue(spec: BenchFlagSpec, options: BenchOptions, output: OutputOptions): string | undefined {
  if (spec.key === 'config' || spec.key === 'from') return undefined;
  const value: unknown = spec.key in output ? output[spec.key as keyof OutputOptions] : options[spec.key as keyof BenchOptions];
  // tls, compression, headers: absent from the options unless asked for; the table says what absent means.
  if (value === undefined) return spec.default === undefined ? undefined : String(spec.default);
  if (spec.kind === 'duration' && typeof value === 'number') return formatDuration(value);
  if (spec.key === 'bandwidthBps' && typeof value === 'number') return formatBandwidth(value);
  if (spec.key === 'peers' && Array.isArray(value)) return value.length === 0 ? 'none' : value.join(',');
  if (spec.key === 'thresholds' && Array.isArray(value)) return value.map((t) => `'${String(t)}'`).join(' ');
  if (spec.key === 'phases' && Array.isArray(value)) return (value as NonNullable<BenchOptions['phases']>).map((p) => `${formatDuration(p.durationMs)}:${p.rate}:${p.clients}`).join(',');
  if (spec.key === 'sweep') {
    const sweep = value as NonNullable<BenchOptions['sweep']>;
    return `${sweep.option}=${sweep.values.join(',')}`;
  }
  return Array.isArray(value) ? value.join(',') : String(value);
}

export function benchHelp(resolved: { options: BenchOptions; output: OutputOptions }): string {
  const scenarios = Object.entries(SCENARIOS).map(([name, s]) => `  ${name.padEnd(8)}  ${s.summary}`);
  const { options, output } = resolved;
  return [
    helpText('pushlab bench — every transport on the same workload: latency, loss, requests, bytes, server cost', 'pushlab bench [options]', BENCH_FLAG_SPECS, {
      about: [`The defaults shown are what this command would run: scenario "${options.scenario}", with any --config file and flags given.`],
      defaults: (spec: OptionSpec) => flagValue(spec as BenchFlagSpec, options, output),
    }),
    '',
    'Scenarios (a preset sets the options above; explicit flags override it):',
    ...scenarios,
    '',
    'Thresholds: [target:]metric op value[unit], metric a dotted path into a run of results.json,',
    "op one of < <= > >= == !=, e.g. --threshold 'websocket:latencyMs.p99<50ms' --threshold 'messages.lost==0'.",
    'Exit codes: 0 ok, 1 a run crashed or could not start, 2 usage error, 99 a threshold failed',
    '(the default gates messages.lost==0 and workers.loadBound==false included), 130/143 interrupted',
    '(results.json and the report are still written, marked partial).',
  ].join('\n');
}
