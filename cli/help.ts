/**
 * `--help` text from an option table, so help and parsing cannot disagree. `defaults` lets a
 * command show the values a run would really use (the bench's scenario and config file) in
 * place of the table's own.
 */
import type { OptionSpec } from '../options/table.ts';

export interface HelpExtras {
  /** The environment variable of each flag, shown beside it (serve). */
  env?: (spec: OptionSpec) => string;
  /** The value shown as `(default …)`; undefined hides it. Default: the table's own. */
  defaults?: (spec: OptionSpec) => string | undefined;
  /** Lines between `Usage:` and the options (what the positionals are). */
  about?: readonly string[];
}

export function helpText(title: string, usageLine: string, specs: readonly OptionSpec[], extras: HelpExtras = {}): string {
  const shown = extras.defaults ?? ((s: OptionSpec) => (s.default === undefined ? undefined : String(s.default)));
  const rows = specs.map((s) => {
    const name = `${s.short === undefined ? '' : `-${s.short}, `}--${s.flag}`;
    const left = `  ${name}${s.kind === 'bool' ? '' : ` <${s.unit === '' ? s.kind : s.unit}>`}`;
    const value = shown(s);
    const def = value === undefined ? '' : ` (default ${value})`;
    return { left, right: `${s.help}${def}${extras.env === undefined ? '' : ` [env ${extras.env(s)}]`}` };
  });
  const width = Math.max(...rows.map((r) => r.left.length)) + 2;
  const about = extras.about === undefined ? [] : ['', ...extras.about];
  return [title, '', `Usage: ${usageLine}`, ...about, '', 'Options:', ...rows.map((r) => r.left.padEnd(width) + r.right), '  -h, --help'.padEnd(width) + 'show this help'].join('\n');
}
