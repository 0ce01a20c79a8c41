/**
 * File-level API and the `pushlab report` / `pushlab compare` commands. The main CLI
 * dispatcher (cli/) calls runReportCli / runCompareCli with the arguments after the command.
 * Exit codes: 0 written, 1 failure (unreadable or invalid results, write error), 2 usage error.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { loadChartJs } from './assets.ts';
import { renderComparison } from './compare.ts';
import { readResults, ResultsFileError } from '../../results/load.ts';
import { renderReport } from './report.ts';

/** Reads results.json, writes `index.html` into outDir (default: next to the results); returns its path. */
export async function writeReport(resultsPath: string, outDir?: string): Promise<string> {
  const results = await readResults(resultsPath);
  const html = renderReport(results, { chartJs: await loadChartJs() });
  const dir = resolve(outDir ?? dirname(resultsPath));
  await mkdir(dir, { recursive: true });
  const file = join(dir, 'index.html');
  await writeFile(file, html, 'utf8');
  return file;
}

/** Reads two results files (a = before, b = after), writes `compare.html` into outDir; returns its path. */
export async function writeComparison(aPath: string, bPath: string, outDir: string): Promise<string> {
  const [a, b] = await Promise.all([readResults(aPath), readResults(bPath)]);
  const html = renderComparison(a, b, { chartJs: await loadChartJs() });
  const dir = resolve(outDir);
  await mkdir(dir, { recursive: true });
  const file = join(dir, 'compare.html');
  await writeFile(file, html, 'utf8');
  return file;
}

/** Where the commands print; injectable so tests can capture it. */
export interface CliIo {
  out: (text: string) => void;
  err: (text: string) => void;
}

const defaultIo: CliIo = {
  out: (text) => process.stdout.write(`${text}\n`),
  err: (text) => process.stderr.write(`${text}\n`),
};

export const REPORT_USAGE = `Usage: pushlab report <results.json> [--out DIR]

Writes a self-contained HTML report (index.html) of one bench: verdict, summary table,
charts, measured vs model, methodology. Opens from file:// with no network.

Options:
  -o, --out DIR   folder to write index.html into (default: the folder of results.json)
  -h, --help      show this help`;

interface ParsedCommand {
  positionals: string[];
  out: string | undefined;
  help: boolean;
}

function parseCommand(argv: string[]): ParsedCommand {
  const { values, positionals } = parseArgs({
    args: argv,
    options: { out: { type: 'string', short: 'o' }, help: { type: 'boolean', short: 'h' } },
    allowPositionals: true,
    strict: true,
  });
  return { positionals, out: values.out, help: values.help ?? false };
}

/** Shared skeleton of both commands: parse, check arity, run, map errors to exit codes. */
async function runCommand(
  argv: string[],
  io: CliIo,
  spec: { name: string; usage: string; arity: number; what: string; run: (files: string[], out: string | undefined) => Promise<string> },
): Promise<number> {
  let parsed: ParsedCommand;
  try {
    parsed = parseCommand(argv);
  } catch (error) {
    io.err(`pushlab ${spec.name}: ${(error as Error).message}\n\n${spec.usage}`);
    return 2;
  }
  if (parsed.help) {
    io.out(spec.usage);
    return 0;
  }
  if (parsed.positionals.length !== spec.arity) {
    const problem = parsed.positionals.length < spec.arity ? `missing ${spec.what}` : `too many arguments: ${parsed.positionals.slice(spec.arity).join(' ')}`;
    io.err(`pushlab ${spec.name}: ${problem}\n\n${spec.usage}`);
    return 2;
  }
  if (parsed.out === '') {
    io.err(`pushlab ${spec.name}: --out needs a folder\n\n${spec.usage}`);
    return 2;
  }
  try {
    const written = await spec.run(parsed.positionals, parsed.out);
    io.out(written);
    return 0;
  } catch (error) {
    const message = error instanceof ResultsFileError ? error.message : `failed: ${(error as Error).message}`;
    io.err(`pushlab ${spec.name}: ${message}`);
    return 1;
  }
}

/** `pushlab report <results.json> [--out DIR]`; prints the written path. */
export async function runReportCli(argv: string[], io: CliIo = defaultIo): Promise<number> {
  return runCommand(argv, io, {
    name: 'report',
    usage: REPORT_USAGE,
    arity: 1,
    what: 'the results.json to report on',
    run: ([file = ''], out) => writeReport(file, out),
  });
}

// `pushlab compare` has flags of its own (--fail-on-regression, --force): its own module.
export { COMPARE_USAGE, runCompareCli } from './compare-cli.ts';
