/**
 * A run's emulated path: the delay proxy in front of the run's server, the URLs the load
 * clients use instead of the server's, and the proxy's CPU over the measured window (read
 * at the window's edges, like the server's).
 */
import { clockMs } from '../measure/clock.ts';
import type { BenchOptions } from '../../results/types.ts';
import { PATH_MODE, pathOf, type PathRunCost } from './path.ts';
import { spawnDelayProxy, type SpawnedProxy } from './spawn-proxy.ts';

export class RunPath {
  readonly #proxy: SpawnedProxy;
  readonly #rttMs: number;
  #edges: (Promise<{ seconds: number; connections: number } | undefined> | undefined)[] = [];
  #timers: ReturnType<typeof setTimeout>[] = [];
  #windowMs = 0;

  private constructor(proxy: SpawnedProxy, rttMs: number) {
    this.#proxy = proxy;
    this.#rttMs = rttMs;
  }

  /** undefined when the options ask for no path (plain loopback). */
  static async start(options: BenchOptions, urls: readonly string[], loadCpus: string | undefined): Promise<RunPath | undefined> {
    const spec = pathOf(options);
    if (spec === undefined) return undefined;
    return new RunPath(await spawnDelayProxy(urls, spec, loadCpus), spec.rttMs);
  }

  get urls(): string[] {
    return this.#proxy.urls;
  }

  /** Read the proxy's CPU at the window's two edges (epoch ms on the bench clock). */
  measureWindow(startMs: number, endMs: number): void {
    this.#windowMs = endMs - startMs;
    const at = (i: number, t: number): void => {
      this.#timers.push(setTimeout(() => (this.#edges[i] = this.#proxy.cpu()), Math.max(0, t - clockMs())));
    };
    at(0, startMs);
    at(1, endMs);
  }

  async cost(): Promise<PathRunCost> {
    const [a, b] = await Promise.all([this.#edges[0], this.#edges[1] ?? this.#proxy.cpu()]);
    const seconds = a !== undefined && b !== undefined ? b.seconds - a.seconds : 0;
    return {
      mode: PATH_MODE,
      rttMs: this.#rttMs,
      proxyCpuSeconds: Math.round(seconds * 1000) / 1000,
      proxyCpuPercent: this.#windowMs > 0 ? Math.round((seconds / (this.#windowMs / 1000)) * 1000) / 10 : 0,
      connections: b?.connections ?? 0,
    };
  }

  async stop(): Promise<void> {
    for (const t of this.#timers) clearTimeout(t);
    await this.#proxy.stop();
  }
}
