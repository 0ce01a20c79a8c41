/**
 * `pushlab bench`: parse flags (one option table, bench/options.ts), run the bench with a
 * progress line, write `<out>/<date>-<scenario>/results.json` and the HTML report beside it,
 * print the summary table and the path. Exit codes: 0 ok, 1 a run failed (the reasons are
 * printed), 2 usage error.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { UsageError, helpText, parseFlags } from '../cli/args.ts';
import { BENCH_FLAG_SPECS, resolveBenchOptions } from './options.ts';
import { Progress } from './progress.ts';
import { runBench, runFailed } from './run.ts';
import { SCENARIOS } from './scenarios.ts';
import { renderTable } from './table.ts';

export function benchHelp(): string {
  const scenarios = Object.entries(SCENARIOS).map(([name, s]) => `  ${name.padEnd(8)}  ${s.summary}`);
  return [
    helpText('pushlab bench — every transport on the same workload: latency, loss, requests, bytes, server cost', 'pushlab bench [options]', BENCH_FLAG_SPECS),
    '',
    'Scenarios (a preset sets the options above; explicit flags override it):',
    ...scenarios,
  ].join('\n');
}

/** `2025-01-31-142501`: sortable, one folder per bench. */
function stamp(date: Date): string {
  const p = (n: number): string => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${p(date.getMonth() + 1)}-${p(date.getDate())}-${p(date.getHours())}${p(date.getMinutes())}${p(date.getSeconds())}`;
}

export async function runBenchCli(argv: string[]): Promise<number> {
  let parsed;
  try {
    const { values, help } = parseFlags(argv, BENCH_FLAG_SPECS);
    if (help) {
      console.log(benchHelp());
      return 0;
    }
    parsed = resolveBenchOptions(values);
  } catch (error) {
    if (error instanceof UsageError) {
      console.error(`pushlab bench: ${error.message}\nRun \`pushlab bench --help\` for the options.`);
      return 2;
    }
    throw error;
  }
  const { options, output } = parsed;
  const progress = new Progress(!output.json);
  const results = await runBench(options, { onProgress: (text) => progress.update(text) });
  progress.done();

  const dir = resolve(output.out, `${stamp(new Date(results.environment.startedAt))}-${options.scenario}`);
  await mkdir(dir, { recursive: true });
  const resultsPath = join(dir, 'results.json');
  await writeFile(resultsPath, JSON.stringify(results, null, 2) + '\n', 'utf8');
  let reportPath: string | undefined;
  try {
    const { writeReport } = await import('../reports/render/files.ts');
    reportPath = await writeReport(resultsPath);
  } catch (error) {
    console.error(`pushlab bench: could not render the HTML report: ${(error as Error).message}`);
  }

  if (output.json) process.stdout.write(JSON.stringify(results, null, 2) + '\n');
  const say = output.json ? (text: string) => process.stderr.write(text + '\n') : (text: string) => console.log(text);
  if (!output.json) say(renderTable(results));
  if (results.warnings.length > 0) {
    say('');
    say('Findings:');
    for (const w of results.warnings) say(`  - ${w}`);
  }
  say('');
  say(`results: ${resultsPath}`);
  if (reportPath !== undefined) say(`report:  ${reportPath}`);
  if (!results.ok) {
    const failed = results.runs.filter(runFailed).map((r) => `${r.target} #${r.repetition}: ${r.error ?? r.workers.reasons.join('; ')}`);
    console.error(`pushlab bench: FAILED — ${failed.join(' · ')}`);
    return 1;
  }
  return 0;
}
