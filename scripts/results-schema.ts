/**
 * `npm run schema:results`: writes docs/results.schema.json from the runtime schema
 * (results/json-schema.ts). `--check` writes nothing and exits 1 when the file is stale.
 * Usage: tsx scripts/results-schema.ts [--check] [FILE] (FILE defaults to docs/results.schema.json).
 */
import { readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { RESULTS_SCHEMA_FILE, resultsJsonSchemaText } from '../results/json-schema.ts';

const args = process.argv.slice(2);
const file = args.find((a) => a !== '--check') ?? fileURLToPath(new URL(`../${RESULTS_SCHEMA_FILE}`, import.meta.url));
const text = resultsJsonSchemaText();
if (args.includes('--check')) {
  const current = await readFile(file, 'utf8').catch(() => '');
  if (current !== text) {
    process.stderr.write(`${file} is stale: run npm run schema:results\n`);
    process.exit(1);
  }
} else {
  await writeFile(file, text);
  process.stdout.write(`wrote ${file}\n`);
}
