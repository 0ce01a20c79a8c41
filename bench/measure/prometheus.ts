/**
 * The Prometheus text format as the servers' `/metrics` write it: parsed into samples, and
 * reduced to what the bench reads of a server (requests, wire bytes, heap, event-loop delay,
 * and CPU/RSS where /proc is not there), summed over label sets.
 */
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
