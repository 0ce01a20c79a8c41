/**
 * Fixed and marginal cost over repetitions (median, min, max of the runs' `cost`): the summary
 * row's `cost`. Runs without a split (`--idle 0`, an incomplete drain) are left out; a row
 * whose runs have none has no `cost`.
 */
import type { RunResult, SummaryStat } from '../../results/types.ts';
import type { CostSummary } from '../../results/types.ts';

export type { CostSummary };

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
