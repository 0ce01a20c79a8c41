/** results/metric-paths.ts: the fields of a run a threshold may name, read off the runtime schema. */
import { describe, expect, it } from 'vitest';
import { runFieldKind, runMetricNames } from '../results/metric-paths.ts';

describe('results/metric-paths', () => {
  it('gives the kind of a leaf, through optional sections too, and nothing for objects or unknown names', () => {
    expect(runFieldKind('latencyMs.p99')).toBe('number');
    expect(runFieldKind('workers.loadBound')).toBe('boolean');
    expect(runFieldKind('messages.sendErrors')).toBe('number');
    expect(runFieldKind('faults.recoveryMs.p50')).toBe('number');
    expect(runFieldKind('batches.buckets.1')).toBe('number');
    expect(runFieldKind('target')).toBe('string');
    expect(runFieldKind('sweepValue')).toBe('number|string');
    expect(runFieldKind('latencyMs')).toBeUndefined();
    expect(runFieldKind('latencyMs.p98')).toBeUndefined();
    expect(runFieldKind('toString')).toBeUndefined();
  });

  it('lists every number and flag of a run, and no string', () => {
    const names = runMetricNames();
    for (const n of ['latencyMs.p99', 'messages.lost', 'requests.perSecond', 'server.rssPeakBytes', 'workers.loadBound', 'path.proxyCpuPercent']) expect(names).toContain(n);
    expect(names).not.toContain('target');
    expect(names).not.toContain('error');
  });
});
