/**
 * `pushlab compare` as a CI gate: --fail-on-regression exits 99 beyond its bound (which also
 * colours the report), workloads that differ are refused unless --force (and it says so), and
 * two benches with no target in common are never called "no regression".
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BenchResults } from '../results/types.ts';
import { runCompareCli } from '../cli/compare.ts';
import { workloadDifferences } from '../reports/render/compare.ts';
import type { CliIo } from '../cli/io.ts';
import { clone, loadFixture } from './fixtures/report-helpers.ts';

const captured = (): CliIo & { outText: string[]; errText: string[] } => {
  const outText: string[] = [];
  const errText: string[] = [];
  return { outText, errText, out: (t) => outText.push(t), err: (t) => errText.push(t) };
};

let dir: string;
const file = (name: string): string => join(dir, name);
async function save(name: string, results: BenchResults): Promise<string> {
  await writeFile(file(name), JSON.stringify(results), 'utf8');
  return file(name);
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'pushlab-compare-'));
  const basic = loadFixture('basic');
  await save('a.json', basic);
  const slower = clone(basic);
  for (const s of slower.summary) if (s.target === 'websocket') s.latencyMs.p99 *= 1.08; // 8% worse
  await save('b.json', slower);
  const other = clone(basic);
  other.options.clients = 500;
  other.options.rate = 10;
  await save('other.json', other);
  const disjoint = clone(basic);
  for (const s of disjoint.summary) s.sweepValue = 7;
  await save('disjoint.json', disjoint);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('pushlab compare --fail-on-regression', () => {
  it('exits 99 on a regression beyond the bound, 0 within it, and names what regressed', async () => {
    let io = captured();
    expect(await runCompareCli([file('a.json'), file('b.json'), '--fail-on-regression', '5', '--out', join(dir, 'five')], io)).toBe(99);
    expect(io.errText.join('\n')).toMatch(/1 regression\(s\) beyond 5%: websocket p99 latency 1\.08×/);
    expect(await readFile(join(dir, 'five', 'compare.html'), 'utf8')).toMatch(/1 regression beyond 5%/);
    io = captured();
    expect(await runCompareCli([file('a.json'), file('b.json'), '--fail-on-regression', '10%', '--out', join(dir, 'ten')], io)).toBe(0);
    expect(io.errText.join('\n')).toMatch(/no regression beyond 10%/);
    // Without the flag it reports, and never fails.
    expect(await runCompareCli([file('a.json'), file('b.json'), '--out', join(dir, 'plain')], captured())).toBe(0);
    io = captured();
    expect(await runCompareCli([file('a.json'), file('b.json'), '--fail-on-regression', '-3'], io)).toBe(2);
    expect(io.errText.join('\n')).toMatch(/--fail-on-regression must be a percentage/);
  });

  it('refuses benches whose workloads differ unless --force, and says which options differ', async () => {
    expect(workloadDifferences(loadFixture('basic'), loadFixture('basic'))).toEqual([]);
    let io = captured();
    expect(await runCompareCli([file('a.json'), file('other.json'), '--out', join(dir, 'refused')], io)).toBe(2);
    expect(io.errText.join('\n')).toMatch(/different workloads \(clients 100 → 500; rate 50 → 10\).*--force/);
    io = captured();
    expect(await runCompareCli([file('a.json'), file('other.json'), '--force', '--out', join(dir, 'forced')], io)).toBe(0);
    expect(io.errText.join('\n')).toMatch(/workloads differ .*compared anyway/);
    expect(await readFile(join(dir, 'forced', 'compare.html'), 'utf8')).toMatch(/The workloads differ \(clients 100 → 500; rate 50 → 10\)/);
  });

  it('with no target in common: "nothing compared", never "No regression"; the gate fails (1)', async () => {
    let io = captured();
    expect(await runCompareCli([file('a.json'), file('disjoint.json'), '--out', join(dir, 'disjoint')], io)).toBe(0);
    expect(io.errText.join('\n')).toMatch(/nothing compared/);
    const html = await readFile(join(dir, 'disjoint', 'compare.html'), 'utf8');
    expect(html).toContain('Nothing compared: the two benches share no target');
    expect(html).not.toMatch(/No regression/);
    io = captured();
    expect(await runCompareCli([file('a.json'), file('disjoint.json'), '--fail-on-regression', '10', '--out', join(dir, 'disjoint')], io)).toBe(1);
  });
});
