/**
 * The one option-table type. Every command's options (serve, bench, report, compare, token)
 * are rows of this shape: cli/args.ts makes flags of them, cli/help.ts the help text,
 * options/convert.ts reads their values, and bench/config/config.ts reads config files with them.
 */
export type OptionKind = 'int' | 'string' | 'list' | 'bool' | 'duration';

export interface OptionSpec<K extends string = string> {
  /** Where the typed value goes (a field of the command's options object). */
  key: K;
  /** Without the dashes: `poll-interval-ms`. */
  flag: string;
  kind: OptionKind;
  /** Shown as `--flag <unit>`; empty: the kind's name. */
  unit: string;
  help: string;
  /** The one declaration of the default, in flag syntax (`30s`, `a,b`); undefined: none or derived. */
  default: string | number | boolean | undefined;
  /** Smallest accepted whole number (kind int). */
  min?: number;
  /** May be given several times (`--threshold a --threshold b`). */
  repeatable?: boolean;
  /** One-letter alias (`-o`). */
  short?: string;
  /** Kind duration: 0 is refused ("must be longer than 0"). */
  positive?: boolean;
  /** Kind duration: a bare number is milliseconds, not seconds (path times like --rtt 50). */
  bareMs?: boolean;
  /** Kind list: the accepted items, named for messages (`transport`); duplicates dropped. */
  choices?: { name: string; values: readonly string[] };
  /** Kind list: items compared case-insensitively (origins). */
  lowercase?: boolean;
  /** Can be the subject of `pushlab bench --sweep`. */
  sweepable?: boolean;
}
