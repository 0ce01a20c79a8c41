/**
 * HTTP capacity of each HTTP endpoint, with autocannon (programmatic API): how many requests
 * per second the server answers flat out, and at what latency — a short poll with nothing new,
 * a publish, and a long poll answered at once (its queue holds a message the cursor never
 * acknowledges). A fresh server per run, pinned like the load runs. autocannon's timeout is
 * set above the hold so a held poll would never count as an error. Its latency is whole ms.
 */
import autocannon from 'autocannon';
import type { Transport } from '../protocol/types.ts';
import type { BenchOptions, CapacityResult } from '../results/types.ts';
import { spawnServer } from './spawn-server.ts';

/** Concurrent connections: enough to saturate one server core from the other. */
const CONNECTIONS = 50;

async function post(url: string, body: unknown): Promise<Record<string, unknown>> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  if (!res.ok) throw new Error(`capacity setup: POST ${url} answered ${res.status}`);
  return (await res.json()) as Record<string, unknown>;
}

export async function measureCapacity(options: BenchOptions, serverCpus: string | undefined, onStep: (what: string) => void): Promise<CapacityResult[]> {
  // SSE counts: its clients publish with the same POST (an open stream is no request to hammer).
  const http: Transport[] = options.transports.filter((t) => t !== 'websocket');
  if (http.length === 0) return [];
  // --rate-limit 0: autocannon's connections all come from loopback, one client to the limiter.
  const server = await spawnServer({ args: ['--transports', http.join(','), '--hold-ms', String(options.holdMs), '--no-demo', '--rate-limit', '0'], cpus: serverCpus });
  const durationSeconds = Math.max(1, Math.round((options.capacityDurationMs ?? 3000) / 1000));
  const timeout = Math.ceil(options.holdMs / 1000) + 5;
  const text = 'x'.repeat(options.size);
  const endpoints: { endpoint: string; transport: Transport; request: () => Promise<autocannon.Options> }[] = [];
  if (http.includes('short-polling')) {
    endpoints.push({ endpoint: 'short-poll-empty', transport: 'short-polling', request: async () => ({ url: `${server.url}/rooms/cap-empty/messages?after=0` }) });
  }
  endpoints.push({
    endpoint: 'publish',
    transport: http.includes('short-polling') ? 'short-polling' : http.includes('long-polling') ? 'long-polling' : 'sse',
    request: async () => ({ url: `${server.url}/rooms/cap-publish/messages`, method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ from: 'cap', text }) }),
  });
  if (http.includes('long-polling')) {
    endpoints.push({
      endpoint: 'long-poll-ready',
      transport: 'long-polling',
      request: async () => {
        const created = await post(`${server.url}/lp/sessions`, { nick: 'cap', rooms: ['cap-ready'] });
        await post(`${server.url}/rooms/cap-ready/messages`, { from: 'cap', text });
        return { url: `${server.url}/lp/sessions/${String(created.session)}/poll?cursor=0` };
      },
    });
  }
  const results: CapacityResult[] = [];
  try {
    for (const e of endpoints) {
      onStep(`capacity: ${e.endpoint}`);
      const request = await e.request();
      const r = await autocannon({ ...request, connections: CONNECTIONS, duration: durationSeconds, timeout });
      results.push({
        endpoint: e.endpoint,
        transport: e.transport,
        connections: CONNECTIONS,
        durationSeconds: r.duration,
        requestsPerSecond: { mean: r.requests.mean, p50: r.requests.p50, max: r.requests.max },
        latencyMs: { p50: r.latency.p50, p99: r.latency.p99, max: r.latency.max, mean: r.latency.mean },
        errors: r.errors,
        non2xx: r.non2xx,
      });
    }
  } finally {
    await server.stop();
  }
  return results;
}
