/**
 * `pushlab bench`: options from flags, a config file or a past results file (bench/config/options.ts,
 * bench/config/config.ts); binaries checked before any run; progress on stderr; results.json and the
 * HTML report written to `<out>/<date>-<scenario>/` — also when interrupted (partial) — then
 * the table, the thresholds and the paths.
 *
 * Exit codes: 0 ok · 1 a run failed: crashed or could not start (or a needed binary is
 * missing) · 2 usage error · 99 a threshold failed, the default gates (loss, load-bound)
 * included (as k6) · 130 SIGINT · 143 SIGTERM.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { checkFromFlags, configLayers, optionsFromResults, readConfigFile } from '../bench/config/config.ts';
import { SIGNAL_EXIT_CODES, installInterrupts, stopDescendants } from '../bench/harness/interrupt.ts';
import { BENCH_FLAG_SPECS, resolveBenchOptions, type OutputOptions } from '../bench/config/options.ts';
import { preflight } from '../bench/harness/preflight.ts';
import { loadBudgetWarnings } from '../bench/measure/load-budget.ts';
import { parseCpuList } from '../bench/measure/load-cores.ts';
import { Progress } from '../bench/harness/progress.ts';
import type { BenchOptions, BenchResults } from '../results/types.ts';
import { runBench } from '../bench/api.ts';
import { cpuPlan } from '../bench/harness/run.ts';
import { SCENARIOS } from '../bench/config/scenarios.ts';
import { renderTable } from '../bench/measure/table.ts';
import { mapSummaryLines } from '../bench/measure/map-summary.ts';
import { renderSloTable } from '../bench/slo/table.ts';
import { describeThreshold } from '../bench/config/thresholds.ts';
import { UsageError } from '../options/usage-error.ts';
import { parseFlags } from './args.ts';
import { benchHelp } from './bench-help.ts';

/** Exit code when a threshold fails (k6's). */
export const THRESHOLD_EXIT_CODE = 99;

