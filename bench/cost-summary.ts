/**
 * Fixed and marginal cost over repetitions (median, min, max of the runs' `cost`): the summary
 * row's `cost`. Runs without a split (`--idle 0`, an incomplete drain) are left out; a row
 * whose runs have none has no `cost`.
 */
import type { RunResult, SummaryStat } from './results.ts';

export interface CostSummary {
  /** Repetitions that measured the split. */
  runs: number;
  fixed: { cpuMsPerClientSecond: SummaryStat; bytesPerClientSecond: SummaryStat; requestsPerClientSecond: SummaryStat };
  /** Absent when no repetition delivered anything. */
  marginal?: { cpuSecondsPer1kDelivered: SummaryStat; bytesPerDelivered: SummaryStat; requestsPerDelivered: SummaryStat };
  /** The first run's note (e.g. an idle phase shorter than a long poll's hold). */
  note?: string;
}

export function costSummaryOf(runs: readonly RunResult[], stat: (values: readonly number[]) => SummaryStat): { cost?: CostSummary } {
  const splits = runs.flatMap((r) => (r.cost === undefined ? [] : [r.cost]));
  if (splits.length === 0) return {};
  const marginal = splits.flatMap((c) => (c.marginal === undefined ? [] : [c.marginal]));
  const note = splits.find((c) => c.note !== undefined)?.note;
  return {
    cost: {
      runs: splits.length,
      fixed: {
        cpuMsPerClientSecond: stat(splits.map((c) => c.fixed.cpuMsPerClientSecond)),
        bytesPerClientSecond: stat(splits.map((c) => c.fixed.bytesPerClientSecond)),
        requestsPerClientSecond: stat(splits.map((c) => c.fixed.requestsPerClientSecond)),
      },
      ...(marginal.length === 0
        ? {}
        : {
            marginal: {
              cpuSecondsPer1kDelivered: stat(marginal.map((m) => m.cpuSecondsPer1kDelivered)),
              bytesPerDelivered: stat(marginal.map((m) => m.bytesPerDelivered)),
              requestsPerDelivered: stat(marginal.map((m) => m.requestsPerDelivered)),
            },
          }),
      ...(note === undefined ? {} : { note }),
    },
  };
}
