/**
 * Thresholds: `[target:]metric op value[unit]`, e.g. `websocket:latencyMs.p99<50ms`,
 * `messages.lost==0`, `requests.perSecond<=600`. `metric` is a dotted path into a run of
 * results.json (checked against the run's shape before the bench starts, so a typo costs
 * nothing); without a target the threshold holds for every target separately.
 *
 * Repetitions are merged where that is meaningful: latency percentiles come from the merged
 * histogram (never an average of percentiles), message counts are summed, and anything else
 * must hold for every repetition (the worst one is the value shown). A failed run (an
 * `error`) has no numbers: a target with no completed run fails every threshold on it.
 */
import { UsageError } from '../../options/usage-error.ts';
import { runFieldKind, runMetricNames } from '../../results/metric-paths.ts';
import { unitFamily } from '../../results/threshold-text.ts';
import type { BenchResults, RunResult, ThresholdResult } from '../../results/types.ts';

export { describeThreshold } from '../../results/threshold-text.ts';
export type { ThresholdResult };

/**
 * The gates every bench has unless `--no-default-thresholds`: nothing lost, every publish
 * answered, no negative latency (clock error), not load-bound. `--allow-loss` drops the first
 * two, `--allow-load-bound` the last (fault studies).
 */
export const DEFAULT_THRESHOLDS: readonly string[] = ['messages.lost==0', 'messages.unanswered==0', 'messages.negativeLatency==0', 'workers.loadBound==false'];
const LOSS_GATES: ReadonlySet<string> = new Set(['messages.lost==0', 'messages.unanswered==0']);
const LOAD_GATES: ReadonlySet<string> = new Set(['workers.loadBound==false']);

type Op = ThresholdResult['op'];

export interface Threshold {
  expression: string;
  source: ThresholdResult['source'];
  target: string | undefined;
  metric: string;
  op: Op;
  /** In the metric's own unit. */
  limit: number | boolean;
}

export function parseThreshold(expression: string, source: Threshold['source'] = 'user'): Threshold {
  const m = /^\s*(?:([a-z0-9][a-z0-9-]*):)?([A-Za-z][A-Za-z0-9_.]*)\s*(<=|>=|==|!=|<|>)\s*(\S+)\s*$/.exec(expression);
  if (m === null) throw new UsageError(`--threshold "${expression}": expected [target:]metric op value[unit], e.g. websocket:latencyMs.p99<50ms or messages.lost==0 (op: < <= > >= == !=)`);
  const [, target, metric = '', op = '==', rawValue = ''] = m;
  const kind = runFieldKind(metric);
  if (kind === undefined || (kind !== 'number' && kind !== 'boolean')) {
    throw new UsageError(`--threshold "${expression}": "${metric}" is not a number or flag of a run in results.json (e.g. ${runMetricNames().filter((n) => /latencyMs\.p99|messages\.lost|requests\.perSecond|server\.rssPeakBytes|workers\.loadBound/.test(n)).join(', ')}; all fields: docs/results.md)`);
  }
  if (kind === 'boolean') {
    if (rawValue !== 'true' && rawValue !== 'false') throw new UsageError(`--threshold "${expression}": ${metric} is true or false, got "${rawValue}"`);
    if (op !== '==' && op !== '!=') throw new UsageError(`--threshold "${expression}": ${metric} is true or false: use == or !=`);
    return { expression, source, target, metric, op: op as Op, limit: rawValue === 'true' };
  }
  const v = /^(-?\d+(?:\.\d+)?(?:e-?\d+)?)([A-Za-zµ]*)$/.exec(rawValue);
  if (v === null) throw new UsageError(`--threshold "${expression}": "${rawValue}" is not a number with an optional unit (e.g. 50ms, 1.5s, 64MiB, 600)`);
  let limit = Number(v[1]);
  const unit = v[2] ?? '';
  if (unit !== '') {
    const family = unitFamily(metric);
    const factor = family?.scale[unit];
    if (family === undefined || factor === undefined) {
      throw new UsageError(`--threshold "${expression}": unit "${unit}" does not fit ${metric} (${family === undefined ? 'a plain number: give no unit' : `units: ${Object.keys(family.scale).join(', ')}`})`);
    }
    limit *= factor;
  }
  return { expression, source, target, metric, op: op as Op, limit };
}

/** The thresholds a bench checks: the defaults (unless turned off), then the user's. */
export function thresholdsFor(user: readonly string[] = [], defaults = true, allow: { loss?: boolean; loadBound?: boolean } = {}): Threshold[] {
  const kept = DEFAULT_THRESHOLDS.filter((e) => !(allow.loss === true && LOSS_GATES.has(e)) && !(allow.loadBound === true && LOAD_GATES.has(e)));
  return [...(defaults ? kept.map((e) => parseThreshold(e, 'default')) : []), ...user.map((e) => parseThreshold(e, 'user'))];
}

