/**
 * The decision map's grid, read out of a map bench's results: rows = clients, columns = the
 * per-client message rate, and in every cell each transport's figures across its repetitions.
 * Pure. A map bench's runs carry `sweepValue` = `workload.cell` = the cell id (results/schema/map.ts),
 * so the summary rows of a cell are the rows whose sweepValue is that id.
 */
import type { BenchResults, MapCell, RunResult, RunTarget, TargetSummary } from '../../results/types.ts';
import { REFERENCE_TOPOLOGY } from '../../results/topology.ts';
import { compareTargets, isReference } from './targets.ts';

/** A figure of one transport in one cell: the median over repetitions, its spread and interval. */
export interface Measure {
  value: number;
  min: number;
  max: number;
  repetitions: number;
  /** Bootstrap 95% interval, where the bench computed one (latency). */
  ci?: readonly [number, number];
  /** Where in results.json the value comes from, for the page's data attributes and the tests. */
  source: string;
}

export interface CellEntry {
  target: RunTarget;
  summary: TargetSummary;
  runs: readonly RunResult[];
  loadBound: boolean;
}

export interface GridColumn {
  /** The rate part of the cell id: `idle`, `r60s`, `hot`, … */
  key: string;
  label: string;
  /** Median messages per client per second of the column's cells (orders the columns; 0 = idle). */
  perClientRate: number;
  /** Every cell of the column puts all clients in one room (a hot room): shown last, off the rate axis. */
  oneRoom: boolean;
}

export interface GridCell {
  cell: MapCell;
  clients: number;
  column: string;
  entries: readonly CellEntry[];
}

export interface Grid {
  rows: readonly number[];
  columns: readonly GridColumn[];
  cells: readonly GridCell[];
}

/** `c1000-r10s` → `r10s`; an id of another form is its own column. */
export function rateKeyOf(id: string): string {
  const match = /^c\d+-(.+)$/.exec(id);
  return match?.[1] ?? id;
}

/** `1,000 clients · 1 msg per client per 10 s` → `1 msg per client per 10 s`: the column's half of the label. */
function columnLabel(cell: MapCell): string {
  const parts = cell.label.split(' · ');
  return parts.length > 1 ? parts.slice(1).join(' · ') : rateKeyOf(cell.id);
}

export function medianOf(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const n = sorted.length;
  if (n === 0) return 0;
  return n % 2 === 1 ? (sorted[(n - 1) / 2] as number) : ((sorted[n / 2 - 1] as number) + (sorted[n / 2] as number)) / 2;
}

/** True when the results hold a decision map (`--scenario map`). */
export function hasMap(results: BenchResults): boolean {
  return (results.map?.cells.length ?? 0) > 0;
}

/** The lab's transports only: baselines and peers are references, sized in the SLO table. */
export function buildGrid(results: BenchResults): Grid {
  const cells = results.map?.cells ?? [];
  const plain = (r: { topology?: string | undefined }): boolean => r.topology === undefined || r.topology === REFERENCE_TOPOLOGY;
  const gridCells: GridCell[] = cells.map((cell) => {
    const rows = results.summary.filter((s) => s.sweepValue === cell.id && plain(s) && !isReference(s.target));
    const entries = rows
      .map((summary) => {
        const runs = results.runs.filter((r) => r.target === summary.target && plain(r) && (r.workload?.cell ?? r.sweepValue) === cell.id && r.error === undefined);
        return { target: summary.target, summary, runs, loadBound: summary.loadBound === true || runs.some((r) => r.workers.loadBound) };
      })
      .sort((a, b) => compareTargets(a.target, b.target));
    return { cell, clients: cell.workload.clients, column: rateKeyOf(cell.id), entries };
  });
  const rows = [...new Set(gridCells.map((c) => c.clients))].sort((a, b) => a - b);
  const columns = [...new Set(gridCells.map((c) => c.column))].map((key): GridColumn => {
    const inColumn = gridCells.filter((c) => c.column === key);
    const first = inColumn[0] as GridCell;
    const oneRoom = inColumn.every((c) => c.cell.workload.rooms === 1) && gridCells.some((c) => c.cell.workload.rooms > 1);
    return { key, label: columnLabel(first.cell), perClientRate: medianOf(inColumn.map((c) => c.cell.workload.perClientRatePerSecond)), oneRoom };
  });
  columns.sort((a, b) => Number(a.oneRoom) - Number(b.oneRoom) || a.perClientRate - b.perClientRate);
  return { rows, columns, cells: gridCells };
}

export function cellAt(grid: Grid, clients: number, column: string): GridCell | undefined {
  return grid.cells.find((c) => c.clients === clients && c.column === column);
}
