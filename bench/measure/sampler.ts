/**
 * Server cost, sampled once a second into a timeline: CPU and RSS of every server process
 * from /proc/<pid>/stat (uniform for pushlab, baselines, and a cluster's nginx/redis), heap,
 * event-loop delay p99, bytes on the wire and server-counted requests from each instance's
 * `/metrics` (Prometheus text). Samples are taken on whole seconds from the window's start,
 * so the samples at t = 0 and t = duration bound the window exactly.
 */
import { readFileSync, readdirSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import { trustedCa } from '../targets/tls.ts';
import { spawnSync } from 'node:child_process';
import { clockMs } from './clock.ts';

export interface PromSample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** Prometheus text format → samples (comments and malformed lines skipped). */
export function parsePrometheus(text: string): PromSample[] {
  const out: PromSample[] = [];
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})?\s+(\S+)/.exec(line);
    if (m === null) continue;
    const labels: Record<string, string> = {};
    if (m[3] !== undefined) {
      for (const l of m[3].matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) labels[l[1] as string] = (l[2] as string).replace(/\\(.)/g, '$1');
    }
    const value = Number(m[4]);
    if (Number.isFinite(value)) out.push({ name: m[1] as string, labels, value });
  }
  return out;
}

export function sumOf(samples: readonly PromSample[], name: string, where: (labels: Record<string, string>) => boolean = () => true): number {
  let total = 0;
  for (const s of samples) if (s.name === name && where(s.labels)) total += s.value;
  return total;
}

export function maxOf(samples: readonly PromSample[], name: string): number | undefined {
  let max: number | undefined;
  for (const s of samples) if (s.name === name) max = Math.max(max ?? -Infinity, s.value);
  return max;
}

/** prom-client's (and the baselines') event-loop monitor resolution, ms. */
export const ELD_RESOLUTION_MS = 10;

/** What the server side counts, summed over instances. */
export interface MetricsSnapshot {
  /** HTTP requests answered, /metrics scrapes excluded. */
  requests: number;
  /** Bytes on the lab transports' sockets (the scrapes' own `http` sockets excluded). */
  bytesIn: number;
  bytesOut: number;
  heapUsedBytes: number | undefined;
  eventLoopDelayP99Ms: number | undefined;
  cpuSecondsFromMetrics: number | undefined;
  rssFromMetrics: number | undefined;
}

export function snapshotFrom(samples: readonly PromSample[]): MetricsSnapshot {
  const lab = (l: Record<string, string>): boolean => l.transport !== 'http';
  const heap = sumOf(samples, 'nodejs_heap_size_used_bytes');
  const eld = maxOf(samples, 'nodejs_eventloop_lag_p99_seconds');
  const hasCpu = samples.some((s) => s.name === 'process_cpu_seconds_total');
  const hasRss = samples.some((s) => s.name === 'process_resident_memory_bytes');
  return {
    // A cluster's instance-to-instance hop (a long poll forwarded to its session's home) is not a client request.
    requests: sumOf(samples, 'pushlab_http_requests_total', (l) => l.route !== '/metrics' && l.route !== 'forwarded'),
    bytesIn: sumOf(samples, 'pushlab_bytes_total', (l) => l.direction === 'in' && lab(l)),
    bytesOut: sumOf(samples, 'pushlab_bytes_total', (l) => l.direction === 'out' && lab(l)),
    heapUsedBytes: samples.some((s) => s.name === 'nodejs_heap_size_used_bytes') ? heap : undefined,
    // The monitor's histogram records each timer interval whole (prom-client's 10 ms timer
    // included): the delay is what lies beyond the resolution.
    eventLoopDelayP99Ms: eld === undefined ? undefined : Math.max(0, eld * 1000 - ELD_RESOLUTION_MS),
    cpuSecondsFromMetrics: hasCpu ? sumOf(samples, 'process_cpu_seconds_total') : undefined,
    rssFromMetrics: hasRss ? sumOf(samples, 'process_resident_memory_bytes') : undefined,
  };
}

let procUnits: { ticks: number; page: number } | undefined;
function units(): { ticks: number; page: number } {
  if (procUnits === undefined) {
    const get = (name: string, fallback: number): number => {
      const n = Number(spawnSync('getconf', [name], { encoding: 'utf8' }).stdout?.trim());
      return Number.isFinite(n) && n > 0 ? n : fallback;
    };
    procUnits = { ticks: get('CLK_TCK', 100), page: get('PAGESIZE', 4096) };
  }
  return procUnits;
}

/** CPU seconds (user + sys) and RSS of a process from /proc; undefined when it is gone or not Linux. */
export function procStat(pid: number): { cpuSeconds: number; rssBytes: number } | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // Fields after the command name (which may contain spaces) start at field 3 (state).
  const rest = text.slice(text.lastIndexOf(')') + 2).split(' ');
  const { ticks, page } = units();
  const utime = Number(rest[11]);
  const stime = Number(rest[12]);
  const rss = Number(rest[21]);
  return { cpuSeconds: (utime + stime) / ticks, rssBytes: rss * page };
}

/** Parent pid of every process, from /proc/<pid>/stat (empty when /proc is not there). */
function parentPids(): Map<number, number[]> {
  const children = new Map<number, number[]>();
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return children;
  }
  for (const name of entries) {
    if (!/^\d+$/.test(name)) continue;
    let text: string;
    try {
      text = readFileSync(`/proc/${name}/stat`, 'utf8');
    } catch {
      continue;
    }
    // Field 4 (ppid) is the second after the command name, which may contain spaces.
    const ppid = Number(text.slice(text.lastIndexOf(')') + 2).split(' ')[1]);
    const list = children.get(ppid) ?? [];
    list.push(Number(name));
    children.set(ppid, list);
  }
  return children;
}

/**
 * `pids` and all their descendants. nginx's master only forks: its workers do the proxying,
 * and a parent's /proc stat counts a child's CPU only once the child has exited and been
 * reaped — so a cluster's cost must read the workers themselves.
 */
export function withDescendants(pids: readonly number[], children: Map<number, number[]> = parentPids()): number[] {
  const out: number[] = [];
  const seen = new Set<number>();
  const stack = [...pids];
  while (stack.length > 0) {
    const pid = stack.pop() as number;
    if (seen.has(pid)) continue;
    seen.add(pid);
    out.push(pid);
    stack.push(...(children.get(pid) ?? []));
  }
  return out;
}

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

const agent = new http.Agent({ keepAlive: true, maxSockets: 4 });
let httpsAgent: https.Agent | undefined;

export function scrape(url: string, timeoutMs = 2000): Promise<string> {
  return new Promise((resolve, reject) => {
    // --tls: the bench's own certificate is the one to trust (bench/targets/tls.ts).
    const secure = url.startsWith('https:');
    if (secure) httpsAgent ??= new https.Agent({ keepAlive: true, maxSockets: 4, ...(trustedCa() === undefined ? {} : { ca: trustedCa() }) });
    const get = secure ? https.get : http.get;
    const req = get(`${url}/metrics`, { agent: secure ? httpsAgent : agent, timeout: timeoutMs }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => (res.statusCode === 200 ? resolve(Buffer.concat(chunks).toString('utf8')) : reject(new Error(`/metrics answered ${res.statusCode}`))));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error('/metrics timed out')));
    req.on('error', reject);
  });
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

  at(t: number): Sample | undefined {
    return this.samples.find((s) => s.t === t);
  }
}
