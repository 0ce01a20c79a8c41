/**
 * Reading results.json, for the report, `compare` and `bench --from`: parse, check the schema
 * version, then check the whole file against the one schema (results/schema/). Every failure
 * is a ResultsFileError whose message names the file and, for a bad shape, the first bad path.
 */
import { readFile } from 'node:fs/promises';
import { Value } from '@sinclair/typebox/value';
import { BenchResults, SCHEMA_VERSION } from './schema/results.ts';

/** A results file that cannot be read (missing, not JSON, wrong version or shape). */
export class ResultsFileError extends Error {
  override name = 'ResultsFileError';
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** `/runs/0/latencyMs/p50` (JSON Pointer, as TypeBox reports it) → `runs[0].latencyMs.p50`. */
function readablePath(pointer: string): string {
  if (pointer === '') return '(the top level)';
  return pointer
    .slice(1)
    .split('/')
    .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce((path, part) => (/^\d+$/.test(part) ? `${path}[${part}]` : path === '' ? part : `${path}.${part}`), '');
}

/**
 * Every problem of `value` against the schema, as `path: message`, first ones first; empty when
 * it conforms. Numbers must be finite (TypeBox rejects NaN and Infinity, as JSON cannot hold them).
 */
export function resultsProblems(value: unknown): string[] {
  return [...Value.Errors(BenchResults, value)].map((e) => `${readablePath(e.path)}: ${e.message}${e.value === undefined ? '' : ` (got ${JSON.stringify(e.value)?.slice(0, 40)})`}`);
}

/** Checks a parsed value is results.json of this schema version; throws ResultsFileError otherwise. */
export function validateResults(value: unknown, source: string): BenchResults {
  if (!isObject(value)) throw new ResultsFileError(`${source}: not a pushlab results file (expected a JSON object)`);
  if (!('schemaVersion' in value)) {
    throw new ResultsFileError(`${source}: not a pushlab results file (no "schemaVersion" field)`);
  }
  if (value.schemaVersion !== SCHEMA_VERSION) {
    const newer = typeof value.schemaVersion === 'number' && value.schemaVersion > SCHEMA_VERSION;
    throw new ResultsFileError(
      `${source}: unsupported results schemaVersion ${JSON.stringify(value.schemaVersion)}; this pushlab reads schemaVersion ${SCHEMA_VERSION}${newer ? ' (the file was written by a newer pushlab: upgrade to read it)' : ''}`,
    );
  }
  // Check() is the fast path for a good file; Errors() only runs to explain a bad one.
  if (Value.Check(BenchResults, value)) return value;
  const problems = resultsProblems(value);
  const more = problems.length > 1 ? ` (and ${problems.length - 1} more)` : '';
  throw new ResultsFileError(`${source}: invalid results: ${problems[0] ?? 'does not match the schema'}${more}`);
}

/** Reads and validates a results.json file. */
export async function readResults(path: string): Promise<BenchResults> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : (error as Error).message;
    throw new ResultsFileError(`cannot read results file ${path}: ${why}`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new ResultsFileError(`${path}: not valid JSON (${(error as Error).message})`);
  }
  return validateResults(parsed, path);
}
