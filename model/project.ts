/**
 * `pushlab project`: the cost model of a map bench (results.map.models, results/schema/map.ts)
 * evaluated at a workload past what one machine measured — a linear extrapolation, labelled as
 * such. Per target: HTTP requests/s (model/batching.ts), CPU cores (one core = the measuring
 * machine's), memory, bandwidth both ways, the instances needed at a utilisation target, and the
 * Redis backplane's share when the results hold a scale-out ladder (model/project-backplane.ts).
 * Pure: results in, numbers out; the CLI (cli/project.ts) and the report both call it.
 */
import type { BenchResults, CostModel, LinearCost } from '../results/types.ts';
import { messagesPerAnswer, pollsPerClientSecond, requestsPerSecond } from './batching.ts';
import { backplaneShare, type BackplaneShare } from './project-backplane.ts';
import { sloMark, type SloMark } from './project-slo.ts';
import { linearTerms, predict, type LinearTerms } from './predict.ts';

/** Share of one core an instance may use (node is one thread: an instance is at most one core). */
export const DEFAULT_UTILISATION = 0.7;

/** What the user asks about: N subscribers in M rooms, R messages/s in total, B-byte texts. */
export interface ProjectWorkload {
  clients: number;
  rooms: number;
  ratePerSecond: number;
  /** Message text, bytes; undefined: the size the map measured. */
  size?: number;
}

export interface ProjectOptions {
  /** Fraction (0, 1] of a core, and of an instance's memory budget, an instance may use. */
  utilisation?: number;
  /** Mark targets that cannot meet p99 ≤ this, ms (model/project-slo.ts). */
  sloP99Ms?: number;
}

/** The workload with its derived rates (docs/project.md). */
export interface ProjectedWorkload extends Required<ProjectWorkload> {
  roomSize: number;
  roomRatePerSecond: number;
  deliveriesPerSecond: number;
  perClientRatePerSecond: number;
}

export interface TransportProjection {
  target: CostModel['target'];
  transport: CostModel['transport'];
  requestsPerSecond: number;
  pollsPerClientSecond: number;
  /** Messages per poll answer (the batch); 0 for push transports. */
  messagesPerAnswer: number;
  cpuCores: number;
  /** cpuCores by term of the linear model: base (no client), connections, requests, deliveries, publishes. */
  cpuCoresBy: LinearTerms;
  /** RSS of one process holding every connection: base + per connection × N, bytes. */
  memoryBytes: number;
  heapBytes: number;
  bytesOutPerSecond: number;
  bytesInPerSecond: number;
  bandwidthBitsPerSecond: { out: number; in: number };
  /** max(instancesForCpu, instancesForMemory). */
  instances: number;
  instancesForCpu: number;
  instancesForMemory: number;
  instancesBoundBy: 'cpu' | 'memory';
  backplane: BackplaneShare;
  /** N or R outside this model's measured range: the figures are extrapolated past it. */
  extrapolated: boolean;
  slo?: SloMark;
}

export interface Projection {
  workload: ProjectedWorkload;
  utilisation: number;
  machine: { cores: number; memoryBytes: number; cpuModel: string };
  /** Payload size the map measured, bytes, and how bytes were scaled to the asked size. */
  measuredSize: number;
  transports: Record<string, TransportProjection>;
  warnings: string[];
}

/** The projection cannot be made (no map, bad workload); the CLI prints it as a usage error. */
export class ProjectionError extends Error {
  override name = 'ProjectionError';
}

/**
 * The text size the map measured: the cells' workloads (all one size in a map bench), else the
 * bench's --size. Sizes other than it are projected by scaling bytes (see `scaleBytes`).
 */
export function measuredSize(results: BenchResults): number {
  const sizes = [...new Set((results.map?.cells ?? []).map((c) => c.workload.size))];
  return sizes.length === 1 ? (sizes[0] as number) : results.options.size;
}

/**
 * Bytes at another text size: every delivery carries the text once (JSON of ASCII text: one byte
 * per character), so bytes out per delivery change by the size difference, and bytes in per
 * publish too. Requests, headers and CPU are not scaled: their dependence on size was not measured.
 */
