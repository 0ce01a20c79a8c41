/** bench/slo/search.ts: the ladder and the bisection, on fake steps with a known boundary. */
import { describe, expect, it } from 'vitest';
import { midpoint, searchCapacity, type SearchPlan, type StepOutcome } from '../bench/slo/search.ts';

const PLAN: SearchPlan = { ladder: [50, 100, 200, 400, 800, 1600, 3200], resolution: 1.25, maxBisections: 2 };

const pass = (): StepOutcome => ({ p99Ms: 5, lost: 0, loadBound: false, pass: true });
const slow = (): StepOutcome => ({ p99Ms: 250, lost: 0, loadBound: false, pass: false, reason: 'p99 250 ms > 100 ms' });
const saturated = (): StepOutcome => ({ p99Ms: 900, lost: 0, loadBound: true, pass: false, reason: 'load-bound: the load cores (1) were 99% busy' });

/** A fake server that meets the SLO up to `capacity`, and a generator that saturates above `generatorLimit`. */
function fake(capacity: number, generatorLimit = Infinity): { step: (v: number) => Promise<StepOutcome>; tried: number[] } {
  const tried: number[] = [];
  return {
    tried,
    step: async (v) => {
      tried.push(v);
      if (v > generatorLimit) return saturated();
      return v <= capacity ? pass() : slow();
    },
  };
}

describe('searchCapacity', () => {
  it('walks the ladder to the first failure, then bisects geometrically to the resolution', async () => {
    const f = fake(500);
    const out = await searchCapacity(PLAN, f.step);
    // 50…400 pass, 800 fails; √(400·800) = 566 fails, √(400·566) = 476 passes: 566/476 < 1.25.
    expect(f.tried).toEqual([50, 100, 200, 400, 800, 566, 476]);
    expect(out).toMatchObject({ value: 476, upper: 566, bound: 'server' });
    expect(out.reason).toMatch(/566: p99 250 ms > 100 ms/);
    expect(out.steps.map((s) => [s.value, s.pass])).toEqual([[50, true], [100, true], [200, true], [400, true], [800, false], [566, false], [476, true]]);
    // The boundary lies in [value, upper) and within the resolution.
    expect(out.value).toBeLessThanOrEqual(500);
    expect(out.upper as number).toBeGreaterThan(500);
  });

  it('stops bisecting at the resolution before the cap', async () => {
    const f = fake(500);
    const out = await searchCapacity({ ...PLAN, resolution: 2.5 }, f.step);
    expect(f.tried).toEqual([50, 100, 200, 400, 800]);
    expect(out).toMatchObject({ value: 400, upper: 800, bound: 'server' });
  });

  it('stops bisecting at the cap before the resolution', async () => {
    const f = fake(500);
    const out = await searchCapacity({ ...PLAN, resolution: 1.01, maxBisections: 1 }, f.step);
    expect(f.tried).toEqual([50, 100, 200, 400, 800, 566]);
    expect(out).toMatchObject({ value: 400, upper: 566, bound: 'server' });
  });

  it('ends the search at a load-bound step of the ladder: the value is a lower bound, with the reason', async () => {
    const f = fake(10_000, 300);
    const out = await searchCapacity(PLAN, f.step);
    expect(f.tried).toEqual([50, 100, 200, 400]);
    expect(out.bound).toBe('load-generator');
    expect(out.value).toBe(200);
    expect(out.upper).toBe(400);
    expect(out.reason).toMatch(/^a lower bound: the load generator saturated at 400: load-bound: the load cores/);
  });

  it('ends the search at a load-bound step of the bisection too', async () => {
    // 800 fails on the server's side (p99 over the bound), the midpoint 566 is load-bound.
    const tried: number[] = [];
    const out = await searchCapacity(PLAN, async (v) => {
      tried.push(v);
      return v === 800 ? slow() : v === 566 ? saturated() : pass();
    });
    expect(tried).toEqual([50, 100, 200, 400, 800, 566]);
    expect(out).toMatchObject({ value: 400, upper: 566, bound: 'load-generator' });
  });

  it('a load-bound first step leaves 0 as the lower bound, not a not-met', async () => {
    const out = await searchCapacity(PLAN, fake(10_000, 10).step);
    expect(out).toMatchObject({ value: 0, upper: 50, bound: 'load-generator' });
    expect(out.steps).toHaveLength(1);
  });

  it('is not-met when the lowest step fails on the server side, after one step', async () => {
    const f = fake(10);
    const out = await searchCapacity(PLAN, f.step);
    expect(f.tried).toEqual([50]);
    expect(out).toMatchObject({ value: 0, bound: 'not-met', upper: 50 });
    expect(out.reason).toMatch(/^the lowest step failed — 50: p99 250 ms/);
  });

  it('is search-limit when the top of the ladder passes', async () => {
    const f = fake(1e9);
    const out = await searchCapacity(PLAN, f.step);
    expect(f.tried).toEqual(PLAN.ladder);
    expect(out).toMatchObject({ value: 3200, bound: 'search-limit' });
    expect(out.upper).toBeUndefined();
    expect(out.reason).toMatch(/top of the search \(3200\) passed/);
  });

  it('with a design reason it cannot be met, runs one step and says not-met even when that step was load-bound', async () => {
    const f = fake(10_000, 10);
    const out = await searchCapacity(PLAN, f.step, 'short polling every 2000 ms answers p99 ≈ 1980 ms > 100 ms at any load');
    expect(f.tried).toEqual([50]);
    expect(out).toMatchObject({ value: 0, bound: 'not-met', upper: 50 });
    expect(out.reason).toMatch(/^short polling every 2000 ms .* \(measured: load-bound: /);
  });

  it('refuses an empty ladder', async () => {
    await expect(searchCapacity({ ...PLAN, ladder: [] }, fake(1).step)).rejects.toThrow(/ladder/);
  });
});

describe('midpoint', () => {
  it('is the whole geometric mean', () => {
    expect(midpoint(400, 800)).toBe(566);
    expect(midpoint(200, 800)).toBe(400);
    expect(midpoint(1, 2)).toBe(1);
  });
});
