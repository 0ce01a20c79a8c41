/**
 * Flags generated from an option table, parsed with node:util parseArgs (strict: an unknown
 * flag is an error, not silently ignored), and converted by kind with clear messages.
 */
import { parseArgs } from 'node:util';

export interface FlagSpec {
  flag: string;
  kind: 'int' | 'string' | 'list' | 'bool' | 'duration';
  unit: string;
  help: string;
  default: string | number | boolean | undefined;
}

export class UsageError extends Error {
  override name = 'UsageError';
}

export function helpText(title: string, usageLine: string, specs: readonly FlagSpec[]): string {
  const rows = specs.map((s) => {
    const left = `  --${s.flag}${s.kind === 'bool' ? '' : ` <${s.unit === '' ? s.kind : s.unit}>`}`;
    const def = s.default === undefined ? '' : ` (default ${String(s.default)})`;
    return { left, right: `${s.help}${def}` };
  });
  const width = Math.max(...rows.map((r) => r.left.length)) + 2;
  return [title, '', `Usage: ${usageLine}`, '', 'Options:', ...rows.map((r) => r.left.padEnd(width) + r.right), '  --help'.padEnd(width) + 'show this help'].join('\n');
}

/** Parse argv against the specs; returns flag → raw value (string or boolean) for given flags only. */
export function parseFlags(argv: string[], specs: readonly FlagSpec[], allowPositionals = false): { values: Record<string, string | boolean>; positionals: string[]; help: boolean } {
  const options: Record<string, { type: 'string' | 'boolean' }> = { help: { type: 'boolean' } };
  for (const s of specs) {
    options[s.flag] = { type: s.kind === 'bool' ? 'boolean' : 'string' };
    if (s.kind === 'bool') options[`no-${s.flag}`] = { type: 'boolean' };
  }
  try {
    const parsed = parseArgs({ args: argv, options, strict: true, allowPositionals });
    const values: Record<string, string | boolean> = {};
    for (const [k, v] of Object.entries(parsed.values)) {
      if (k === 'help' || v === undefined) continue;
      if (k.startsWith('no-') && typeof v === 'boolean') values[k.slice(3)] = !v;
      else values[k] = v as string | boolean;
    }
    return { values, positionals: parsed.positionals, help: parsed.values.help === true };
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

export function toInt(flag: string, raw: string, min = 0): number {
  if (!/^-?\d+$/.test(raw.trim())) throw new UsageError(`--${flag} must be a whole number, got "${raw}"`);
  const n = Number(raw);
  if (!Number.isSafeInteger(n) || n < min) throw new UsageError(`--${flag} must be a whole number ≥ ${min}, got "${raw}"`);
  return n;
}

/** `30s`, `1.5m`, `500ms`, `1h` or a bare number of seconds → ms. */
export function toDurationMs(flag: string, raw: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(raw.trim());
  if (m === null) throw new UsageError(`--${flag} must be a duration like 30s, 2m, 1h or 500ms, got "${raw}"`);
  const n = Number(m[1]);
  const unit = m[2] ?? 's';
  return Math.round(unit === 'ms' ? n : unit === 's' ? n * 1000 : unit === 'm' ? n * 60_000 : n * 3_600_000);
}

export function toList(raw: string): string[] {
  return raw.split(',').map((s) => s.trim()).filter((s) => s !== '');
}