export function scaleBytes(cost: LinearCost, perMessage: 'perDelivered' | 'perPublish', deltaBytes: number): LinearCost {
  return { ...cost, [perMessage]: Math.max(0, cost[perMessage] + deltaBytes) };
}

function derive(w: ProjectWorkload, size: number): ProjectedWorkload {
  const bad = (why: string): ProjectionError => new ProjectionError(why);
  if (!(Number.isFinite(w.clients) && w.clients >= 1)) throw bad(`clients must be ≥ 1, got ${w.clients}`);
  if (!(Number.isFinite(w.rooms) && w.rooms >= 1)) throw bad(`rooms must be ≥ 1, got ${w.rooms}`);
  if (w.rooms > w.clients) throw bad(`rooms (${w.rooms}) must not exceed clients (${w.clients}): a room needs a subscriber`);
  if (!(Number.isFinite(w.ratePerSecond) && w.ratePerSecond >= 0)) throw bad(`rate must be ≥ 0 msg/s, got ${w.ratePerSecond}`);
  if (!(Number.isFinite(size) && size >= 1)) throw bad(`size must be ≥ 1 byte, got ${size}`);
  const roomSize = w.clients / w.rooms;
  return {
    clients: w.clients,
    rooms: w.rooms,
    ratePerSecond: w.ratePerSecond,
    size,
    roomSize,
    roomRatePerSecond: w.ratePerSecond / w.rooms,
    deliveriesPerSecond: w.ratePerSecond * roomSize,
    perClientRatePerSecond: w.ratePerSecond / w.clients,
  };
}

/** Instances so that each stays within `budget` when it carries its own `fixed` plus a share of `variable`. */
function instancesFor(variable: number, fixed: number, budget: number): number {
  if (variable <= 0) return 1;
  if (fixed >= budget) return Infinity;
  return Math.max(1, Math.ceil(variable / (budget - fixed) - 1e-9));
}

export function projectModel(model: CostModel, w: ProjectedWorkload, results: BenchResults, utilisation: number, size0: number): TransportProjection {
  const delta = w.size - size0;
  const law = model.requests;
  const rps = requestsPerSecond(law, w);
  const x = { connections: w.clients, requestsPerSecond: rps, deliveriesPerSecond: w.deliveriesPerSecond, publishesPerSecond: w.ratePerSecond };
  // Totals from the model's own prediction (model/predict.ts), bytes at the asked size; the
  // per-term split of CPU is kept for the table.
  const p = predict({ ...model, bytesOut: scaleBytes(model.bytesOut, 'perDelivered', delta), bytesIn: scaleBytes(model.bytesIn, 'perPublish', delta) }, w);
  const cpuBy = linearTerms(model.cpu, x);
  const cpuCores = p.cpuCores;
  const bytesOut = p.bytesOutPerSecond;
  const bytesIn = p.bytesInPerSecond;
  const mem = model.memory;
  const memoryBytes = p.rssBytes;
  // One instance is one process on one core of a machine like the measuring one: at most
  // `utilisation` of that core, and of that core's share of the machine's memory.
  const env = results.environment;
  const memoryBudget = (env.memoryBytes / Math.max(1, env.cores)) * utilisation;
  const forCpu = instancesFor(cpuCores - model.cpu.intercept, model.cpu.intercept, utilisation);
  const forMemory = instancesFor(memoryBytes - mem.baseRssBytes, mem.baseRssBytes, memoryBudget);
  const instances = Math.max(forCpu, forMemory);
  const [loC, hiC] = model.range.clients;
  const [loR, hiR] = model.range.ratePerSecond;
  return {
    target: model.target,
    transport: model.transport,
    requestsPerSecond: rps,
    pollsPerClientSecond: pollsPerClientSecond(law, w.roomRatePerSecond),
    messagesPerAnswer: messagesPerAnswer(law, w.roomRatePerSecond),
    cpuCores,
    cpuCoresBy: cpuBy,
    memoryBytes,
    heapBytes: p.heapBytes,
    bytesOutPerSecond: bytesOut,
    bytesInPerSecond: bytesIn,
    bandwidthBitsPerSecond: { out: bytesOut * 8, in: bytesIn * 8 },
    instances,
    instancesForCpu: forCpu,
    instancesForMemory: forMemory,
    instancesBoundBy: forMemory > forCpu ? 'memory' : 'cpu',
    backplane: backplaneShare(results, model.target, w, instances),
    extrapolated: w.clients < loC || w.clients > hiC || w.ratePerSecond < loR || w.ratePerSecond > hiR,
  };
}

