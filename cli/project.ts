/**
 * `pushlab project <results.json> --clients N --rooms M --rate R [--size B] [--slo-p99 MS]
 * [--utilisation F] [--json]`: the cost model a map bench fitted (results.map.models), evaluated
 * at a workload past one machine (model/project.ts) and printed as a table (cli/project-print.ts)
 * or JSON. A linear extrapolation, labelled as such; warnings (outside the measured range, size
 * scaled) go to stderr and into the JSON's `warnings`.
 * Exit codes: 0 printed, 2 usage error (bad flag, unreadable results, results without a map).
 */
import type { OptionSpec } from '../options/table.ts';
import { convertValue } from '../options/convert.ts';
import { UsageError } from '../options/usage-error.ts';
import { ResultsFileError, readResults } from '../results/load.ts';
import { DEFAULT_UTILISATION, project, ProjectionError } from '../model/project.ts';
import { startFileCommand } from './file-command.ts';
import { helpText } from './help.ts';
import { defaultIo, type CliIo } from './io.ts';
import { printProjection } from './project-print.ts';

const SPECS: readonly OptionSpec[] = [
  { key: 'clients', flag: 'clients', kind: 'int', unit: 'N', min: 1, default: undefined, help: 'subscribers (required)' },
  { key: 'rooms', flag: 'rooms', kind: 'int', unit: 'M', min: 1, default: undefined, help: 'rooms the subscribers are spread over; room size = N ÷ M (required)' },
  // Read by its own rule below (a rate may be fractional: 16.7 msg/s is one per client per minute of 1,000).
  { key: 'rate', flag: 'rate', kind: 'string', unit: 'msg/s', default: undefined, help: 'messages published per second, all rooms together; each reaches its room (required)' },
  { key: 'size', flag: 'size', kind: 'int', unit: 'bytes', min: 1, default: undefined, help: 'message text size; bytes are scaled from the size the map measured (default: that size)' },
  { key: 'sloP99', flag: 'slo-p99', kind: 'duration', unit: 'ms', bareMs: true, positive: true, default: undefined, help: 'mark transports that cannot keep p99 ≤ this: short polling\'s interval floor, the measured SLO capacity (results.slo)' },
  { key: 'utilisation', flag: 'utilisation', kind: 'string', unit: 'fraction', default: DEFAULT_UTILISATION, help: 'share of one core (and of its share of the machine\'s memory) an instance may use, in (0, 1]' },
  { key: 'json', flag: 'json', kind: 'bool', unit: '', default: false, help: 'print JSON: { transports: { <name>: { requestsPerSecond, cpuCores, memoryBytes, bandwidthBitsPerSecond, instances, … } }, warnings }' },
];

export const PROJECT_USAGE = helpText('pushlab project — what a workload would cost past one machine (linear extrapolation)', 'pushlab project <results.json> --clients N --rooms M --rate R [--size B] [--slo-p99 MS] [--utilisation F] [--json]', SPECS, {
  about: [
    'Reads the cost model of a map bench (`pushlab bench --scenario map` → results.json) and gives,',
    'per transport: HTTP requests/s, CPU cores (one core = the measuring machine\'s), memory,',
    'bandwidth both ways, instances needed at the utilisation target, and the Redis backplane\'s',
    'share when the results hold a scale-out ladder. Figures outside the measured range are',
    'extrapolated linearly and say so on stderr (docs/project.md).',
    'Example: pushlab project reports/…-map/results.json --clients 1000000 --rooms 10000 --rate 1000',
  ],
});

const optionSpec = (flag: string): OptionSpec => SPECS.find((s) => s.flag === flag) as OptionSpec;

/** A number ≥ 0 (rate) or in (0, 1] (utilisation), in our words on error. */
function toNumber(flag: string, raw: string, check: (n: number) => boolean, want: string): number {
  const text = raw.trim();
  const n = /^\d+(\.\d+)?$|^\.\d+$/.test(text) ? Number(text) : NaN;
  if (!check(n)) throw new UsageError(`--${flag} must be ${want}, got "${raw}"`);
  return n;
}

export async function runProjectCli(argv: string[], io: CliIo = defaultIo): Promise<number> {
  const started = startFileCommand(argv, io, { name: 'project', usage: PROJECT_USAGE, specs: SPECS, files: 1, missing: 'missing the results.json of a map bench (`pushlab bench --scenario map`)' });
  if (typeof started === 'number') return started;
  const { values, files, usage } = started;
  let workload;
  let sloP99Ms: number | undefined;
  let utilisation: number;
  try {
    for (const flag of ['clients', 'rooms', 'rate']) if (values[flag] === undefined) throw new UsageError(`--${flag} is required`);
    const int = (flag: string): number => convertValue(optionSpec(flag), values[flag] as string) as number;
    workload = {
      clients: int('clients'),
      rooms: int('rooms'),
      ratePerSecond: toNumber('rate', String(values.rate), (n) => Number.isFinite(n) && n >= 0, 'a number of messages per second ≥ 0'),
      ...(values.size === undefined ? {} : { size: int('size') }),
    };
    if (workload.rooms > workload.clients) throw new UsageError(`--rooms (${workload.rooms}) must not exceed --clients (${workload.clients}): a room needs a subscriber`);
    sloP99Ms = values['slo-p99'] === undefined ? undefined : (convertValue(optionSpec('slo-p99'), values['slo-p99'] as string) as number);
    utilisation = toNumber('utilisation', String(values.utilisation ?? DEFAULT_UTILISATION), (n) => n > 0 && n <= 1, 'a fraction in (0, 1], e.g. 0.7');
  } catch (error) {
    if (error instanceof UsageError) return usage(error.message);
    throw error;
  }
  try {
    const results = await readResults(files[0] as string);
    const projection = project(results, workload, { utilisation, ...(sloP99Ms === undefined ? {} : { sloP99Ms }) });
    for (const w of projection.warnings) io.err(`pushlab project: warning: ${w}`);
    io.out(values.json === true ? JSON.stringify({ extrapolation: 'linear', ...projection }, null, 2) : printProjection(projection));
    return 0;
  } catch (error) {
    // An unreadable file or one without a map is the caller's to fix: exit 2, no stack.
    if (error instanceof ResultsFileError || error instanceof ProjectionError) {
      io.err(`pushlab project: ${error.message}`);
      return 2;
    }
    throw error;
  }
}
