/**
 * Phases: a workload as a list of `{ duration, rate, clients }` steps (a ramp: 10 → 50 → 100
 * msg/s, or 100 → 1,000 clients). Each phase is measured on its own, in order, like a sweep
 * step: a fresh server, its own warm-up and window, its own row in the results (`sweepValue`
 * is the phase's label). A phase leaves out what does not change: `rate` and `clients` default
 * to the bench's own.
 */
import { toDurationMs, toInt } from '../../options/convert.ts';
import { UsageError } from '../../options/usage-error.ts';
import { validate } from './options.ts';
import type { BenchOptions, Phase } from '../../results/types.ts';

export type { Phase } from '../../results/types.ts'; // its schema: results/schema/options.ts

/** `phase 2: 20s · 50 msg/s · 100 clients` — the step's name in results and tables. */
export function phaseLabel(phase: Phase, index: number): string {
  const seconds = phase.durationMs / 1000;
  return `phase ${index + 1}: ${Number.isInteger(seconds) ? seconds : seconds.toFixed(1)}s · ${phase.rate} msg/s · ${phase.clients} clients`;
}

export function applyPhase(options: BenchOptions, phase: Phase): BenchOptions {
  return validate({ ...options, durationMs: phase.durationMs, rate: phase.rate, clients: phase.clients });
}

/** A config file's (or results file's) phases → checked Phase values; `where` names the place in messages. */
export function parsePhases(raw: unknown, base: { rate: number; clients: number }, where: string): Phase[] {
  if (!Array.isArray(raw) || raw.length === 0) throw new UsageError(`${where}: phases must be a non-empty list of { duration, rate, clients }`);
  return raw.map((item: unknown, i) => {
    const at = `${where}: phases[${i}]`;
    if (item === null || typeof item !== 'object' || Array.isArray(item)) throw new UsageError(`${at} must be an object { duration, rate, clients }`);
    const record = item as Record<string, unknown>;
    for (const key of Object.keys(record)) {
      if (!['duration', 'durationMs', 'rate', 'clients'].includes(key)) throw new UsageError(`${at}: unknown key "${key}" (a phase has duration, rate, clients)`);
    }
    const duration = record.duration ?? (typeof record.durationMs === 'number' ? `${record.durationMs}ms` : undefined);
    if (duration === undefined) throw new UsageError(`${at}: duration is required (e.g. 30s)`);
    const durationMs = toDurationMs(`${at.replace(/^--/, '')}.duration`, String(duration));
    if (durationMs <= 0) throw new UsageError(`${at}: duration must be longer than 0`);
    const rate = record.rate === undefined ? base.rate : toInt(`${at}.rate`, String(record.rate), 0);
    const clients = record.clients === undefined ? base.clients : toInt(`${at}.clients`, String(record.clients), 1);
    return { durationMs, rate, clients };
  });
}
