/** `pushlab serve`: run a server until SIGINT/SIGTERM, then shut down gracefully and exit 0. */
import { SERVER_OPTION_SPECS, OptionError, type ServerOptions } from '../servers/options.ts';
import { createPushlabServer } from '../servers/server.ts';
import { helpText, parseFlags, toInt, toList, UsageError } from './args.ts';
import type { Transport } from '../protocol/types.ts';

export async function runServe(argv: string[]): Promise<number> {
  let input: Partial<ServerOptions>;
  try {
    const { values, help } = parseFlags(argv, SERVER_OPTION_SPECS);
    if (help) {
      console.log(helpText('pushlab serve — one chat over short polling, long polling and WebSocket', 'pushlab serve [options]', SERVER_OPTION_SPECS));
      return 0;
    }
    input = {};
    const target = input as Record<string, unknown>;
    for (const spec of SERVER_OPTION_SPECS) {
      const raw = values[spec.flag];
      if (raw === undefined) continue;
      if (spec.kind === 'bool') target[spec.key] = raw === true;
      else if (spec.kind === 'int') target[spec.key] = toInt(spec.flag, String(raw), spec.min ?? 0);
      else if (spec.kind === 'list') target[spec.key] = spec.key === 'transports' ? (toList(String(raw)) as Transport[]) : toList(String(raw)).map((o) => o.toLowerCase());
      else target[spec.key] = String(raw);
    }
  } catch (error) {
    if (error instanceof UsageError) {
      console.error(`pushlab serve: ${error.message}\nRun \`pushlab serve --help\` for the options.`);
      return 2;
    }
    throw error;
  }

  let server;
  try {
    server = await createPushlabServer(input);
  } catch (error) {
    if (error instanceof OptionError) {
      console.error(`pushlab serve: ${error.message}`);
      return 2;
    }
    console.error(`pushlab serve: ${(error as Error).message}`);
    return 1;
  }
  const running = server;
  // Signal handlers go in before the `listening on` line: whoever reads it may signal at once.
  const stopped = new Promise<number>((resolve) => {
    let stopping = false;
    const stop = (signal: string): void => {
      if (stopping) {
        // A second signal: the operator does not want to wait.
        console.error(`${signal} again: exiting now`);
        process.exit(1);
      }
      stopping = true;
      console.log(`${signal}: shutting down (at most ${running.options.shutdownTimeoutMs} ms)`);
      // shutdown() bounds itself at shutdownTimeoutMs; this is the net under it (say, a backplane that never closes).
      setTimeout(() => {
        console.error('pushlab serve: shutdown overran its bound; exiting');
        process.exit(1);
      }, running.options.shutdownTimeoutMs + 2000).unref();
      running.shutdown().then(
        () => resolve(0),
        (error: unknown) => {
          console.error('pushlab serve: shutdown failed', error);
          resolve(1);
        },
      );
    };
    process.on('SIGINT', () => stop('SIGINT'));
    process.on('SIGTERM', () => stop('SIGTERM'));
  });

  let address;
  try {
    address = await server.listen();
  } catch (error) {
    console.error(`pushlab serve: cannot listen on ${server.options.host}:${server.options.port}: ${(error as Error).message}`);
    await server.shutdown();
    return 1;
  }
  console.log(`listening on ${address.url}`);
  console.log(`transports: ${server.options.transports.join(', ')} · backplane: ${server.core.backplane.kind} · hold ${server.options.holdMs} ms`);
  return stopped;
}
