/**
 * `pushlab compare <a.json> <b.json> [--out DIR] [--fail-on-regression PCT] [--force]`: writes
 * compare.html and says in one line what changed. It refuses benches whose workloads differ
 * (clients, rate, durations, …) unless --force, and never reports "no regression" when the
 * two share no target. Exit codes: 0 written (and no regression beyond the bound), 1 failure
 * or nothing in common to check, 2 usage error or workloads differ, 99 a regression beyond
 * --fail-on-regression.
 */
import { dirname, join, resolve } from 'node:path';
import { mkdir, writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { joinNegativeValues } from '../../cli/args.ts';
import { loadChartJs } from './assets.ts';
import { REGRESSION_THRESHOLD, compareSummaries, renderComparison, workloadDifferences } from './compare.ts';
import { fmtRatio } from './format.ts';
import { ResultsFileError, readResults } from '../../results/load.ts';
import type { CliIo } from './files.ts';

export const COMPARE_USAGE = `Usage: pushlab compare <a.json> <b.json> [--out DIR] [--fail-on-regression PCT] [--force]

Writes compare.html: run a (before) against run b (after), ratios b/a per transport,
regressions worse than 10% highlighted, charts overlaid. Benches whose workloads differ
(clients, rooms, senders, rate, size, durations, interval, hold, topology, phases, sweep)
are refused unless --force.

Options:
  -o, --out DIR                 folder to write compare.html into (default: the folder of b.json)
  --fail-on-regression <PCT>    exit 99 when any metric is worse by more than PCT percent
                                (this bound also colours the report; default 10)
  --force                       compare benches whose workloads differ
  -h, --help                    show this help`;

const defaultIo: CliIo = {
  out: (text) => process.stdout.write(`${text}\n`),
  err: (text) => process.stderr.write(`${text}\n`),
};

export async function runCompareCli(argv: string[], io: CliIo = defaultIo): Promise<number> {
  const usage = (problem: string): number => {
    io.err(`pushlab compare: ${problem}\n\n${COMPARE_USAGE}`);
    return 2;
  };
  let values: { out?: string; help?: boolean; force?: boolean; 'fail-on-regression'?: string };
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({
      args: joinNegativeValues(argv, new Set(['out', 'fail-on-regression'])),
      options: { out: { type: 'string', short: 'o' }, help: { type: 'boolean', short: 'h' }, force: { type: 'boolean' }, 'fail-on-regression': { type: 'string' } },
      allowPositionals: true,
      strict: true,
    }));
  } catch (error) {
    return usage((error as Error).message);
  }
  if (values.help === true) {
    io.out(COMPARE_USAGE);
    return 0;
  }
  if (positionals.length !== 2) return usage(positionals.length < 2 ? 'missing two results files: <a.json> (before) <b.json> (after)' : `too many arguments: ${positionals.slice(2).join(' ')}`);
  if (values.out === '') return usage('--out needs a folder');
  let threshold: number | undefined;
  const raw = values['fail-on-regression'];
  if (raw !== undefined) {
    if (!/^\d+(\.\d+)?%?$/.test(raw.trim())) return usage(`--fail-on-regression must be a percentage ≥ 0 (e.g. 10), got "${raw}"`);
    threshold = Number(raw.trim().replace(/%$/, '')) / 100;
  }
  const [aPath = '', bPath = ''] = positionals;
  try {
    const [a, b] = await Promise.all([readResults(aPath), readResults(bPath)]);
    const differences = workloadDifferences(a, b);
    if (differences.length > 0 && values.force !== true) {
      io.err(`pushlab compare: the two benches measured different workloads (${differences.join('; ')}); their ratios would not mean anything. Compare anyway with --force.`);
      return 2;
    }
    const bound = threshold ?? REGRESSION_THRESHOLD;
    const html = renderComparison(a, b, { chartJs: await loadChartJs(), threshold: bound });
    const dir = resolve(values.out ?? dirname(bPath));
    await mkdir(dir, { recursive: true });
    const file = join(dir, 'compare.html');
    await writeFile(file, html, 'utf8');
    io.out(file);
    const changes = compareSummaries(a, b, bound);
    const regressions = changes.filter((c) => c.change === 'regression');
    if (differences.length > 0) io.err(`pushlab compare: workloads differ (${differences.join('; ')}); compared anyway (--force)`);
    if (changes.length === 0) {
      io.err('pushlab compare: nothing compared — the two benches share no target (and sweep value)');
      return threshold === undefined ? 0 : 1;
    }
    if (regressions.length === 0) {
      io.err(`pushlab compare: no regression beyond ${bound * 100}% over ${changes.length} figures`);
      return 0;
    }
    const list = regressions.map((c) => `${c.key} ${c.metric.name} ${Number.isFinite(c.ratio) ? fmtRatio(c.ratio) : 'from 0'}`);
    io.err(`pushlab compare: ${regressions.length} regression(s) beyond ${bound * 100}%: ${list.join(' · ')}`);
    return threshold === undefined ? 0 : 99;
  } catch (error) {
    io.err(`pushlab compare: ${error instanceof ResultsFileError ? error.message : `failed: ${(error as Error).message}`}`);
    return 1;
  }
}
