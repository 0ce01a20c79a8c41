/**
 * * The terminal's headroom table (below the summary; µs are per delivery): per target, the load side's and the
 * server's CPU per delivery (bench/measure/headroom.ts), their ratio — flagged at or above 1 —
 * the server's CPU per delivery against its bare baseline in the same run (`baselineMultiple`),
 * and the server's heap per connection after a forced GC (bench/targets/gc-heap.ts).
 */
import type { BenchResults } from '../../results/types.ts';
import { HEADROOM_WARN_RATIO } from './headroom.ts';
import { pad } from './table.ts';
import { nullRunLine } from '../../results/null-run.ts';

const us = (n: number): string => (n >= 100 ? n.toFixed(0) : n.toFixed(1));

/** Undefined when no row measured any of it. */
export function headroomTable(results: BenchResults): string | undefined {
  const rows = results.summary.filter((s) => s.headroom !== undefined || s.heapPerConnectionAfterGcBytes !== undefined);
  if (rows.length === 0) return undefined;
  const cells = [['headroom', 'load µs', 'harness µs', 'server µs', 'load÷srv', 'srv÷bare', 'GC KiB/conn', '']];
  for (const s of rows) {
    const h = s.headroom;
    const label = `${s.target}${s.topology === undefined ? '' : ` [${s.topology}]`}${s.sweepValue === undefined ? '' : ` ${String(s.sweepValue)}`}`;
    cells.push([
      label,
      h === undefined ? '–' : us(h.loadUsPerDelivery.median),
      h?.harnessUsPerDelivery === undefined ? '–' : us(h.harnessUsPerDelivery.median),
      h === undefined ? '–' : us(h.serverUsPerDelivery.median),
      h === undefined ? '–' : h.loadToServer.median.toFixed(2),
      s.baselineMultiple === undefined ? '–' : `${s.baselineMultiple.cpuPer1k.toFixed(2)}×`,
      s.heapPerConnectionAfterGcBytes === undefined ? '–' : (s.heapPerConnectionAfterGcBytes.median / 1024).toFixed(1),
      h !== undefined && h.loadToServer.median >= HEADROOM_WARN_RATIO ? 'LOAD≥SRV' : '',
    ]);
  }
  const calibration = nullRunLine(results);
  return calibration === undefined ? pad(cells) : `${pad(cells)}\n${calibration}`;
}
