/**
 * The one converter: a raw option value (a flag's text, an environment variable, a config
 * file's scalar) to its typed value, by the option's kind. Messages name the flag, so whoever
 * catches the UsageError can print it as is.
 */
import type { OptionSpec } from './table.ts';
import { UsageError } from './usage-error.ts';

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

function toChoices(spec: OptionSpec, raw: string, choices: NonNullable<OptionSpec['choices']>): string[] {
  const list = toList(raw);
  if (list.length === 0) throw new UsageError(`--${spec.flag} must name at least one ${choices.name}`);
  for (const item of list) {
    if (!choices.values.includes(item)) throw new UsageError(`--${spec.flag}: unknown ${choices.name} "${item}" (known: ${choices.values.join(', ')})`);
  }
  return [...new Set(list)];
}

/** One raw value to its typed value by the spec's kind. A bool's raw is already a boolean (a flag) or true/false. */
export function convertValue(spec: OptionSpec, raw: string | boolean): unknown {
  if (spec.kind === 'bool') return raw === true;
  const text = String(raw);
  switch (spec.kind) {
    case 'int':
      return toInt(spec.flag, text, spec.min ?? 0);
    case 'duration': {
      const ms = spec.bareMs === true && /^\d+(?:\.\d+)?$/.test(text.trim()) ? Number(text.trim()) : toDurationMs(spec.flag, text);
      if (ms <= 0 && spec.positive === true) throw new UsageError(`--${spec.flag} must be longer than 0`);
      return ms;
    }
    case 'list':
      if (spec.choices !== undefined) return toChoices(spec, text, spec.choices);
      return spec.lowercase === true ? toList(text).map((item) => item.toLowerCase()) : toList(text);
    default:
      return text;
  }
}
