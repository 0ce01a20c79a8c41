/**
 * The null run's targets (`--null-run`): per transport, a server that does nothing but write
 * pre-built frames, so the run's load side is the harness's own cost per delivery. WebSocket
 * and long polling use the bare baselines (they already serialize each message once and write
 * it to every member); SSE and short polling use ./null-server.ts.
 */
import { fileURLToPath } from 'node:url';
import type { Transport } from '../../protocol/types.ts';
import type { BenchOptions, RunTarget } from '../../results/types.ts';
import type { SpawnServerOptions } from './spawn-server.ts';

export type NullTarget = Extract<RunTarget, `null-${string}`>;

const SCRIPTS: Record<NullTarget, string> = {
  'null-websocket': fileURLToPath(new URL('./baselines/ws-broadcast.ts', import.meta.url)),
  'null-long-polling': fileURLToPath(new URL('./baselines/long-poll.ts', import.meta.url)),
  'null-sse': fileURLToPath(new URL('./null-server.ts', import.meta.url)),
  'null-short-polling': fileURLToPath(new URL('./null-server.ts', import.meta.url)),
};

export function nullTarget(transport: Transport): NullTarget {
  return `null-${transport}`;
}

export function isNullTarget(target: RunTarget): target is NullTarget {
  return target in SCRIPTS;
}

/** How to start a null target's server (its transport names its /metrics label). */
export function nullServer(target: NullTarget, options: BenchOptions): Pick<SpawnServerOptions, 'script' | 'args'> {
  return { script: SCRIPTS[target], args: ['--hold-ms', String(options.holdMs), '--transport', target.slice('null-'.length)] };
}
