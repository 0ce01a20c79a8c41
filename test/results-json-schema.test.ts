/** results/json-schema.ts: docs/results.schema.json is the runtime schema, and stays in step with it. */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { RESULTS_SCHEMA_FILE, resultsJsonSchema, resultsJsonSchemaText } from '../results/json-schema.ts';

const run = promisify(execFile);
const SCRIPT = fileURLToPath(new URL('../scripts/results-schema.ts', import.meta.url));

describe('docs/results.schema.json', () => {
  it('is what `npm run schema:results` generates from the runtime schema (fails when stale)', async () => {
    const published = await readFile(new URL(`../${RESULTS_SCHEMA_FILE}`, import.meta.url), 'utf8');
    expect(published).toBe(resultsJsonSchemaText());
  });

  it('is plain JSON Schema: a dialect, every field of a run, optional fields not required, no TypeBox internals', () => {
    const schema = resultsJsonSchema() as { $schema: string; required: string[]; properties: { runs: { items: { properties: Record<string, { description?: string }>; required: string[] } } } };
    expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(schema.required).toContain('schemaVersion');
    expect(schema.required).not.toContain('thresholds');
    const run = schema.properties.runs.items;
    expect(run.required).toContain('latencyMs');
    expect(run.required).not.toContain('faults');
    expect(run.properties.histogram?.description).toMatch(/HDR histogram \(µs, compressed\)/);
    expect(JSON.stringify(schema)).not.toMatch(/TypeBox|\[Kind\]/);
  });

  it('the script writes the file, and its --check exits 1 on a stale one, naming the fix', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'pushlab-schema-'));
    try {
      const file = join(dir, 'results.schema.json');
      await run(process.execPath, ['--import', 'tsx', SCRIPT, file]);
      expect(await readFile(file, 'utf8')).toBe(resultsJsonSchemaText());
      await run(process.execPath, ['--import', 'tsx', SCRIPT, '--check', file]);
      await writeFile(file, resultsJsonSchemaText().replace('"runs"', '"runz"'));
      const stale = await run(process.execPath, ['--import', 'tsx', SCRIPT, '--check', file]).then(
        () => ({ code: 0, stderr: '' }),
        (error: { code: number; stderr: string }) => error,
      );
      expect(stale.code).toBe(1);
      expect(stale.stderr).toContain('is stale: run npm run schema:results');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
