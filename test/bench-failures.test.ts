/**
 * Failures keep what was measured: a target whose server cannot start becomes a run with an
 * `error` naming the cause on one line and the bench goes on with the next target (through the
 * API: `pushlab serve` itself refuses the options, a real start failure); an external target
 * whose /metrics does not answer has its server cost marked "not measured".
 */
import { describe, expect, it } from 'vitest';
import { resolveBenchOptions } from '../bench/config/options.ts';
import { runBench } from '../bench/harness/run.ts';
import { buildResult, oneLine } from '../bench/harness/run-result.ts';

describe('a target that cannot start', () => {
  it('is a run with a one-line error; the bench goes on to the next target', async () => {
    const { options } = resolveBenchOptions({ scenario: 'smoke', transports: 'websocket', duration: '2s', warmup: '1s', capacity: false, baselines: true });
    // --hold-ms 0 gets past the bench (as a config mistake would) and `pushlab serve` refuses it:
    // the lab's server exits before listening; the bare baseline accepts it and runs.
    const results = await runBench({ ...options, holdMs: 0 });
    expect(results.runs.map((r) => r.target)).toEqual(['websocket', 'baseline-ws']);
    const [failed, baseline] = results.runs;
    expect(failed?.error).toMatch(/^could not start: pushlab serve exited with 2 before listening: --hold-ms must be a whole number ≥ 1, got "0"$/);
    expect(failed?.error).not.toContain('\n');
    expect(failed?.model).toEqual([]);
    expect(baseline?.error).toBeUndefined();
    expect(baseline?.messages.delivered).toBeGreaterThan(0);
    expect(results.ok).toBe(false);
    expect(results.warnings.some((w) => w.startsWith('websocket #1: FAILED — could not start'))).toBe(true);
    expect(results.thresholds?.find((t) => t.target === 'websocket' && t.metric === 'messages.lost')).toMatchObject({ ok: false, actual: null });
  }, 120_000);

  it('oneLine keeps the cause, not the stack or the child\'s whole stderr', () => {
    expect(oneLine('pushlab serve exited with 1 before listening\n\nsome log\npushlab serve: cannot listen on 127.0.0.1:80: EACCES\n    at x.ts:1')).toBe('pushlab serve exited with 1 before listening: cannot listen on 127.0.0.1:80: EACCES');
    expect(oneLine('nginx is not installed: apt-get install -y nginx')).toBe('nginx is not installed: apt-get install -y nginx');
  });
});

describe('an external target without /metrics', () => {
  it('marks server CPU and memory as not measured', () => {
    const { options } = resolveBenchOptions({ target: 'http://127.0.0.1:9' });
    const spec = { target: 'websocket' as const, transport: 'websocket' as const, repetition: 1, options, cpus: {}, onProgress: () => {} };
    const run = buildResult({ spec, server: { instances: 1, backplane: 'memory', proxied: false, external: true }, workers: [], samples: [] });
    expect(run.server.notMeasured).toMatch(/not measured/);
    const own = buildResult({ spec, server: { instances: 1, backplane: 'memory', proxied: false }, workers: [], samples: [] });
    expect(own.server.notMeasured).toBeUndefined();
  });
});
