/**
 * The fields of one run (`runs[i]`) a threshold may name, read from the runtime schema itself,
 * so a new field in results/schema/ is a valid `--threshold` metric the moment it exists.
 */
import type { TSchema } from '@sinclair/typebox';
import { RunResult } from './schema/run.ts';

/** The JSON type of a schema leaf: 'number', 'boolean', 'string', or kinds joined by '|' for a union. */
function kindOf(schema: TSchema): string | undefined {
  if (typeof schema.type === 'string' && schema.type !== 'object' && schema.type !== 'array') return schema.type;
  if (Array.isArray(schema.anyOf)) {
    const kinds = [...new Set((schema.anyOf as TSchema[]).map(kindOf))];
    return kinds.every((k) => k !== undefined) ? kinds.join('|') : undefined;
  }
  if ('const' in schema) return typeof schema.const;
  return undefined;
}

/** The leaf kind of a dotted path in a run, or undefined when there is no such leaf (objects and arrays are not leaves). */
export function runFieldKind(path: string): string | undefined {
  let schema: TSchema | undefined = RunResult;
  for (const key of path.split('.')) {
    const properties: Record<string, TSchema> | undefined = schema?.type === 'object' ? (schema.properties as Record<string, TSchema>) : undefined;
    schema = properties !== undefined && Object.hasOwn(properties, key) ? properties[key] : undefined;
  }
  return schema === undefined ? undefined : kindOf(schema);
}

/** Every number or flag of a run, as dotted paths (for the error message of a bad metric). */
export function runMetricNames(schema: TSchema = RunResult, prefix = ''): string[] {
  if (schema.type === 'object') {
    return Object.entries(schema.properties as Record<string, TSchema>).flatMap(([k, sub]) => runMetricNames(sub, prefix === '' ? k : `${prefix}.${k}`));
  }
  const kind = kindOf(schema);
  return kind === 'number' || kind === 'boolean' ? [prefix] : [];
}
