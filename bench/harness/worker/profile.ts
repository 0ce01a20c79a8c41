/**
 * PUSHLAB_WORKER_PROFILE=<dir>: each load worker CPU-profiles itself over the window (the
 * inspector's Profiler, sampling every 100 µs) and writes `worker-<id>-<transport>.cpuprofile`
 * into dir when the window ends (open it in Chrome DevTools or speedscope). It is written
 * from inside the worker, on time: `node --cpu-prof` writes only at a clean exit, and the
 * orchestrator kills its workers once their results are in, so that profile never appears.
 */
import { writeFileSync, mkdirSync } from 'node:fs';
import { Session } from 'node:inspector';
import { join } from 'node:path';
import type { WorkerPlan } from '../worker-protocol.ts';
import type { Timers } from './timers.ts';

export function profileWindow(plan: WorkerPlan, timers: Timers, dir = process.env.PUSHLAB_WORKER_PROFILE): void {
  if (dir === undefined || dir === '') return;
  const session = new Session();
  session.connect();
  timers.at(plan.windowStartMs, () => {
    session.post('Profiler.enable', () => {
      session.post('Profiler.setSamplingInterval', { interval: 100 }, () => session.post('Profiler.start'));
    });
  });
  timers.at(plan.windowEndMs, () => {
    session.post('Profiler.stop', (error, result) => {
      if (error !== null) return;
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, `worker-${plan.id}-${plan.transport}-${plan.runId}.cpuprofile`), JSON.stringify(result.profile));
      session.disconnect();
    });
  });
}
