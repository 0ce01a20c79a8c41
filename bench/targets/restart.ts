/**
 * `--restart-server`: half-way through the window the orchestrator stops the server
 * (SIGTERM: it drains gracefully, docs/protocol.md "Shutdown") and starts a fresh one on the same
 * port, so the clients' own reconnect logic finds it. With the in-memory backplane the fresh
 * server has no history and its seqs start again at 1: messages the old one accepted but a
 * client had not fetched yet are lost — by design (the Redis backplane keeps them). Publishes
 * made while no server listens fail and count as send errors, not loss.
 */
import type { Transport } from '../../protocol/types.ts';
import { clockMs, sleepMs } from '../measure/clock.ts';
import type { BenchOptions } from '../../results/types.ts';
import type { Sample } from '../measure/sampler.ts';
import { spawnServer, type SpawnedServer } from './spawn-server.ts';
import { serverArgs, type TargetHandle } from './targets.ts';

/** How long the old server may take to drain and exit before the restart gives up, ms. */
const EXIT_TIMEOUT_MS = 10_000;

/** Only a single pushlab process on the memory backplane can be restarted by the bench. */
export function canRestart(handle: TargetHandle, target: string): boolean {
  return handle.instances === 1 && !handle.proxied && handle.backplane === 'memory' && handle.pids.length === 1 && !target.startsWith('baseline');
}

/**
 * A target handle that can restart its server. `crashed()` ignores the planned exit of the
 * old process and watches the fresh one; `stop()` stops whichever is running.
 */
export class RestartableTarget {
  readonly #handle: TargetHandle;
  readonly #transport: Transport;
  readonly #options: BenchOptions;
  readonly #cpus: string | undefined;
  #fresh: SpawnedServer | undefined;
  #freshCrashed: string | undefined;
  #stopping = false;
  restarts = 0;
  downMs = 0;

  constructor(handle: TargetHandle, transport: Transport, options: BenchOptions, cpus: string | undefined) {
    this.#handle = handle;
    this.#transport = transport;
    this.#options = options;
    this.#cpus = cpus;
  }

  crashed(): string | undefined {
    return this.#fresh === undefined ? this.#handle.crashed() : this.#freshCrashed;
  }

  /** SIGTERM the running server, wait for it to exit, start a fresh one on the same port. */
  async restart(): Promise<void> {
    const pid = this.#fresh?.pid ?? this.#handle.pids[0];
    if (pid === undefined) throw new Error('no server process to restart');
    const port = new URL(this.#handle.url).port;
    const startedAt = clockMs();
    if (this.#fresh !== undefined) await this.#fresh.stop();
    else {
      process.kill(pid, 'SIGTERM');
      // The handle's exit listener marks the (planned) exit as a crash: that is the signal it is gone.
      while (this.#handle.crashed() === undefined) {
        if (clockMs() - startedAt > EXIT_TIMEOUT_MS) throw new Error(`the server did not exit within ${EXIT_TIMEOUT_MS} ms of SIGTERM`);
        await sleepMs(10);
      }
    }
    const fresh = await spawnServer({ args: [...serverArgs(this.#transport, this.#options), '--port', port], cpus: this.#cpus });
    fresh.child.once('exit', (code, signal) => {
      if (!this.#stopping) this.#freshCrashed = `the restarted server exited on its own (${String(code ?? signal)}): ${fresh.stderr().trim().split('\n').slice(-5).join(' | ')}`;
    });
    this.#fresh = fresh;
    this.restarts++;
    this.downMs += clockMs() - startedAt;
  }

  async stop(): Promise<void> {
    this.#stopping = true;
    await this.#handle.stop().catch(() => {});
    await this.#fresh?.stop();
  }
}

/**
 * The server's counters (CPU, requests, bytes) start again from 0 in the fresh process: add
 * the old process's last good reading to every later sample, like Prometheus' counter-reset
 * rule, so window differences still hold. What the old process did after its last sample
 * (under a second: its drain) is not counted. Samples whose scrape failed are left as they are
 * (the report skips them).
 */
export function stitchCounterResets(samples: readonly Sample[]): Sample[] {
  const sorted = [...samples].sort((a, b) => a.t - b.t);
  const offset = { cpuSeconds: 0, requests: 0, bytesIn: 0, bytesOut: 0 };
  let raw: Sample | undefined;
  let stitchedBefore: Sample | undefined;
  return sorted.map((s) => {
    if (s.scrapeFailed) return s;
    // A counter went down: a fresh process. Carry what the old one had counted (stitched).
    if (raw !== undefined && stitchedBefore !== undefined && (s.requests < raw.requests || s.cpuSeconds < raw.cpuSeconds)) {
      offset.cpuSeconds = stitchedBefore.cpuSeconds;
      offset.requests = stitchedBefore.requests;
      offset.bytesIn = stitchedBefore.bytesIn;
      offset.bytesOut = stitchedBefore.bytesOut;
    }
    const stitched: Sample = { ...s, cpuSeconds: s.cpuSeconds + offset.cpuSeconds, requests: s.requests + offset.requests, bytesIn: s.bytesIn + offset.bytesIn, bytesOut: s.bytesOut + offset.bytesOut };
    raw = s;
    stitchedBefore = stitched;
    return stitched;
  });
}
