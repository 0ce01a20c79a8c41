/** Thresholds: parsing (paths checked against the run's shape, units), merging repetitions, the default gates. */
import { describe, expect, it } from 'vitest';
import { UsageError } from '../options/usage-error.ts';
import { DEFAULT_THRESHOLDS, describeThreshold, evaluateThresholds, parseThreshold, thresholdsFor } from '../bench/config/thresholds.ts';
import { clone, loadFixture } from './fixtures/report-helpers.ts';

describe('parseThreshold', () => {
  it('reads [target:]metric op value[unit] into the metric\'s own unit', () => {
    expect(parseThreshold('websocket:latencyMs.p99<50')).toMatchObject({ target: 'websocket', metric: 'latencyMs.p99', op: '<', limit: 50 });
    expect(parseThreshold('latencyMs.p99 <= 1.5s')).toMatchObject({ target: undefined, op: '<=', limit: 1500 });
    expect(parseThreshold('latencyMs.p50<800us').limit).toBeCloseTo(0.8);
    expect(parseThreshold('server.rssPeakBytes<64MiB').limit).toBe(64 * 1048576);
    expect(parseThreshold('server.cpuSecondsPer1kDelivered<200ms').limit).toBeCloseTo(0.2);
    expect(parseThreshold('messages.lost==0')).toMatchObject({ op: '==', limit: 0 });
    expect(parseThreshold('requests.perSecond>=600')).toMatchObject({ op: '>=', limit: 600 });
    expect(parseThreshold('baseline-ws:workers.loadBound!=true')).toMatchObject({ target: 'baseline-ws', op: '!=', limit: true });
  });

  it('refuses what cannot be checked, before the bench starts, naming the problem', () => {
    const refused = (e: string): string => {
      try {
        parseThreshold(e);
      } catch (error) {
        expect(error).toBeInstanceOf(UsageError);
        return (error as Error).message;
      }
      throw new Error(`accepted ${e}`);
    };
    expect(refused('latencyMs.p98<5')).toMatch(/"latencyMs\.p98" is not a number or flag of a run/);
    expect(refused('latency<5')).toMatch(/not a number or flag/);
    expect(refused('latencyMs.p99 ~ 5')).toMatch(/expected \[target:\]metric op value/);
    expect(refused('latencyMs.p99<fast')).toMatch(/not a number with an optional unit/);
    expect(refused('messages.lost<5ms')).toMatch(/unit "ms" does not fit messages\.lost/);
    expect(refused('latencyMs.p99<5MiB')).toMatch(/unit "MiB" does not fit/);
    expect(refused('workers.loadBound<1')).toMatch(/true or false/);
    expect(refused('workers.loadBound==maybe')).toMatch(/true or false/);
  });

  it('the default gates are loss, unanswered, negative latency and load-bound; --no-default-thresholds drops them', () => {
    expect(DEFAULT_THRESHOLDS).toEqual(['messages.lost==0', 'messages.unanswered==0', 'messages.negativeLatency==0', 'workers.loadBound==false']);
    expect(thresholdsFor(['messages.lost==0']).map((t) => t.source)).toEqual(['default', 'default', 'default', 'default', 'user']);
    expect(thresholdsFor(['messages.lost==0'], false).map((t) => t.source)).toEqual(['user']);
  });

  it('--allow-loss drops just the loss and unanswered gates, --allow-load-bound just the load-bound one', () => {
    expect(thresholdsFor([], true, { loss: true }).map((t) => t.expression)).toEqual(['messages.negativeLatency==0', 'workers.loadBound==false']);
    expect(thresholdsFor([], true, { loadBound: true }).map((t) => t.expression)).toEqual(['messages.lost==0', 'messages.unanswered==0', 'messages.negativeLatency==0']);
    // A user threshold on the same metric stays.
    expect(thresholdsFor(['messages.lost<5'], true, { loss: true }).map((t) => t.expression)).toContain('messages.lost<5');
  });
});

describe('evaluateThresholds', () => {
  const results = loadFixture('basic');

  it('checks every target separately; a target prefix checks only that one', () => {
    const all = evaluateThresholds(results, thresholdsFor(['latencyMs.p99<100000'], false));
    expect(all.map((r) => r.target).sort()).toEqual([...new Set(results.runs.map((r) => r.target))].sort());
    const one = evaluateThresholds(results, thresholdsFor(['websocket:latencyMs.p99<100000'], false));
    expect(one.map((r) => r.target)).toEqual(['websocket']);
  });

  it('latency from the merged histogram, counts summed, anything else the worst repetition', () => {
    const [p99] = evaluateThresholds(results, thresholdsFor(['websocket:latencyMs.p99<100000'], false));
    const summary = results.summary.find((s) => s.target === 'websocket');
    expect(p99).toMatchObject({ merge: 'histogram', actual: summary?.latencyMs.p99, ok: true });
    // long-polling lost 3 in its second repetition: the default loss gate fails there, with the sum.
    const gates = evaluateThresholds(results, thresholdsFor([]));
    const loss = gates.find((g) => g.target === 'long-polling' && g.metric === 'messages.lost');
    expect(loss).toMatchObject({ ok: false, actual: 3, merge: 'sum', source: 'default' });
    expect(gates.filter((g) => !g.ok)).toHaveLength(1);
    const runs = results.runs.filter((r) => r.target === 'short-polling');
    const [rps] = evaluateThresholds(results, thresholdsFor(['short-polling:requests.perSecond<1000000'], false));
    expect(rps?.actual).toBe(Math.max(...runs.map((r) => r.requests.perSecond)));
    const [floor] = evaluateThresholds(results, thresholdsFor(['short-polling:requests.perSecond>0'], false));
    expect(floor?.actual).toBe(Math.min(...runs.map((r) => r.requests.perSecond)));
  });

  it('a failing threshold names the value met; a load-bound run fails the default gate', () => {
    const loaded = clone(results);
    (loaded.runs[4] as (typeof loaded.runs)[number]).workers.loadBound = true;
    const failed = evaluateThresholds(loaded, thresholdsFor(['websocket:latencyMs.p99<0.001'])).filter((r) => !r.ok);
    expect(failed.map((f) => `${f.target} ${f.metric}`).sort()).toEqual(['long-polling messages.lost', 'websocket latencyMs.p99', 'websocket workers.loadBound']);
    const line = describeThreshold(failed.find((f) => f.metric === 'latencyMs.p99') as (typeof failed)[number]);
    expect(line).toMatch(/^FAIL websocket: latencyMs\.p99 < 0\.001 ms — [\d.]+ ms/);
  });

  it('a target with no completed run (could not start) fails every threshold on it: not measured', () => {
    const broken = clone(results);
    for (const r of broken.runs) if (r.target === 'websocket') r.error = 'could not start: port in use';
    const [r] = evaluateThresholds(broken, thresholdsFor(['websocket:messages.lost==0'], false));
    expect(r).toMatchObject({ ok: false, actual: null });
    expect(r?.note).toMatch(/not measured: could not start/);
    const [missing] = evaluateThresholds(broken, thresholdsFor(['peer-socketio:messages.lost==0'], false));
    expect(missing).toMatchObject({ ok: false, note: 'no run of peer-socketio to check' });
  });
});
