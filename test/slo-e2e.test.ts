/**
 * `pushlab bench --slo-search` end to end with real servers: WebSocket, its bare baseline and
 * short polling, tiny windows and one-rung ladders so it stays under a minute on a quiet
 * machine (minutes on a shared, saturated one: hence the long timeout). The figures depend on
 * the machine (a busy one makes steps load-bound), so the test checks what holds on any: every search is consistent with its steps, short polling is
 * not-met after one step, the steps stay out of runs[], the ratio is the two values' quotient.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resultsProblems } from '../results/load.ts';
import { readBenchResults, runCli } from './helpers/bench-cli.ts';
import type { BenchResults, SloCapacity } from '../results/types.ts';


/** What every capacity must say about its own steps, whatever the machine measured. */
function expectConsistent(c: SloCapacity): void {
  const name = `${c.target} ${c.kind}`;
  const last = c.steps.at(-1);
  expect(last, name).toBeDefined();
  const passed = c.steps.filter((s) => s.pass).map((s) => s.value);
  for (const s of c.steps) expect(s.pass, `${name} step ${s.value}`).toBe(!s.loadBound && s.lost === 0 && s.p99Ms <= c.sloP99Ms && s.reason === undefined);
  if (c.bound === 'search-limit') expect(c.steps.every((s) => s.pass), name).toBe(true);
  if (c.bound === 'load-generator') expect(last?.loadBound, name).toBe(true);
  if (c.bound === 'not-met') expect(c.value, name).toBe(0);
  if (c.bound !== 'not-met') expect(c.value, name).toBe(passed.length === 0 ? 0 : Math.max(...passed));
}

describe('pushlab bench --slo-search end to end', () => {
  let dir: string;
  let results: BenchResults;
  let cli: { code: number | null; stdout: string; stderr: string };
  const find = (target: string, kind: SloCapacity['kind']): SloCapacity => {
    const c = results.slo?.capacities.find((x) => x.target === target && x.kind === kind);
    if (c === undefined) throw new Error(`no ${kind} capacity for ${target}`);
    return c;
  };

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'pushlab-slo-'));
    cli = await runCli([
      'bench', '--transports', 'websocket,short-polling', '--baselines', '--peers', 'none', '--repeat', '1',
      '--clients', '4', '--rooms', '1', '--senders', '1', '--rate', '10', '--duration', '1s', '--warmup', '500ms', '--idle', '0',
      '--no-capacity', '--slo-search', '--slo-window', '1s', '--slo-rates', '20', '--slo-clients', '20', '--out', dir,
    ], 480_000);
    results = await readBenchResults(dir, cli);
  }, 490_000);

  afterAll(async () => {
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  });

  it('stores results.slo (schema-valid) with a rate and an idle capacity per target, the steps kept out of runs[]', () => {
    expect(resultsProblems(results)).toEqual([]);
    // 1 only when one of the bench's own runs failed (a saturated machine), never for the search.
    expect([0, 1, 99]).toContain(cli.code);
    if (cli.code === 1) expect(results.ok, cli.stderr.slice(-2000)).toBe(false);
    expect(results.slo).toMatchObject({ p99Ms: 100, windowMs: 1000 });
    expect(results.slo?.elapsedMs).toBeGreaterThan(0);
    const keys = results.slo?.capacities.map((c) => `${c.target}/${c.kind}`).sort();
    expect(keys).toEqual(['baseline-ws/idle-connections', 'baseline-ws/rate', 'short-polling/idle-connections', 'short-polling/rate', 'websocket/idle-connections', 'websocket/rate']);
    expect(results.runs.map((r) => r.target).sort()).toEqual(['baseline-ws', 'short-polling', 'websocket']);
  });

  it('every search agrees with its steps; one-rung ladders take one step each', () => {
    for (const c of results.slo?.capacities ?? []) {
      expectConsistent(c);
      expect(c.steps.map((s) => s.value), `${c.target} ${c.kind}`).toEqual([c.kind === 'rate' ? 20 : 20]);
    }
  });

  it('short polling at a 2 s interval is not-met after one step, saying why', () => {
    for (const kind of ['rate', 'idle-connections'] as const) {
      const c = find('short-polling', kind);
      expect(c).toMatchObject({ bound: 'not-met', value: 0 });
      expect(c.steps).toHaveLength(1);
      expect(c.reason).toMatch(/every 2000 ms answers p99 ≈ 0\.99 × interval = 1980 ms > 100 ms at any load/);
    }
  });

  it('WebSocket carries its ratio to the bare ws baseline when the baseline found a value', () => {
    for (const kind of ['rate', 'idle-connections'] as const) {
      const ws = find('websocket', kind);
      const base = find('baseline-ws', kind);
      // No ratio from a baseline of 0, nor from a WebSocket 0 that is only a load-generator lower bound.
      const lowerBoundZero = ws.value <= 0 && ws.bound === 'load-generator';
      if (base.value > 0 && !lowerBoundZero) expect(ws.ratioToBaseline).toBeCloseTo(ws.value / base.value, 3);
      else expect(ws.ratioToBaseline).toBeUndefined();
    }
  });

  it('prints the SLO table after the bench\'s, and the steps as progress on stderr', () => {
    expect(cli.stdout).toMatch(/Capacity under the SLO p99 ≤ 100 ms, zero loss, not load-bound \(6 steps, \d+ s\):/);
    expect(cli.stdout.indexOf('Capacity under the SLO')).toBeGreaterThan(cli.stdout.indexOf('baseline-ws'));
    expect(cli.stderr).toMatch(/slo search 1\/6 websocket rate 20 msg\/s \(step 1\)/);
    expect(cli.stderr).toMatch(/slo search \d\/6 short-polling idle-connections 20 clients \(step 1\) · done · fail/);
  });
});
