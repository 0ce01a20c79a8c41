/**
 * Where a bench's options come from besides flags: a config file (`--config bench.yaml`, YAML
 * or JSON, read with the `yaml` package) and a past results file (`--from results.json`).
 *
 * A config file holds the same options as the flags, by flag name (`poll-interval-ms`) or by
 * results.json name (`pollIntervalMs`), plus named `scenarios` (each may `extends` a built-in
 * preset and carry `phases`). Precedence, lowest first: the built-in preset, the file's top
 * level, the chosen scenario, the command line. Thresholds add up instead of replacing.
 * The published JSON Schema (docs/bench-config.schema.json) comes from bench/config/config-schema.ts.
 */
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { UsageError } from '../../options/usage-error.ts';
import { BENCH_FLAG_SPECS, OUTPUT_KEYS, validate, type ConfigLayers, type RawValues } from './options.ts';
import type { BenchOptions } from '../../results/types.ts';
import { SCENARIOS, SCENARIO_NAMES } from './scenarios.ts';
import { topologiesOf } from './topology.ts';

/** Keys of a config file (top level or a scenario) that are not options. */
const STRUCTURE_KEYS = new Set(['scenarios', 'extends', 'description', '$schema']);

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** A phase object → the `--phases` step form `duration:rate:clients`. */
function phaseStep(phase: unknown, where: string): string {
  if (!isRecord(phase)) throw new UsageError(`${where}: each phase is an object { duration, rate, clients }`);
  for (const key of Object.keys(phase)) if (!['duration', 'rate', 'clients'].includes(key)) throw new UsageError(`${where}: unknown key "${key}" in a phase (duration, rate, clients)`);
  if (phase.duration === undefined) throw new UsageError(`${where}: a phase needs a duration (e.g. 30s)`);
  return [phase.duration, phase.rate ?? '', phase.clients ?? ''].map(String).join(':');
}

/** One level of a config file (top level or a scenario) → raw values by flag name. */
function rawValues(level: Record<string, unknown>, where: string): RawValues {
  const out: RawValues = {};
  for (const [key, value] of Object.entries(level)) {
    if (STRUCTURE_KEYS.has(key) || (key === 'scenario' && where.endsWith('(top level)'))) continue;
    const spec = BENCH_FLAG_SPECS.find((s) => s.flag === key || s.key === key);
    if (spec === undefined || spec.key === 'config' || spec.key === 'from') throw new UsageError(`${where}: unknown option "${key}" (options: ${BENCH_FLAG_SPECS.filter((s) => s.key !== 'config' && s.key !== 'from').map((s) => s.flag).join(', ')}, scenarios, extends)`);
    if (value === null || value === undefined) continue;
    if (spec.kind === 'bool') {
      if (typeof value !== 'boolean') throw new UsageError(`${where}: ${key} must be true or false`);
      out[spec.flag] = value;
    } else if (spec.key === 'phases') {
      if (!Array.isArray(value)) throw new UsageError(`${where}: phases must be a list of { duration, rate, clients }`);
      out[spec.flag] = value.map((p, i) => phaseStep(p, `${where}: phases[${i}]`)).join(',');
    } else if (Array.isArray(value)) out[spec.flag] = value.map(String).join(spec.key === 'thresholds' ? '\n' : ',');
    else if (isRecord(value)) throw new UsageError(`${where}: ${key} must be a value, not an object`);
    else out[spec.flag] = String(value);
  }
  return out;
}

export async function readConfigFile(path: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new UsageError(`--config ${path}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message}`);
  }
  try {
    // YAML is a superset of JSON: one parser reads both.
    return parseYaml(text);
  } catch (error) {
    throw new UsageError(`--config ${path}: not valid YAML or JSON: ${(error as Error).message.split('\n')[0]}`);
  }
}

/** A parsed config file and the `--scenario` flag (if any) → the layers for resolveBenchOptions. */
export function configLayers(doc: unknown, file: string, scenarioFlag: string | undefined): ConfigLayers {
  const name = basename(file);
  if (!isRecord(doc)) throw new UsageError(`${name}: expected a mapping of options (and scenarios)`);
  const scenarios = doc.scenarios ?? {};
  if (!isRecord(scenarios)) throw new UsageError(`${name}: scenarios must be a mapping of name → options`);
  const topScenario = typeof doc.scenario === 'string' ? doc.scenario : undefined;
  const chosen = scenarioFlag ?? topScenario ?? Object.keys(scenarios)[0];
  const own = chosen === undefined ? undefined : scenarios[chosen];
  if (chosen !== undefined && own === undefined && SCENARIOS[chosen] === undefined) {
    throw new UsageError(`--scenario: "${chosen}" is neither in ${name} (${Object.keys(scenarios).join(', ') || 'no scenarios'}) nor a built-in preset (${SCENARIO_NAMES.join(', ')})`);
  }
  if (own !== undefined && !isRecord(own)) throw new UsageError(`${name}: scenarios.${chosen} must be a mapping of options`);
  const base = (own as Record<string, unknown> | undefined)?.extends ?? doc.extends ?? (own === undefined ? chosen : undefined) ?? 'default';
  if (typeof base !== 'string' || SCENARIOS[base] === undefined) throw new UsageError(`${name}: extends must name a built-in preset (${SCENARIO_NAMES.join(', ')}), got ${JSON.stringify(base)}`);
  const layers = [{ where: `${name} (top level)`, values: rawValues(doc, `${name} (top level)`) }];
  if (own !== undefined) layers.push({ where: `${name} scenarios.${chosen}`, values: rawValues(own as Record<string, unknown>, `${name} scenarios.${chosen}`) });
  return { scenario: chosen ?? base, preset: (SCENARIOS[base] as { preset: ConfigLayers['preset'] }).preset, layers };
}

/** `--from results.json`: the options it recorded, checked, to run again exactly. */
export async function optionsFromResults(path: string): Promise<BenchOptions> {
  const { readResults, ResultsFileError } = await import('../../results/load.ts');
  let options: BenchOptions;
  try {
    // The whole file, options included, is checked against the results schema here.
    options = (await readResults(path)).options;
  } catch (error) {
    if (error instanceof ResultsFileError) throw new UsageError(`--from: ${error.message}`);
    throw error;
  }
  const recorded = validate({ ...options });
  const topologies = topologiesOf(recorded);
  if (topologies !== undefined) recorded.topologies = topologies;
  return recorded;
}

/** With --from only where/how to print may change: anything else would not be the same bench. */
export function checkFromFlags(values: RawValues): void {
  const extra = BENCH_FLAG_SPECS.filter((s) => values[s.flag] !== undefined && s.key !== 'from' && !OUTPUT_KEYS.includes(s.key)).map((s) => `--${s.flag}`);
  if (extra.length > 0) throw new UsageError(`--from reruns exactly the recorded options: ${extra.join(', ')} cannot be combined with it (only --out, --json, --quiet); to change the workload, write a --config file`);
}
