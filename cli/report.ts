/**
 * `pushlab report <results.json> [--out DIR]`: renders index.html again from a results file and
 * prints the written path. The rendering is reports/render/ (writeReport); this is the command.
 * Exit codes: 0 written, 1 failure (unreadable or invalid results, write error), 2 usage error.
 */
import type { OptionSpec } from '../options/table.ts';
import { writeReport } from '../reports/render/files.ts';
import { ResultsFileError } from '../results/load.ts';
import { startFileCommand } from './file-command.ts';
import { helpText } from './help.ts';
import { defaultIo, type CliIo } from './io.ts';

const SPECS: readonly OptionSpec[] = [{ key: 'out', flag: 'out', short: 'o', kind: 'string', unit: 'DIR', default: undefined, help: 'folder to write index.html into (default: the folder of results.json)' }];

export const REPORT_USAGE = helpText('pushlab report — render the HTML report of one bench again', 'pushlab report <results.json> [--out DIR]', SPECS, {
  about: [
    'Writes a self-contained HTML report (index.html) of one bench: verdict, summary table,',
    'charts, measured vs model, methodology. Opens from file:// with no network. A map bench',
    '(--scenario map) opens with "Which one should I use?": heatmaps, crossovers, SLO capacity.',
  ],
});

export async function runReportCli(argv: string[], io: CliIo = defaultIo): Promise<number> {
  const started = startFileCommand(argv, io, { name: 'report', usage: REPORT_USAGE, specs: SPECS, files: 1, missing: 'missing the results.json to report on' });
  if (typeof started === 'number') return started;
  try {
    io.out(await writeReport(started.files[0] as string, started.out));
    return 0;
  } catch (error) {
    io.err(`pushlab report: ${error instanceof ResultsFileError ? error.message : `failed: ${(error as Error).message}`}`);
    return 1;
  }
}
