/** `pushlab <command>`: a thin shell; each command lives in its own module behind an API. */
type Command = { summary: string; run: (argv: string[]) => Promise<number> };

const COMMANDS: Record<string, Command> = {
  serve: { summary: 'serve the chat over short polling, long polling, WebSocket and SSE', run: async (a) => (await import('./serve.ts')).runServe(a) },
  bench: { summary: 'measure every transport on the same workload; writes results.json and index.html', run: async (a) => (await import('./bench.ts')).runBenchCli(a) },
  report: { summary: 'render index.html again from a results.json', run: async (a) => (await import('./report.ts')).runReportCli(a) },
  token: { summary: 'mint a signed token for a server run with --token-secret', run: async (a) => (await import('./token.ts')).runToken(a) },
  compare: { summary: 'compare two results.json files in one report', run: async (a) => (await import('./compare.ts')).runCompareCli(a) },
  project: { summary: 'project a workload past one machine from a map bench\'s cost model (requests, cores, memory, bandwidth, instances)', run: async (a) => (await import('./project.ts')).runProjectCli(a) },
};

function usage(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((c) => c.length));
  const lines = Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(width)}  ${c.summary}`);
  return [
    'pushlab — short polling, long polling, WebSocket or SSE: what each costs, and how fast it is',
    '',
    'Usage: pushlab <command> [options]',
    '',
    'Commands:',
    ...lines,
    '',
    'Run `pushlab <command> --help` (or `pushlab help <command>`) for a command\'s options.',
  ].join('\n');
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === 'help' && rest[0] !== undefined) {
    // `pushlab help bench` is `pushlab bench --help`.
    const command = COMMANDS[rest[0]];
    if (command !== undefined) return command.run(['--help']);
    console.error(`pushlab help: unknown command "${rest[0]}"\n\n${usage()}`);
    return 2;
  }
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    console.log(usage());
    return 0;
  }
  if (name === '--version' || name === '-v') {
    const { readFile } = await import('node:fs/promises');
    const pkg = JSON.parse(await readFile(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
    console.log(pkg.version);
    return 0;
  }
  const command = COMMANDS[name];
  if (command === undefined) {
    console.error(`pushlab: unknown command "${name}"\n\n${usage()}`);
    return 2;
  }
  return command.run(rest);
}
