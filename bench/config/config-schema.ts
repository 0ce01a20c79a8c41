/**
 * The JSON Schema (draft 2020-12) of a bench config file, generated from the option table
 * (bench/config/options.ts) so a new flag is in the schema the moment it exists. Published as
 * docs/bench-config.schema.json (a test keeps the file equal to this); regenerate with
 * `npx tsx bench/config/config-schema.ts > docs/bench-config.schema.json`.
 */
import { fileURLToPath } from 'node:url';
import { TRANSPORTS } from '../../protocol/types.ts';
import { BENCH_FLAG_SPECS, type BenchFlagSpec } from './options.ts';
import { SCENARIO_NAMES } from './scenarios.ts';

type Json = Record<string, unknown>;

const DURATION: Json = {
  oneOf: [
    { type: 'string', pattern: '^(\\d+(\\.\\d+)?(ms|s|m|h))+$|^\\d+(\\.\\d+)?$', description: '30s, 1m30s, 500ms, 1h, or a bare number of seconds' },
    { type: 'number', minimum: 0, description: 'seconds' },
  ],
};

function propertyOf(spec: BenchFlagSpec): Json {
  const described = (schema: Json): Json => ({ ...schema, description: spec.help, ...(spec.default === undefined ? {} : { default: spec.default }) });
  if (spec.key === 'thresholds') return described({ type: 'array', items: { type: 'string', pattern: '^([a-z0-9][a-z0-9-]*:)?[A-Za-z][A-Za-z0-9_.]*\\s*(<=|>=|==|!=|<|>)\\s*\\S+$' } });
  if (spec.key === 'phases') {
    return described({
      type: 'array',
      minItems: 1,
      items: { type: 'object', additionalProperties: false, required: ['duration'], properties: { duration: DURATION, rate: { type: 'integer', minimum: 0, description: 'messages per second, total' }, clients: { type: 'integer', minimum: 1, description: 'subscribers' } } },
    });
  }
  if (spec.key === 'transports') return described({ oneOf: [{ type: 'array', items: { enum: [...TRANSPORTS] }, minItems: 1 }, { type: 'string' }] });
  switch (spec.kind) {
    case 'int':
      return described({ type: 'integer', minimum: spec.min ?? 0 });
    case 'bool':
      return described({ type: 'boolean' });
    case 'duration':
      return described(DURATION);
    case 'list':
      return described({ oneOf: [{ type: 'array', items: { type: 'string' } }, { type: 'string' }] });
    default:
      return described({ type: 'string' });
  }
}

export function configJsonSchema(): Json {
  const options: Json = {};
  for (const spec of BENCH_FLAG_SPECS) {
    // A file does not point at another file.
    if (spec.key === 'config' || spec.key === 'from') continue;
    // A list is named in the plural (`thresholds:`), like results.json; the flag is one item.
    options[spec.repeatable === true ? spec.key : spec.flag] = propertyOf(spec);
  }
  const extendsProp = { enum: SCENARIO_NAMES, description: 'built-in preset this level starts from (default: default)' };
  const scenario = { type: 'object', additionalProperties: false, properties: { ...options, extends: extendsProp, description: { type: 'string' } } };
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    title: 'pushlab bench config file (pushlab bench --config FILE)',
    description: 'Options by flag name (results.json names such as pollIntervalMs are accepted too), named scenarios, phases. See docs/bench-config.md.',
    type: 'object',
    additionalProperties: false,
    properties: {
      $schema: { type: 'string' },
      ...options,
      extends: extendsProp,
      description: { type: 'string' },
      scenarios: { type: 'object', description: 'named scenarios: pick one with --scenario NAME (default: the top-level scenario key, else the first)', additionalProperties: scenario },
    },
  };
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) process.stdout.write(`${JSON.stringify(configJsonSchema(), null, 2)}\n`);
