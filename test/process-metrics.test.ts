/** servers/process-metrics.ts: the lean process set by default, prom-client's whole set with --default-metrics. */
import { describe, expect, it } from 'vitest';
import { http, serversPerTest } from './helpers/server.ts';

const server = serversPerTest();
const LEAN = ['process_cpu_seconds_total', 'process_cpu_user_seconds_total', 'process_resident_memory_bytes', 'nodejs_heap_size_used_bytes', 'nodejs_eventloop_lag_p99_seconds'];
/** Only in prom-client's full default set: the ones that cost a scrape most (readdir of /proc/self/fd, heap spaces, a GC observer). */
const FULL_ONLY = ['process_open_fds', 'nodejs_heap_space_size_used_bytes', 'nodejs_gc_duration_seconds'];

function value(text: string, name: string): number {
  const m = new RegExp(`^${name} (\\S+)$`, 'm').exec(text);
  if (m === null) throw new Error(`no ${name} sample`);
  return Number(m[1]);
}

describe('process metrics', () => {
  it('by default: the lean set, with live values and no full-set extras', async () => {
    const s = await server();
    const first = (await http(`${s.url}/metrics`)).text;
    for (const name of LEAN) expect(first).toContain(`# TYPE ${name} `);
    for (const name of FULL_ONLY) expect(first).not.toContain(`# TYPE ${name} `);
    expect(value(first, 'process_resident_memory_bytes')).toBeGreaterThan(10_000_000);
    expect(value(first, 'nodejs_heap_size_used_bytes')).toBeGreaterThan(1_000_000);
    // CPU is cumulative: burn some and it must grow, by the user and system parts together.
    const until = Date.now() + 50;
    while (Date.now() < until);
    const second = (await http(`${s.url}/metrics`)).text;
    expect(value(second, 'process_cpu_seconds_total')).toBeGreaterThan(value(first, 'process_cpu_seconds_total') + 0.04);
    expect(value(second, 'process_cpu_user_seconds_total') + value(second, 'process_cpu_system_seconds_total')).toBeCloseTo(value(second, 'process_cpu_seconds_total'), 6);
  });

  it('--default-metrics: prom-client’s whole default set', async () => {
    const s = await server({ defaultMetrics: true });
    const text = (await http(`${s.url}/metrics`)).text;
    for (const name of [...LEAN, ...FULL_ONLY]) expect(text).toContain(`# TYPE ${name} `);
  });
});