/** `2025-01-31-142501`: sortable, one folder per bench. */
function stamp(date: Date): string {
  const p = (n: number): string => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${p(date.getMonth() + 1)}-${p(date.getDate())}-${p(date.getHours())}${p(date.getMinutes())}${p(date.getSeconds())}`;
}

type Resolved = { options: BenchOptions; output: OutputOptions };

/**
 * `--help` shows the values this command line would run with. Help must answer even when the
 * rest does not hold: then it shows the chosen scenario's values (or the default one's) and
 * says on stderr what is wrong with the rest.
 */
async function helpFor(values: Record<string, string | boolean>): Promise<string> {
  try {
    return benchHelp(await resolveValues(values));
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    console.error(`pushlab bench: ${error.message} (the help below leaves the other flags out)`);
    const known = typeof values.scenario === 'string' && SCENARIOS[values.scenario] !== undefined;
    return benchHelp(resolveBenchOptions(known ? { scenario: values.scenario as string } : {}));
  }
}

/** Flags, a --config file or a --from results file → the options. Throws UsageError. */
async function resolveValues(values: Record<string, string | boolean>): Promise<Resolved> {
  if (values.from !== undefined && values.config !== undefined) throw new UsageError('--from and --config cannot be combined: --from reruns a recorded bench as it was');
  if (typeof values.from === 'string') {
    checkFromFlags(values);
    const options = await optionsFromResults(values.from);
    return { options, output: resolveBenchOptions(values).output };
  }
  if (values.config !== undefined) {
    const file = String(values.config);
    if (file.trim() === '') throw new UsageError('--config needs a file');
    const layers = configLayers(await readConfigFile(file), file, typeof values.scenario === 'string' ? values.scenario : undefined);
    return resolveBenchOptions(values, layers);
  }
  return resolveBenchOptions(values);
}

async function writeResults(results: BenchResults, out: string): Promise<{ resultsPath: string; reportPath: string | undefined }> {
  const dir = resolve(out, `${stamp(new Date(results.environment.startedAt))}-${results.options.scenario}`);
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
  return { resultsPath, reportPath };
}

export async function runBenchCli(argv: string[]): Promise<number> {
  let parsed: Resolved;
  try {
    const { values, help } = parseFlags(argv, BENCH_FLAG_SPECS);
    if (help) {
      console.log(await helpFor(values));
      return 0;
    }
    parsed = await resolveValues(values);
  } catch (error) {
    if (error instanceof UsageError) {
      console.error(`pushlab bench: ${error.message}\nRun \`pushlab bench --help\` for the options.`);
      return 2;
    }
    throw error;
  }
  const { options, output } = parsed;
  const missing = preflight(options);
  if (missing.length > 0) {
    for (const line of missing) console.error(`pushlab bench: ${line}`);
    return 1;
  }
  // Saturation is checked during the run too (bench/measure/load-bound.ts); this is the warning before it.
  const loadCpus = cpuPlan().load;
  for (const line of loadBudgetWarnings(options, loadCpus === undefined ? 1 : parseCpuList(loadCpus).length)) console.error(`pushlab bench: warning: ${line}`);

  const progress = new Progress(!output.json && !output.quiet);
  const interrupts = installInterrupts((signal) => progress.note(`pushlab bench: ${signal}: stopping the current run, then writing what was measured (again to exit at once)`));
  let results: BenchResults;
  try {
    results = await runBench(options, {
      onProgress: (event) => progress.update(event),
      onRun: (run, i, n) => progress.note(`pushlab bench: run ${i}/${n} ${run.target}${run.sweepValue === undefined ? '' : ` (${String(run.sweepValue)})`} #${run.repetition} done: ${run.error === undefined ? `${run.messages.delivered}/${run.messages.expected} delivered, p99 ${run.latencyMs.p99.toFixed(2)} ms` : `FAILED — ${run.error}`}`),
      signal: interrupts.signal,
      signalName: () => interrupts.received() ?? 'SIGINT',
    });
  } finally {
    progress.done();
  }
  const { resultsPath, reportPath } = await writeResults(results, output.out);
  interrupts.dispose();

  if (output.json) process.stdout.write(JSON.stringify(results, null, 2) + '\n');
  const say = output.json ? (text: string) => process.stderr.write(text + '\n') : (text: string) => console.log(text);
  if (!output.json && results.runs.length > 0) say(renderTable(results));
  if (!output.json) for (const line of mapSummaryLines(results)) say(line);
  if (!output.json && results.slo !== undefined) say(`\n${renderSloTable(results.slo)}`);
  if (results.warnings.length > 0) {
    say('');
    say('Findings:');
    for (const w of results.warnings) say(`  - ${w}`);
  }
  const thresholds = results.thresholds ?? [];
  if (thresholds.length > 0) {
    say('');
    say('Thresholds:');
    for (const t of thresholds) say(`  ${describeThreshold(t)}`);
  }
  say('');
  say(`results: ${resultsPath}`);
  if (reportPath !== undefined) say(`report:  ${reportPath}`);

  const signal = interrupts.received();
  if (signal !== undefined) {
    console.error(`pushlab bench: interrupted by ${signal} — ${results.runs.length} completed run(s) written, marked partial`);
    // The orchestrator stopped its run's children; this is the net for anything still alive.
    await stopDescendants();
    return SIGNAL_EXIT_CODES[signal];
  }
  // A run that crashed or could not start is a failure of the bench (1). A harness that fell
  // behind is load-bound: the default gate workers.loadBound==false says so (99), and
  // --no-default-thresholds accepts it (it stays in the findings).
  // Every failed gate is on stderr with its value, whichever exit code wins.
  const broken = thresholds.filter((t) => !t.ok);
  if (broken.length > 0) console.error(`pushlab bench: ${broken.length} threshold(s) failed — ${broken.map((t) => `${t.target}: ${t.expression} (${t.actual === null ? 'not measured' : String(t.actual)})`).join(' · ')}`);
  const errored = results.runs.filter((r) => r.error !== undefined);
  if (errored.length > 0) {
    console.error(`pushlab bench: FAILED — ${errored.map((r) => `${r.target} #${r.repetition}: ${r.error}`).join(' · ')}`);
    return 1;
  }
  return broken.length > 0 ? THRESHOLD_EXIT_CODE : 0;
}
