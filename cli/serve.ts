/**
 * `pushlab serve`: run a server until SIGINT/SIGTERM, then shut down gracefully and exit 0.
 * Every option can also come from the environment (`--token-secret` ← PUSHLAB_TOKEN_SECRET,
 * so a secret stays out of `ps`); a flag given on the command line wins over its variable.
 */
import { SERVER_OPTION_SPECS, OptionError, WEAK_SECRET_CHARS, type ServerOptions } from '../servers/options.ts';
import { createPushlabServer } from '../servers/server.ts';
import { convertValue } from '../options/convert.ts';
import { UsageError } from '../options/usage-error.ts';
import { parseFlags } from './args.ts';
import { helpText } from './help.ts';

/** `--token-secret` → `PUSHLAB_TOKEN_SECRET`: derived from the flag, so every option has one. */
export function envName(spec: { flag: string }): string {
  return `PUSHLAB_${spec.flag.toUpperCase().replace(/-/g, '_')}`;
}

const TRUE = new Set(['1', 'true', 'yes', 'on']);
const FALSE = new Set(['0', 'false', 'no', 'off']);

/** Flag values from the environment (only variables that are set and not empty). */
function fromEnvironment(env: NodeJS.ProcessEnv): Record<string, { raw: string | boolean; source: string }> {
  const found: Record<string, { raw: string | boolean; source: string }> = {};
  for (const spec of SERVER_OPTION_SPECS) {
    const name = envName(spec);
    const text = env[name];
    if (text === undefined || text === '') continue;
    if (spec.kind !== 'bool') found[spec.flag] = { raw: text, source: name };
    else if (TRUE.has(text.toLowerCase())) found[spec.flag] = { raw: true, source: name };
    else if (FALSE.has(text.toLowerCase())) found[spec.flag] = { raw: false, source: name };
    else throw new UsageError(`${name} must be true or false (1/0, yes/no, on/off), got "${text}"`);
  }
  return found;
}

export function serveHelp(): string {
  return [
    helpText('pushlab serve — one chat over short polling, long polling, WebSocket and Server-Sent Events', 'pushlab serve [options]', SERVER_OPTION_SPECS, { env: envName }),
    '',
    'Every option can also be set by the environment variable shown beside it (PUSHLAB_ + the flag',
    'in capitals, dashes as underscores; booleans 1/0, true/false, yes/no, on/off). A flag on the',
    'command line wins over its variable. Secrets belong in the environment, not in `ps`:',
    '  PUSHLAB_TOKEN_SECRET=… PUSHLAB_BACKPLANE=redis://127.0.0.1:6379 pushlab serve',
  ].join('\n');
}

export async function runServe(argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  let input: Partial<ServerOptions>;
  try {
    const { values, help } = parseFlags(argv, SERVER_OPTION_SPECS);
    if (help) {
      console.log(serveHelp());
      return 0;
    }
    input = {};
    const target = input as Record<string, unknown>;
    const environment = fromEnvironment(env);
    for (const spec of SERVER_OPTION_SPECS) {
      const flagged = values[spec.flag];
      const fromEnv = environment[spec.flag];
      if (flagged !== undefined) target[spec.key] = convertValue(spec, flagged);
      else if (fromEnv !== undefined) {
        try {
          target[spec.key] = convertValue(spec, fromEnv.raw);
        } catch (error) {
          // Name the variable the user set, not a flag they never typed.
          throw new UsageError((error as Error).message.replace(`--${spec.flag}`, fromEnv.source));
        }
      }
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
      const named = SERVER_OPTION_SPECS.find((s) => error.message.startsWith(`--${s.flag} `) && argv.every((a) => a !== `--${s.flag}` && !a.startsWith(`--${s.flag}=`)) && env[envName(s)] !== undefined);
      console.error(`pushlab serve: ${named === undefined ? error.message : `${envName(named)} (--${named.flag}): ${error.message.slice(named.flag.length + 3)}`}`);
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
  // Before `listening on`: whoever waits for that line has the certificate's path already.
  if (server.tlsCertPath !== undefined) console.log(`tls: certificate ${server.tlsCertPath} (Node clients trust it with NODE_EXTRA_CA_CERTS=${server.tlsCertPath})`);
  // A short secret still turns auth on (what the operator asked for), but says it is weak.
  const secret = server.options.tokenSecret;
  if (secret !== undefined && secret.length < WEAK_SECRET_CHARS) console.error(`pushlab serve: warning: the token secret is ${secret.length} characters; anyone who guesses it can mint tokens — use at least ${WEAK_SECRET_CHARS} random characters (32 bytes is HS256's own size)`);
  console.log(`listening on ${address.url}`);
  console.log(`transports: ${server.options.transports.join(', ')} · backplane: ${server.core.backplane.kind} · hold ${server.options.holdMs} ms`);
  return stopped;
}
