/**
 * `pushlab report <results.json> [--out DIR]`: renders index.html again from a results file and
 * prints the written path. The rendering is reports/render/ (writeReport); this is the command.
 * Exit codes: 0 written, 1 failure (unreadable or invalid results, write error), 2 usage error.
 */
import type { OptionSpec } from '../options/table.ts';
import { UsageError } from '../options/usage-error.ts';
import { writeReport } from '../reports/render/files.ts';
import { ResultsFileError } from '../reports/render/load.ts';
import { parseFlags } from './args.ts';
import { helpText } from './help.ts';
import { defaultIo, type CliIo } from './io.ts';

const SPECS: readonly OptionSpec[] = [{ key: 'out', flag: 'out', short: 'o', kind: 'string', unit: 'DIR', default: undefined, help: 'folder to write index.html into (default: the folder of results.json)' }];

export const REPORT_USAGE = helpText('pushlab report — render the HTML report of one bench again', 'pushlab report <results.json> [--out DIR]', SPECS, {
  about: ['Writes a self-contained HTML report (index.html) of one bench: verdict, summary table,', 'charts, measured vs model, methodology. Opens from file:// with no network.'],
});

export async function runReportCli(argv: string[], io: CliIo = defaultIo): Promise<number> {
  const usage = (problem: string): number => {
    io.err(`pushlab report: ${problem}\n\n${REPORT_USAGE}`);
    return 2;
  };
  let parsed;
  try {
    parsed = parseFlags(argv, SPECS, true);
  } catch (error) {
    if (error instanceof UsageError) return usage(error.message);
    throw error;
  }
  if (parsed.help) {
    io.out(REPORT_USAGE);
    return 0;
  }
  const { positionals, values } = parsed;
  if (positionals.length !== 1) return usage(positionals.length === 0 ? 'missing the results.json to report on' : `too many arguments: ${positionals.slice(1).join(' ')}`);
  const out = values.out === undefined ? undefined : String(values.out);
  if (out === '') return usage('--out needs a folder');
  try {
    io.out(await writeReport(positionals[0] as string, out));
    return 0;
  } catch (error) {
    io.err(`pushlab report: ${error instanceof ResultsFileError ? error.message : `failed: ${(error as Error).message}`}`);
    return 1;
  }
}
