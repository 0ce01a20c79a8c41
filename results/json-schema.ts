/**
 * The JSON Schema of results.json, as published in docs/results.schema.json so CI users can
 * check a results file with their own tools (ajv, check-jsonschema, an editor). It is the
 * runtime schema itself (results/schema/), serialized: TypeBox schemas are JSON Schema, and
 * its own bookkeeping (symbol keys) does not survive JSON.stringify. Regenerate the file with
 * `npm run schema:results`; a test fails while the committed file is stale.
 */
import { BenchResults } from './schema/results.ts';

export const RESULTS_SCHEMA_FILE = 'docs/results.schema.json';

export function resultsJsonSchema(): Record<string, unknown> {
  return { $schema: 'https://json-schema.org/draft/2020-12/schema', ...(JSON.parse(JSON.stringify(BenchResults)) as Record<string, unknown>) };
}

/** The file's text: 2-space indented, one trailing newline (what the script writes). */
export function resultsJsonSchemaText(): string {
  return `${JSON.stringify(resultsJsonSchema(), null, 2)}\n`;
}