function holds(actual: number | boolean, op: Op, limit: number | boolean): boolean {
  switch (op) {
    case '<': return actual < limit;
    case '<=': return actual <= limit;
    case '>': return actual > limit;
    case '>=': return actual >= limit;
    case '==': return actual === limit;
    case '!=': return actual !== limit;
  }
}

function valueAt(run: RunResult, path: string): number | boolean | undefined {
  let v: unknown = run;
  for (const key of path.split('.')) v = v === null || typeof v !== 'object' ? undefined : (v as Record<string, unknown>)[key];
  return typeof v === 'number' || typeof v === 'boolean' ? v : undefined;
}

/** The merged value of a metric over one target's completed repetitions. */
function merged(t: Threshold, runs: readonly RunResult[], histogramLatency: BenchResults['summary'][number]['latencyMs'] | undefined): { actual: number | boolean | undefined; merge: ThresholdResult['merge'] } {
  if (t.metric.startsWith('latencyMs.') && histogramLatency !== undefined && runs.length > 1) {
    return { actual: (histogramLatency as unknown as Record<string, number>)[t.metric.slice('latencyMs.'.length)], merge: 'histogram' };
  }
  const values = runs.map((r) => valueAt(r, t.metric)).filter((v): v is number | boolean => v !== undefined);
  if (values.length === 0) return { actual: undefined, merge: 'worst' };
  if (t.metric.startsWith('messages.') && typeof values[0] === 'number' && values.length > 1) return { actual: (values as number[]).reduce((a, b) => a + b, 0), merge: 'sum' };
  // Every repetition must hold: show the one that fails it, else the closest to failing.
  const failing = values.find((v) => !holds(v, t.op, t.limit));
  if (failing !== undefined || typeof values[0] === 'boolean' || t.op === '==' || t.op === '!=') return { actual: failing ?? values[0], merge: 'worst' };
  const nums = values as number[];
  return { actual: t.op === '<' || t.op === '<=' ? Math.max(...nums) : Math.min(...nums), merge: 'worst' };
}

/** Check every threshold against every matching target row of the results. */
export function evaluateThresholds(results: BenchResults, thresholds: readonly Threshold[]): ThresholdResult[] {
  const sweepOption = results.options.sweep?.option;
  const rows = new Map<string, { label: string; target: string; runs: RunResult[] }>();
  for (const r of results.runs) {
    const key = `${r.target}|${String(r.sweepValue)}|${r.topology ?? ''}`;
    const step = r.sweepValue === undefined ? '' : sweepOption === undefined ? ` · ${String(r.sweepValue)}` : ` · ${sweepOption}=${String(r.sweepValue)}`;
    const label = `${r.target}${r.topology === undefined ? '' : ` [${r.topology}]`}${step}`;
    const row = rows.get(key) ?? { label, target: r.target, runs: [] };
    row.runs.push(r);
    rows.set(key, row);
  }
  const out: ThresholdResult[] = [];
  for (const t of thresholds) {
    const matching = [...rows.values()].filter((row) => t.target === undefined || row.target === t.target);
    const base = { expression: t.expression, source: t.source, metric: t.metric, op: t.op, limit: t.limit };
    if (matching.length === 0) {
      out.push({ ...base, target: t.target ?? '(none)', actual: null, ok: false, merge: 'worst', note: `no run of ${t.target ?? 'any target'} to check` });
      continue;
    }
    for (const row of matching) {
      const completed = row.runs.filter((r) => r.error === undefined);
      const summary = results.summary.find((s) => s.target === row.target && s.sweepValue === row.runs[0]?.sweepValue && s.topology === row.runs[0]?.topology);
      if (completed.length === 0) {
        out.push({ ...base, target: row.label, actual: null, ok: false, merge: 'worst', note: `not measured: ${row.runs[0]?.error ?? 'no completed run'}` });
        continue;
      }
      const { actual, merge } = merged(t, completed, completed.length === row.runs.length ? summary?.latencyMs : undefined);
      if (actual === undefined) {
        out.push({ ...base, target: row.label, actual: null, ok: false, merge, note: `${t.metric} is not in these runs` });
        continue;
      }
      out.push({ ...base, target: row.label, actual, ok: holds(actual, t.op, t.limit), merge, ...(completed.length < row.runs.length ? { note: `${row.runs.length - completed.length} failed repetition(s) left out` } : {}) });
    }
  }
  return out;
}
