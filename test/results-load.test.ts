/**
 * results/load.ts: the one validator of results.json (the runtime schema), and the loader's
 * errors — each names the file and, for a bad shape, the first bad path.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TSchema } from '@sinclair/typebox';
import { readResults, resultsProblems, ResultsFileError, validateResults } from '../results/load.ts';
import { BenchResults } from '../results/schema/results.ts';
import { renderReport } from '../reports/render/report.ts';
import { loadFixture } from './fixtures/report-helpers.ts';

const FIXTURES = ['basic', 'sweep', 'scaleout', 'faults', 'peers'] as const;
const clone = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

/** The file as the oldest schema-v1 writer could have left it: every optional field removed, read off the schema. */
function withoutOptionalFields(value: unknown, schema: TSchema): unknown {
  if (Array.isArray(value)) return value.map((item) => withoutOptionalFields(item, (schema.items ?? {}) as TSchema));
  if (value === null || typeof value !== 'object' || schema.type !== 'object') return value;
  const required = new Set((schema.required ?? []) as string[]);
  const properties = (schema.properties ?? {}) as Record<string, TSchema>;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([key]) => required.has(key))
      .map(([key, sub]) => [key, properties[key] === undefined ? sub : withoutOptionalFields(sub, properties[key])]),
  );
}

describe('results schema validator', () => {
  it('accepts every fixture (the report tests render them) as it is', () => {
    for (const name of FIXTURES) expect(resultsProblems(loadFixture(name)), name).toEqual([]);
  });

  it('accepts an older file that lacks every optional field, and the report still renders it', () => {
    for (const name of FIXTURES) {
      const oldest = withoutOptionalFields(loadFixture(name), BenchResults) as BenchResults;
      expect(renderReport(validateResults(oldest, `${name}-old.json`)), name).toContain('</html>');
    }
    expect(loadFixture('faults').runs[0]?.faults).toBeDefined();
    const oldest = withoutOptionalFields(loadFixture('faults'), BenchResults) as Record<string, unknown>;
    const run = (oldest.runs as Record<string, unknown>[])[0] ?? {};
    expect(run).not.toHaveProperty('faults');
    expect(run.messages).not.toHaveProperty('scheduled');
    expect(oldest.options).not.toHaveProperty('peers');
    expect(validateResults(oldest, 'old.json').schemaVersion).toBe(1);
  });

  it('keeps fields it does not know (a newer minor writer), since only a moved field bumps the version', () => {
    const results = clone(loadFixture('basic')) as unknown as Record<string, unknown>;
    results.somethingNew = { x: 1 };
    expect(resultsProblems(results)).toEqual([]);
  });

  it('names the first bad path, with what was found', () => {
    const results = clone(loadFixture('basic')) as unknown as { runs: { latencyMs: Record<string, unknown>; target: string }[] };
    (results.runs[0] as { latencyMs: Record<string, unknown> }).latencyMs.p50 = 'fast';
    expect(() => validateResults(results, 'r.json')).toThrow(/^r\.json: invalid results: runs\[0\]\.latencyMs\.p50: Expected number \(got "fast"\)/);
    (results.runs[0] as { target: string }).target = 'carrier-pigeon';
    expect(resultsProblems(results)[0]).toMatch(/^runs\[0\]\.target: /);
  });

  it('refuses what JSON cannot hold and a missing required field', () => {
    const results = clone(loadFixture('basic')) as unknown as { summary: { p99Ms: { max: number } }[]; ok?: boolean };
    (results.summary[0] as { p99Ms: { max: number } }).p99Ms.max = Number.POSITIVE_INFINITY;
    expect(resultsProblems(results)[0]).toMatch(/^summary\[0\]\.p99Ms\.max: /);
    delete results.ok;
    expect(resultsProblems(results).some((p) => p.startsWith('ok: '))).toBe(true);
  });

  it('tells a wrong file, a wrong version and a newer version apart', () => {
    expect(() => validateResults([], 'a.json')).toThrow('a.json: not a pushlab results file (expected a JSON object)');
    expect(() => validateResults({ runs: [] }, 'b.json')).toThrow('b.json: not a pushlab results file (no "schemaVersion" field)');
    expect(() => validateResults({ ...loadFixture('basic'), schemaVersion: 0 }, 'c.json')).toThrow(/^c\.json: unsupported results schemaVersion 0; this pushlab reads schemaVersion 1$/);
    expect(() => validateResults({ ...loadFixture('basic'), schemaVersion: 2 }, 'd.json')).toThrow(/d\.json: unsupported results schemaVersion 2; this pushlab reads schemaVersion 1 \(the file was written by a newer pushlab/);
    expect(() => validateResults(null, 'e.json')).toThrow(ResultsFileError);
  });
});

describe('readResults', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'pushlab-results-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('reads a good file, and names the file when it is missing, a folder or not JSON', async () => {
    await writeFile(join(dir, 'good.json'), JSON.stringify(loadFixture('sweep')));
    await writeFile(join(dir, 'broken.json'), '{"schemaVersion": 1,');
    expect((await readResults(join(dir, 'good.json'))).options.sweep).toBeDefined();
    await expect(readResults(join(dir, 'nope.json'))).rejects.toThrow(/cannot read results file .*nope\.json: no such file/);
    await expect(readResults(dir)).rejects.toThrow(/cannot read results file .*: is a directory/);
    await expect(readResults(join(dir, 'broken.json'))).rejects.toThrow(/broken\.json: not valid JSON/);
  });
});
