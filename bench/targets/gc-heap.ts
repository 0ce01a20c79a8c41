/**
 * A forced full GC in a server the bench started, and its heap right after: the server runs
 * with `--expose-gc` and ./gc-hook.js preloaded, over the IPC channel spawnServer opens. The
 * bench asks twice per run — before any client connects and after the drain with every client
 * still connected — so heap per connection is measured without garbage, and outside the window.
 */
import type { ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The node flags that give a server the hook: prepend them to the server's own node arguments. */
export const GC_NODE_ARGS: readonly string[] = ['--expose-gc', '--import', fileURLToPath(new URL('./gc-hook.js', import.meta.url))];

/** How long a GC may take to answer before the figure is given up, ms (a full GC of a 5,000-client heap takes tens of ms). */
const GC_TIMEOUT_MS = 5000;

let nextId = 0;

/** Heap used right after a forced GC, bytes; undefined when the child has no hook or did not answer in time. */
export function heapAfterGc(child: ChildProcess, timeoutMs = GC_TIMEOUT_MS): Promise<number | undefined> {
  if (!child.connected) return Promise.resolve(undefined);
  const id = ++nextId;
  return new Promise((resolve) => {
    const done = (value: number | undefined): void => {
      clearTimeout(timer);
      child.off('message', onMessage);
      child.off('exit', onExit);
      resolve(value);
    };
    const onMessage = (m: unknown): void => {
      const answer = m as { type?: string; id?: number; heapUsedBytes?: number };
      if (answer?.type === 'pushlab-gc' && answer.id === id && typeof answer.heapUsedBytes === 'number') done(answer.heapUsedBytes);
    };
    const onExit = (): void => done(undefined);
    const timer = setTimeout(() => done(undefined), timeoutMs);
    child.on('message', onMessage);
    child.once('exit', onExit);
    child.send({ type: 'pushlab-gc', id }, (error) => {
      if (error !== null) done(undefined);
    });
  });
}

/** (heap after GC with the clients − the same before any) ÷ connections, bytes; undefined without both or any connection. */
export function heapPerConnectionAfterGc(before: number | undefined, after: number | undefined, connections: number): number | undefined {
  if (before === undefined || after === undefined || connections <= 0) return undefined;
  return Math.max(0, Math.round((after - before) / connections));
}
