/**
 * autocannon in a process of its own (forked by bench/harness/autocannon-process.ts, pinned to the
 * load cores): the orchestrator's event loop and autocannon's no longer share a core's time
 * slice unseen. Receives its options over IPC, answers with the figures the bench keeps.
 */
import autocannon from 'autocannon';
import type { AutocannonFigures } from './autocannon-process.ts';

process.once('message', (options: autocannon.Options) => {
  // Said before the first request, so the bench samples the server over the probe alone.
  process.send?.({ type: 'started' });
  autocannon(options)
    .then((r) => {
      const figures: AutocannonFigures = {
        durationSeconds: r.duration,
        requestsTotal: r.requests.total,
        requestsPerSecond: { mean: r.requests.mean, p50: r.requests.p50, max: r.requests.max },
        latencyMs: { p50: r.latency.p50, p99: r.latency.p99, max: r.latency.max, mean: r.latency.mean },
        errors: r.errors,
        non2xx: r.non2xx,
      };
      process.send?.({ type: 'result', figures }, () => process.exit(0));
    })
    .catch((error: unknown) => {
      process.stderr.write(`autocannon failed: ${(error as Error).message}\n`);
      process.exit(1);
    });
});
