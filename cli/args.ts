/**
 * argv → raw flag values: flags generated from an option table (options/table.ts), parsed with
 * node:util parseArgs (strict: an unknown flag is an error, not silently ignored). Values stay
 * raw here; options/convert.ts types them, so flags, environment and config files read alike.
 */
import { parseArgs } from 'node:util';
import type { OptionSpec } from '../options/table.ts';
import { UsageError } from '../options/usage-error.ts';

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
export function parseFlags(argv: string[], specs: readonly OptionSpec[], allowPositionals = false): { values: Record<string, string | boolean>; positionals: string[]; help: boolean } {
  const options: Record<string, { type: 'string' | 'boolean'; short?: string; multiple?: boolean }> = { help: { type: 'boolean', short: 'h' } };
  for (const s of specs) {
    options[s.flag] = { type: s.kind === 'bool' ? 'boolean' : 'string', ...(s.repeatable === true ? { multiple: true } : {}), ...(s.short === undefined ? {} : { short: s.short }) };
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
