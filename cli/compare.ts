/**
 * `pushlab compare <a.json> <b.json> [--out DIR] [--fail-on-regression PCT] [--force]`: writes
 * compare.html and says in one line what changed. It refuses benches whose workloads differ
 * (clients, rate, durations, …) unless --force, and never reports "no regression" when the
 * two share no target. Exit codes: 0 written (and no regression beyond the bound), 1 failure
 * or nothing in common to check, 2 usage error or workloads differ, 99 a regression beyond
 * --fail-on-regression.
 */
import { dirname } from 'node:path';
import type { OptionSpec } from '../options/table.ts';
import { loadChartJs } from '../reports/render/assets.ts';
import { REGRESSION_THRESHOLD, compareSummaries, renderComparison, workloadDifferences } from '../reports/render/compare.ts';
import { writeHtml } from '../reports/render/files.ts';
import { fmtRatio } from '../reports/render/format.ts';
import { ResultsFileError, readResults } from '../results/load.ts';
import { startFileCommand } from './file-command.ts';
import { helpText } from './help.ts';
import { defaultIo, type CliIo } from './io.ts';

const SPECS: readonly OptionSpec[] = [
  { key: 'out', flag: 'out', short: 'o', kind: 'string', unit: 'DIR', default: undefined, help: 'folder to write compare.html into (default: the folder of b.json)' },
  // Read by its own rule below (a percentage, `10` or `10%`): the default is REGRESSION_THRESHOLD's.
  { key: 'failOnRegression', flag: 'fail-on-regression', kind: 'string', unit: 'PCT', default: undefined, help: `exit 99 when any metric is worse by more than PCT percent (this bound also colours the report; default ${REGRESSION_THRESHOLD * 100})` },
  { key: 'force', flag: 'force', kind: 'bool', unit: '', default: undefined, help: 'compare benches whose workloads differ' },
];

export const COMPARE_USAGE = helpText('pushlab compare — two benches in one report', 'pushlab compare <a.json> <b.json> [--out DIR] [--fail-on-regression PCT] [--force]', SPECS, {
  about: [
    'Writes compare.html: run a (before) against run b (after), ratios b/a per transport,',
    `regressions worse than ${REGRESSION_THRESHOLD * 100}% highlighted, charts overlaid. Benches whose workloads differ`,
    '(clients, rooms, senders, rate, size, durations, interval, hold, topology, phases, sweep)',
    'are refused unless --force.',
  ],
});

export async function runCompareCli(argv: string[], io: CliIo = defaultIo): Promise<number> {
  const started = startFileCommand(argv, io, { name: 'compare', usage: COMPARE_USAGE, specs: SPECS, files: 2, missing: 'missing two results files: <a.json> (before) <b.json> (after)' });
  if (typeof started === 'number') return started;
  const { values, files, out, usage } = started;
  let threshold: number | undefined;
  const raw = values['fail-on-regression'];
  if (typeof raw === 'string') {
    if (!/^\d+(\.\d+)?%?$/.test(raw.trim())) return usage(`--fail-on-regression must be a percentage ≥ 0 (e.g. 10), got "${raw}"`);
    threshold = Number(raw.trim().replace(/%$/, '')) / 100;
  }
  const [aPath = '', bPath = ''] = files;
  try {
    const [a, b] = await Promise.all([readResults(aPath), readResults(bPath)]);
    const differences = workloadDifferences(a, b);
    if (differences.length > 0 && values.force !== true) {
      io.err(`pushlab compare: the two benches measured different workloads (${differences.join('; ')}); their ratios would not mean anything. Compare anyway with --force.`);
      return 2;
    }
    const bound = threshold ?? REGRESSION_THRESHOLD;
    const html = renderComparison(a, b, { chartJs: await loadChartJs(), threshold: bound });
    io.out(await writeHtml(out ?? dirname(bPath), 'compare.html', html));
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
