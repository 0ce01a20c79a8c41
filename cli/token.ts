/**
 * `pushlab token --secret S --nick N [--ttl 1h]`: mint the HS256 token a server started with
 * `--token-secret S` accepts, carrying the nick (claims `nick` and `sub`). Prints the token alone
 * on stdout so it can be captured: `TOKEN=$(pushlab token --secret … --nick alice)`.
 */
import { mintToken } from '../servers/http/auth.ts';
import { convertValue } from '../options/convert.ts';
import type { OptionSpec } from '../options/table.ts';
import { UsageError } from '../options/usage-error.ts';
import { parseFlags } from './args.ts';
import { helpText } from './help.ts';

const TTL: OptionSpec = { key: 'ttl', flag: 'ttl', kind: 'duration', unit: 'duration', default: '1h', help: 'how long the token is valid: 30s, 15m, 1h, 24h' };

const SPECS: readonly OptionSpec[] = [
  { key: 'secret', flag: 'secret', kind: 'string', unit: '', default: undefined, help: 'the server\'s --token-secret' },
  { key: 'nick', flag: 'nick', kind: 'string', unit: '', default: undefined, help: 'the nick the token speaks for (1-32 characters, no control characters)' },
  TTL,
];

export async function runToken(argv: string[]): Promise<number> {
  try {
    const { values, help } = parseFlags(argv, SPECS);
    if (help) {
      console.log(helpText('pushlab token — mint a token for a server run with --token-secret', 'pushlab token --secret S --nick N [--ttl 1h]', SPECS));
      return 0;
    }
    const secret = values.secret;
    const nick = values.nick;
    if (typeof secret !== 'string' || secret === '') throw new UsageError('--secret is required (the server\'s --token-secret)');
    if (typeof nick !== 'string') throw new UsageError('--nick is required');
    const ttlMs = convertValue(TTL, values.ttl ?? String(TTL.default)) as number;
    if (ttlMs < 1000) throw new UsageError('--ttl must be at least 1s');
    let token: string;
    try {
      token = await mintToken(secret, nick, Math.round(ttlMs / 1000));
    } catch (error) {
      throw new UsageError(`--nick: ${(error as Error).message}`);
    }
    console.log(token);
    return 0;
  } catch (error) {
    if (error instanceof UsageError) {
      console.error(`pushlab token: ${error.message}\nRun \`pushlab token --help\` for the options.`);
      return 2;
    }
    throw error;
  }
}
