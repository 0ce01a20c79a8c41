/**
 * `--slo-search`: per target (each transport, and the bare baselines under --baselines; not the
 * peers), the highest message rate and the most idle connections that keep p99 ≤ --slo-p99 with
 * zero loss and no load-bound step (bench/slo/search.ts over bench/slo/plan.ts's ladders). Each
 * step is one short run through the bench's own run machinery (runOne: a fresh server, load
 * workers on the other core); its summary goes in `SloCapacity.steps`, not in `runs[]`.
 */
import type { Transport } from '../../protocol/types.ts';
import type { BenchOptions, RunResult, RunTarget, SloCapacity, SloResult } from '../../results/types.ts';
import { runOne, RunInterrupted } from '../harness/orchestrator.ts';
import type { ProgressEvent } from '../harness/progress.ts';
import { isPeerTarget } from '../peers/peers.ts';
import { judgeStep } from './judge.ts';
import { cannotMeet, describeWorkload, planFor, SLO_KINDS, sloSettings, stepOptions, type SloKind } from './plan.ts';
import { withBaselineRatios } from './ratio.ts';
import { searchCapacity } from './search.ts';

export interface SloHooks {
  cpus: { server?: string; load?: string };
  emit: (event: ProgressEvent) => void;
  /** Rough wall time of one run with these options, ms (bench/harness/run.ts's estimate, for the ETA). */
  estimateMs: (options: BenchOptions, transport: Transport) => number;
  signal?: AbortSignal;
}

export interface SloOutcome {
  slo: SloResult;
  /** Set when a signal stopped the search: the search it stopped (dropped; the ones before are kept). */
  interruptedDuring?: string;
}

/** Steps a search takes on average, for the ETA: a ladder to the first failure and a bisection or two. */
const EXPECTED_STEPS = 4;

/** Short polling answers a 2 s interval's worth late: it fails its first step of each search. */
function expectedSteps(transport: Transport): number {
  return transport === 'short-polling' ? 1 : EXPECTED_STEPS;
}

/** What the search measures: the transports and the bare baselines the bench runs, no peers. */
export function sloTargets(targets: readonly { target: RunTarget; transport: Transport }[]): { target: RunTarget; transport: Transport }[] {
  return targets.filter((t) => !isPeerTarget(t.target));
}

type Search = { target: RunTarget; transport: Transport; kind: SloKind };

function searchesOf(targets: readonly { target: RunTarget; transport: Transport }[]): Search[] {
  return sloTargets(targets).flatMap((t) => SLO_KINDS.map((kind) => ({ ...t, kind })));
}

/** Rough wall time of a search, ms (the ETA): the expected steps at the first rung's cost. */
function searchMs(options: BenchOptions, s: Search, estimateMs: SloHooks['estimateMs']): number {
  return expectedSteps(s.transport) * estimateMs(stepOptions(options, s.kind, planFor(options, s.kind).ladder[0] ?? 1), s.transport);
}

/** Rough wall time of the whole search, ms: the runs' ETA includes it (bench/harness/run.ts). */
export function estimateSloMs(options: BenchOptions, targets: readonly { target: RunTarget; transport: Transport }[], estimateMs: SloHooks['estimateMs']): number {
  return options.sloSearch === true ? searchesOf(targets).reduce((a, s) => a + searchMs(options, s, estimateMs), 0) : 0;
}

/** bench/harness/run-result.ts's failedStart: the target never served the step. */
const couldNotStart = (run: RunResult): boolean => run.error?.startsWith('could not start:') === true;

const unitOf = (kind: SloKind): string => (kind === 'rate' ? 'msg/s' : 'clients');

export async function searchSlo(options: BenchOptions, targets: readonly { target: RunTarget; transport: Transport }[], hooks: SloHooks): Promise<SloOutcome> {
  const started = Date.now();
  const { p99Ms, windowMs } = sloSettings(options);
  const searches = searchesOf(targets);
  const restAfter = (i: number): number => searches.slice(i).reduce((a, s) => a + searchMs(options, s, hooks.estimateMs), 0);
  const capacities: SloCapacity[] = [];
  let interruptedDuring: string | undefined;
  for (const [i, search] of searches.entries()) {
    const { target, transport, kind } = search;
    const searchStart = Date.now();
    let stepNo = 0;
    try {
      const outcome = await searchCapacity(planFor(options, kind), async (value) => {
        stepNo += 1;
        const label = `${target} ${kind} ${value} ${unitOf(kind)} (step ${stepNo})`;
        const options1 = stepOptions(options, kind, value);
        const onProgress = (e: Omit<ProgressEvent, 'stage'>): void =>
          hooks.emit({ ...e, stage: 'slo', run: i + 1, runs: searches.length, target: label, etaMs: Math.max(0, searchMs(options, search, hooks.estimateMs) - (Date.now() - searchStart)) + restAfter(i + 1) });
        const once = (): Promise<RunResult> => runOne({ options: options1, target, transport, repetition: 1, cpus: hooks.cpus, onProgress, ...(hooks.signal === undefined ? {} : { signal: hooks.signal }) });
        let run = await once();
        // A server that could not start says nothing of its capacity, and on a busy machine it is
        // often the start-up timeout: tried once more before the step counts as failed.
        if (couldNotStart(run)) run = await once();
        const step = judgeStep(run, p99Ms, options1.clients);
        hooks.emit({ stage: 'slo', run: i + 1, runs: searches.length, target: label, phase: 'done', text: step.pass ? `pass, p99 ${step.p99Ms.toFixed(1)} ms` : `fail: ${step.reason ?? ''}` });
        return step;
      }, cannotMeet(transport, options, p99Ms));
      capacities.push({
        target,
        transport,
        kind,
        sloP99Ms: p99Ms,
        value: outcome.value,
        bound: outcome.bound,
        ...(outcome.reason === undefined ? {} : { reason: outcome.reason }),
        ...(outcome.upper === undefined ? {} : { upper: outcome.upper }),
        workload: describeWorkload(options, kind),
        steps: outcome.steps.map((s) => ({ value: s.value, p99Ms: s.p99Ms, lost: s.lost, loadBound: s.loadBound, pass: s.pass, ...(s.reason === undefined ? {} : { reason: s.reason }) })),
      });
    } catch (error) {
      if (!(error instanceof RunInterrupted)) throw error;
      interruptedDuring = `the SLO search of ${target} (${kind}), step ${stepNo}`;
      break;
    }
  }
  const slo: SloResult = { p99Ms, windowMs, capacities: withBaselineRatios(capacities), elapsedMs: Date.now() - started };
  return { slo, ...(interruptedDuring === undefined ? {} : { interruptedDuring }) };
}
