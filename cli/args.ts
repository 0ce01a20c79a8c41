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
  /** May be given several times (`--threshold a --threshold b`). */
  repeatable?: boolean;
}

export class UsageError extends Error {
  override name = 'UsageError';
}

/** `env` (optional): the environment variable of each flag, shown under it (serve). */
export function helpText(title: string, usageLine: string, specs: readonly FlagSpec[], env?: (spec: FlagSpec) => string): string {
  const rows = specs.map((s) => {
    const left = `  --${s.flag}${s.kind === 'bool' ? '' : ` <${s.unit === '' ? s.kind : s.unit}>`}`;
    const def = s.default === undefined ? '' : ` (default ${String(s.default)})`;
    return { left, right: `${s.help}${def}${env === undefined ? '' : ` [env ${env(s)}]`}` };
  });
  const width = Math.max(...rows.map((r) => r.left.length)) + 2;
  return [title, '', `Usage: ${usageLine}`, '', 'Options:', ...rows.map((r) => r.left.padEnd(width) + r.right), '  -h, --help'.padEnd(width) + 'show this help'].join('\n');
}

/**
 * `--rate -5` would be parseArgs' "argument is ambiguous": a value that looks like a negative
 * number is joined to its flag (`--rate=-5`) so the option's own check answers in our words.
 */
export function joinNegativeValues(argv: string[], valued: ReadonlySet<string>): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    const next = argv[i + 1];
    if (arg.startsWith('--') && !arg.includes('=') && valued.has(arg.slice(2)) && next !== undefined && /^-\d/.test(next)) {
      out.push(`${arg}=${next}`);
      i++;
    } else out.push(arg);
  }
  return out;
}

/** Parse argv against the specs; returns flag → raw value (string or boolean) for given flags only. */
export function parseFlags(argv: string[], specs: readonly FlagSpec[], allowPositionals = false): { values: Record<string, string | boolean>; positionals: string[]; help: boolean } {
  const options: Record<string, { type: 'string' | 'boolean'; short?: string; multiple?: boolean }> = { help: { type: 'boolean', short: 'h' } };
  for (const s of specs) {
    options[s.flag] = { type: s.kind === 'bool' ? 'boolean' : 'string', ...(s.repeatable === true ? { multiple: true } : {}) };
    if (s.kind === 'bool') options[`no-${s.flag}`] = { type: 'boolean' };
  }
  const valued = new Set(specs.filter((s) => s.kind !== 'bool').map((s) => s.flag));
  try {
    const parsed = parseArgs({ args: joinNegativeValues(argv, valued), options, strict: true, allowPositionals });
    const values: Record<string, string | boolean> = {};
    for (const [k, v] of Object.entries(parsed.values)) {
      if (k === 'help' || v === undefined) continue;
      if (k.startsWith('no-') && typeof v === 'boolean') values[k.slice(3)] = !v;
      // A repeatable flag's values travel joined by newlines (no expression holds one).
      else if (Array.isArray(v)) values[k] = v.join('\n');
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

const DURATION_UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** `30s`, `1.5m`, `500ms`, `1h`, compound `1m30s` / `1h5m`, or a bare number of seconds → ms. */
export function toDurationMs(flag: string, raw: string): number {
  const text = raw.trim();
  const bad = (): UsageError => new UsageError(`--${flag} must be a duration like 30s, 2m, 1m30s, 1h or 500ms, got "${raw}"`);
  if (/^-/.test(text)) throw new UsageError(`--${flag} must not be negative, got "${raw}"`);
  if (/^\d+(?:\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000);
  if (!/^(?:\d+(?:\.\d+)?(?:ms|s|m|h))+$/.test(text)) throw bad();
  let total = 0;
  let lastUnit = Infinity;
  for (const m of text.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h)/g)) {
    const unitMs = DURATION_UNIT_MS[m[2] as string] as number;
    // Largest unit first, each once: `30s1m` is more likely a typo than a duration.
    if (unitMs >= lastUnit) throw bad();
    lastUnit = unitMs;
    total += Number(m[1]) * unitMs;
  }
  return Math.round(total);
}

export function toList(raw: string): string[] {
  return raw.split(',').map((s) => s.trim()).filter((s) => s !== '');
}
