/**
 * Did a step meet the SLO? A pure reading of one short run's RunResult: pass means no error
 * (every subscriber joined, the server did not crash), every client connected, zero loss, no
 * unanswered or failed publish, deliveries measured, p99 ≤ the bound, and not load-bound.
 *
 * A load-bound step is the load generator's failure, not the server's, whatever else went wrong
 * beside it (a saturated generator also stamps late and drops joins): it ends the search with a
 * lower bound (bench/slo/search.ts), and its reason keeps every finding.
 */
import type { RunResult } from '../../results/types.ts';
import type { StepOutcome } from './search.ts';

const ms = (n: number): string => `${n.toFixed(n < 10 ? 2 : 0)} ms`;

export function judgeStep(run: RunResult, sloP99Ms: number, clients: number): StepOutcome {
  const problems: string[] = [];
  if (run.error !== undefined) problems.push(run.error);
  else if (run.clients.connected < clients) problems.push(`only ${run.clients.connected} of ${clients} clients connected`);
  const lost = run.messages.lost;
  if (lost > 0) problems.push(`${lost} of ${run.messages.expected} deliveries lost`);
  const unanswered = run.messages.unanswered ?? 0;
  if (unanswered > 0) problems.push(`${unanswered} publishes unanswered`);
  const failed = run.messages.sendErrors ?? 0;
  if (failed > 0) problems.push(`${failed} publishes failed`);
  const p99Ms = run.latencyMs.p99;
  if (run.latencyMs.count === 0) problems.push('no delivery measured');
  else if (p99Ms > sloP99Ms) problems.push(`p99 ${ms(p99Ms)} > ${sloP99Ms} ms`);
  const loadBound = run.workers.loadBound;
  const reasons = loadBound ? [`load-bound: ${run.workers.reasons.join('; ')}`, ...problems] : problems;
  const pass = reasons.length === 0;
  return { p99Ms, lost, loadBound, pass, ...(pass ? {} : { reason: reasons.join('; ') }) };
}
