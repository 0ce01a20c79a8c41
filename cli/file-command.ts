/**
 * The common start of the commands that read results files (report, compare): parse the flags,
 * answer --help, check how many files were named and that --out is not empty. Usage errors
 * print the problem and the usage and give exit code 2.
 */
import type { OptionSpec } from '../options/table.ts';
import { UsageError } from '../options/usage-error.ts';
import { parseFlags } from './args.ts';
import type { CliIo } from './io.ts';

export interface FileCommand {
  name: string;
  usage: string;
  specs: readonly OptionSpec[];
  /** How many files the command takes, and the message when fewer are given. */
  files: number;
  missing: string;
}

export type Started = { values: Record<string, string | boolean>; files: string[]; out: string | undefined; usage: (problem: string) => number };

/** The parsed command, or the exit code when it is already answered (help: 0, usage error: 2). */
export function startFileCommand(argv: string[], io: CliIo, command: FileCommand): Started | number {
  const usage = (problem: string): number => {
    io.err(`pushlab ${command.name}: ${problem}\n\n${command.usage}`);
    return 2;
  };
  let parsed;
  try {
    parsed = parseFlags(argv, command.specs, true);
  } catch (error) {
    if (error instanceof UsageError) return usage(error.message);
    throw error;
  }
  if (parsed.help) {
    io.out(command.usage);
    return 0;
  }
  const { positionals, values } = parsed;
  if (positionals.length !== command.files) return usage(positionals.length < command.files ? command.missing : `too many arguments: ${positionals.slice(command.files).join(' ')}`);
  const out = values.out === undefined ? undefined : String(values.out);
  if (out === '') return usage('--out needs a folder');
  return { values, files: positionals, out, usage };
}
