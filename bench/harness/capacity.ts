/**
 * HTTP capacity of each HTTP endpoint, with autocannon (in its own processes, bench/harness/autocannon-process.ts): how many requests
 * per second the server answers flat out, and at what latency — a short poll with nothing new,
 * a publish, and a long poll answered at once (its queue holds a message the cursor never
 * acknowledges). A fresh server per run, pinned like the load runs. autocannon's timeout is
 * set above the hold so a held poll would never count as an error. Its latency is whole ms.
 */
import type autocannon from 'autocannon';
import { runAutocannon } from './autocannon-process.ts';
import { CapacityWatch } from '../measure/capacity-bound.ts';
import type { Transport } from '../../protocol/types.ts';
import type { BenchOptions, CapacityResult } from '../../results/types.ts';
import { spawnServer } from '../targets/spawn-server.ts';

/** Concurrent connections: enough to saturate one server core from the other. */
const CONNECTIONS = 50;

async function post(url: string, body: unknown): Promise<Record<string, unknown>> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  if (!res.ok) throw new Error(`capacity setup: POST ${url} answered ${res.status}`);
  return (await res.json()) as Record<string, unknown>;
}

export async function measureCapacity(options: BenchOptions, serverCpus: string | undefined, onStep: (what: string) => void, loadCpus?: string): Promise<CapacityResult[]> {
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
      // autocannon in its own processes on the load cores; the server's CPU sampled over the probe.
      const watch = new CapacityWatch(server.pid, loadCpus);
      const { figures: r, processes } = await runAutocannon({ ...request, connections: CONNECTIONS, duration: durationSeconds, timeout }, loadCpus, () => watch.start());
      results.push({
        endpoint: e.endpoint,
        transport: e.transport,
        connections: CONNECTIONS,
        processes,
        ...watch.stop(),
        durationSeconds: r.durationSeconds,
        requestsPerSecond: r.requestsPerSecond,
        latencyMs: r.latencyMs,
        errors: r.errors,
        non2xx: r.non2xx,
      });
    }
  } finally {
    await server.stop();
  }
  return results;
}