const fmt = (n: number): string => (Number.isInteger(n) ? String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',') : String(Number(n.toPrecision(3))));

/** One warning per distinct measured range the workload leaves (stderr and JSON `warnings`). */
function rangeWarnings(models: readonly CostModel[], w: ProjectedWorkload): string[] {
  const byRange = new Map<string, { targets: string[]; model: CostModel }>();
  for (const m of models) {
    const key = JSON.stringify(m.range);
    byRange.set(key, { targets: [...(byRange.get(key)?.targets ?? []), m.target], model: m });
  }
  const out: string[] = [];
  for (const { targets, model } of byRange.values()) {
    const [loC, hiC] = model.range.clients;
    const [loR, hiR] = model.range.ratePerSecond;
    const span = (lo: number, hi: number): string => (lo === hi ? fmt(lo) : `${fmt(lo)}–${fmt(hi)}`);
    const outside = [
      w.clients < loC || w.clients > hiC ? `clients ${fmt(w.clients)} (measured ${span(loC, hiC)})` : '',
      w.ratePerSecond < loR || w.ratePerSecond > hiR ? `rate ${fmt(w.ratePerSecond)} msg/s (measured ${span(loR, hiR)})` : '',
    ].filter((s) => s !== '');
    if (outside.length > 0) out.push(`extrapolated: ${outside.join(' and ')} lie outside the measured range of ${targets.join(', ')}; the figures extend the linear model past what was measured`);
  }
  return out;
}

/** Every model of the results at one workload. Throws ProjectionError when the results hold no map. */
export function project(results: BenchResults, workload: ProjectWorkload, options: ProjectOptions = {}): Projection {
  const models = results.map?.models ?? [];
  if (results.map === undefined || models.length === 0) throw new ProjectionError('these results hold no cost model (no `map` section): run `pushlab bench --scenario map` first');
  const utilisation = options.utilisation ?? DEFAULT_UTILISATION;
  if (!(utilisation > 0 && utilisation <= 1)) throw new ProjectionError(`utilisation must be in (0, 1], got ${utilisation}`);
  const size0 = measuredSize(results);
  const w = derive(workload, workload.size ?? size0);
  const warnings = rangeWarnings(models, w);
  if (w.size !== size0) warnings.push(`size ${fmt(w.size)} B differs from the measured ${fmt(size0)} B: bytes per delivery and per publish are scaled by the difference; CPU and requests are not`);
  const transports: Record<string, TransportProjection> = {};
  for (const model of models) {
    const p = projectModel(model, w, results, utilisation, size0);
    if (options.sloP99Ms !== undefined) p.slo = sloMark(results, model, options.sloP99Ms, w, p.instances);
    if (!Number.isFinite(p.instances)) warnings.push(`${model.target}: one idle process already uses more than the utilisation target (${utilisation} of a core or its memory share); no instance count meets it`);
    if (p.backplane.kind === 'measured' && p.backplane.redisCores > utilisation) warnings.push(`${model.target}: the Redis backplane would need ${fmt(p.backplane.redisCores)} cores; one redis-server is one thread, so the backplane must be sharded`);
    transports[model.target] = p;
  }
  const env = results.environment;
  return { workload: w, utilisation, machine: { cores: env.cores, memoryBytes: env.memoryBytes, cpuModel: env.cpuModel }, measuredSize: size0, transports, warnings };
}
