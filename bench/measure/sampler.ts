/**
 * Server cost, sampled once a second into a timeline: CPU and RSS of every server process
 * from /proc/<pid>/stat (uniform for pushlab, baselines, and a cluster's nginx/redis), heap,
 * event-loop delay p99, bytes on the wire and server-counted requests from each instance's
 * `/metrics` (Prometheus text). Samples are taken on whole seconds from the window's start,
 * so the samples at t = 0 and t = duration bound the window exactly.
 */
import { clockMs } from './clock.ts';
import { parsePrometheus, snapshotFrom } from './prometheus.ts';
import { parentPids, procStat, withDescendants } from './procfs.ts';
import { scrape } from './scrape.ts';

/** A cluster's server side by part (see TargetHandle.parts): pids of each part's top processes. */
export interface SampledPart {
  part: 'servers' | 'redis' | 'nginx';
  pids: number[];
}

export interface PartSample {
  part: SampledPart['part'];
  processes: number;
  cpuSeconds: number;
  rssBytes: number;
}

export interface Sample {
  /** Seconds since the window opened (whole seconds; negative in warm-up). */
  t: number;
  atMs: number;
  cpuSeconds: number;
  rssBytes: number;
  heapUsedBytes: number;
  eventLoopDelayP99Ms: number;
  requests: number;
  bytesIn: number;
  bytesOut: number;
  /** An instance's /metrics did not answer. */
  scrapeFailed: boolean;
  /** Per part (clusters only); cpuSeconds and rssBytes above are their sums. */
  parts?: PartSample[];
}

export class Sampler {
  readonly samples: Sample[] = [];
  readonly #urls: string[];
  readonly #pids: number[];
  readonly #windowStartMs: number;
  readonly #parts: readonly SampledPart[] | undefined;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #stopped = false;

  /**
   * `parts` (a cluster): CPU and RSS are then read per part, nginx with its workers, and
   * summed; `pids` is ignored. Without parts, `pids` as given.
   */
  constructor(urls: string[], pids: number[], windowStartMs: number, parts?: readonly SampledPart[]) {
    this.#urls = urls;
    this.#pids = pids;
    this.#windowStartMs = windowStartMs;
    this.#parts = parts;
  }

  /**
   * Sample on every whole second (relative to the window start) from now on. The next timer
   * is armed before the scrape is awaited, so a slow scrape never makes a second go missing
   * (the window's edge samples matter most).
   */
  start(): void {
    let t = Math.ceil((clockMs() - this.#windowStartMs) / 1000 + 0.001);
    const schedule = (): void => {
      if (this.#stopped) return;
      const at = this.#windowStartMs + t * 1000;
      const mine = t;
      this.#timer = setTimeout(() => {
        t = Math.max(mine + 1, Math.ceil((clockMs() - this.#windowStartMs) / 1000 + 0.001));
        schedule();
        void this.sampleNow(mine);
      }, Math.max(0, at - clockMs()));
    };
    schedule();
  }

  async sampleNow(t: number): Promise<Sample> {
    const atMs = clockMs();
    let cpuSeconds = 0;
    let rssBytes = 0;
    // No pids (an external --target): every figure comes from its /metrics.
    let procOk = this.#pids.length > 0 || this.#parts !== undefined;
    let parts: PartSample[] | undefined;
    if (this.#parts === undefined) {
      for (const pid of this.#pids) {
        const stat = procStat(pid);
        if (stat === undefined) procOk = false;
        else {
          cpuSeconds += stat.cpuSeconds;
          rssBytes += stat.rssBytes;
        }
      }
    } else {
      // nginx's workers are its children. The instances' own children are not followed: tsx's
      // esbuild service idles beside each one and is not the server (a plain run skips it too).
      const children = this.#parts.some((p) => p.part === 'nginx') ? parentPids() : new Map<number, number[]>();
      parts = this.#parts.map((p) => {
        const part: PartSample = { part: p.part, processes: 0, cpuSeconds: 0, rssBytes: 0 };
        for (const pid of p.part === 'nginx' ? withDescendants(p.pids, children) : p.pids) {
          const stat = procStat(pid);
          if (stat === undefined) {
            procOk = false;
            continue;
          }
          part.processes++;
          part.cpuSeconds += stat.cpuSeconds;
          part.rssBytes += stat.rssBytes;
        }
        cpuSeconds += part.cpuSeconds;
        rssBytes += part.rssBytes;
        return part;
      });
    }
    const texts = await Promise.all(this.#urls.map((u) => scrape(u).catch(() => undefined)));
    const snaps = texts.map((text) => (text === undefined ? undefined : snapshotFrom(parsePrometheus(text))));
    let heap = 0;
    let eld = 0;
    let requests = 0;
    let bytesIn = 0;
    let bytesOut = 0;
    let metricsCpu = 0;
    let metricsRss = 0;
    for (const s of snaps) {
      if (s === undefined) continue;
      heap += s.heapUsedBytes ?? 0;
      eld = Math.max(eld, s.eventLoopDelayP99Ms ?? 0);
      requests += s.requests;
      bytesIn += s.bytesIn;
      bytesOut += s.bytesOut;
      metricsCpu += s.cpuSecondsFromMetrics ?? 0;
      metricsRss += s.rssFromMetrics ?? 0;
    }
    if (!procOk) {
      // No /proc (not Linux): fall back to what the servers report about themselves.
      cpuSeconds = metricsCpu;
      rssBytes = metricsRss;
    }
    const sample: Sample = { t, atMs, cpuSeconds, rssBytes, heapUsedBytes: heap, eventLoopDelayP99Ms: eld, requests, bytesIn, bytesOut, scrapeFailed: snaps.some((s) => s === undefined), ...(parts === undefined ? {} : { parts }) };
    this.samples.push(sample);
    return sample;
  }

  /** Resolves once the sample of second `t` (or a later one) is in, or after `timeoutMs`. */
  async settled(t: number, timeoutMs: number): Promise<void> {
    const deadline = clockMs() + timeoutMs;
    while (!this.samples.some((s) => s.t >= t) && clockMs() < deadline) await new Promise((r) => setTimeout(r, 20));
  }

  stop(): void {
    this.#stopped = true;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
  }
}
