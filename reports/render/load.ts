/**
 * Reading results.json for the report: parse, check the schema version and the shape the
 * renderer relies on, and fail with a message that names the file and what is wrong.
 */
import { readFile } from 'node:fs/promises';
import { SCHEMA_VERSION, type BenchResults } from '../../bench/results.ts';

/** A results file that cannot be reported on (missing, not JSON, wrong schema). */
export class ResultsFileError extends Error {
  override name = 'ResultsFileError';
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** Checks a parsed value is results the renderer can draw; throws ResultsFileError otherwise. */
export function validateResults(value: unknown, source: string): BenchResults {
  if (!isObject(value)) throw new ResultsFileError(`${source}: not a pushlab results file (expected a JSON object)`);
  if (!('schemaVersion' in value)) {
    throw new ResultsFileError(`${source}: not a pushlab results file (no "schemaVersion" field)`);
  }
  if (value.schemaVersion !== SCHEMA_VERSION) {
    throw new ResultsFileError(
      `${source}: unsupported results schemaVersion ${JSON.stringify(value.schemaVersion)}; this pushlab reads schemaVersion ${SCHEMA_VERSION}`,
    );
  }
  const problems: string[] = [];
  for (const key of ['runs', 'summary', 'floors', 'capacity', 'warnings']) {
    if (!Array.isArray(value[key])) problems.push(`"${key}" must be an array`);
  }
  for (const key of ['tool', 'environment', 'options']) {
    if (!isObject(value[key])) problems.push(`"${key}" must be an object`);
  }
  if (typeof value.ok !== 'boolean') problems.push('"ok" must be true or false');
  if (Array.isArray(value.summary)) {
    value.summary.forEach((row, i) => {
      if (!isObject(row) || typeof row.target !== 'string' || !isObject(row.latencyMs)) {
        problems.push(`summary[${i}] needs a "target" and "latencyMs"`);
      }
    });
  }
  if (problems.length > 0) throw new ResultsFileError(`${source}: invalid results: ${problems.join('; ')}`);
  return value as unknown as BenchResults;
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
