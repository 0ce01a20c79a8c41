/**
 * The process's own metrics on /metrics. By default a lean set — CPU, RSS, heap and event-loop
 * delay, the figures the bench and an operator read — each one syscall or one V8 call per
 * scrape. `--default-metrics` adds all of prom-client's defaults instead (open descriptors,
 * heap spaces, GC histogram, handles …): measured at 1,000 open WebSockets and one scrape a
 * second, they cost the server CPU per second that the lean set does not (docs/performance.md).
 * The names and meanings are prom-client's, so dashboards read either set the same way.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { Counter, Gauge, collectDefaultMetrics, type Registry } from 'prom-client';

/** Event-loop delay sampling resolution, ms (prom-client's default). */
const LOOP_RESOLUTION_MS = 10;

export function registerProcessMetrics(registry: Registry, full: boolean): void {
  if (full) {
    collectDefaultMetrics({ register: registry, eventLoopMonitoringPrecision: LOOP_RESOLUTION_MS });
    return;
  }
  const registers = [registry];
  let cpu = process.cpuUsage();
  // Each group's first metric samples for the rest, which are registered after it so a scrape
  // reads them after they were set (the registry collects in registration order).
  new Counter({
    name: 'process_cpu_seconds_total',
    help: 'Total user and system CPU time spent in seconds.',
    registers,
    // Sampled once per scrape, the three counters from one cpuUsage() reading.
    collect() {
      const now = process.cpuUsage();
      const userSeconds = (now.user - cpu.user) / 1e6;
      const systemSeconds = (now.system - cpu.system) / 1e6;
      cpu = now;
      user.inc(userSeconds);
      system.inc(systemSeconds);
      this.inc(userSeconds + systemSeconds);
    },
  });
  const user = new Counter({ name: 'process_cpu_user_seconds_total', help: 'Total user CPU time spent in seconds.', registers });
  const system = new Counter({ name: 'process_cpu_system_seconds_total', help: 'Total system CPU time spent in seconds.', registers });
  new Gauge({
    name: 'process_resident_memory_bytes',
    help: 'Resident memory size in bytes.',
    registers,
    collect() {
      this.set(process.memoryUsage.rss());
    },
  });
  new Gauge({
    name: 'nodejs_heap_size_used_bytes',
    help: 'Process heap size used from Node.js in bytes.',
    registers,
    collect() {
      const memory = process.memoryUsage();
      heapTotal.set(memory.heapTotal);
      this.set(memory.heapUsed);
    },
  });
  const heapTotal = new Gauge({ name: 'nodejs_heap_size_total_bytes', help: 'Process heap size from Node.js in bytes.', registers });
  const loop = monitorEventLoopDelay({ resolution: LOOP_RESOLUTION_MS });
  loop.enable();
  new Gauge({
    name: 'nodejs_eventloop_lag_p99_seconds',
    help: 'The 99th percentile of the recorded event loop delays.',
    registers,
    // Like prom-client: percentiles since the previous scrape (the histogram is reset).
    collect() {
      p50.set(loop.percentile(50) / 1e9);
      max.set(loop.max / 1e9);
      this.set(loop.percentile(99) / 1e9);
      loop.reset();
    },
  });
  const p50 = new Gauge({ name: 'nodejs_eventloop_lag_p50_seconds', help: 'The 50th percentile of the recorded event loop delays.', registers });
  const max = new Gauge({ name: 'nodejs_eventloop_lag_max_seconds', help: 'The maximum recorded event loop delay.', registers });
}
