/** Where the file commands (report, compare) print; injectable so tests can capture it. */
export interface CliIo {
  out: (text: string) => void;
  err: (text: string) => void;
}

export const defaultIo: CliIo = {
  out: (text) => process.stdout.write(`${text}\n`),
  err: (text) => process.stderr.write(`${text}\n`),
};
