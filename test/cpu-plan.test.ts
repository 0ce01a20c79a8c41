import { describe, expect, it } from 'vitest';
import { allowedCpus, cpuPlan, formatCpuList, planCpus } from '../bench/harness/cpu-plan.ts';
import { parseCpuList } from '../bench/measure/load-cores.ts';

describe('cpu plan: the server on one core, the load workers on every other', () => {
  it('spreads the load over every allowed core but the server\'s', () => {
    expect(planCpus([0, 1], true)).toEqual({ server: '0', load: '1' });
    expect(planCpus([0, 1, 2, 3, 4, 5, 6, 7], true)).toEqual({ server: '0', load: '1-7' });
    // A container or an outer taskset that allows 4-7 and 10: never a core outside it.
    expect(planCpus([10, 4, 5, 6, 7], true)).toEqual({ server: '4', load: '5-7,10' });
  });

  it('pins nothing on one core or without taskset', () => {
    expect(planCpus([3], true)).toEqual({});
    expect(planCpus([0, 1, 2, 3], false)).toEqual({});
  });

  it('formats runs as ranges, and round-trips with parseCpuList', () => {
    expect(formatCpuList([1, 2, 3, 5, 7, 8])).toBe('1-3,5,7-8');
    expect(formatCpuList([2])).toBe('2');
    expect(formatCpuList([3, 1, 2, 2])).toBe('1-3');
    expect(parseCpuList(formatCpuList([0, 2, 3, 4, 9]))).toEqual([0, 2, 3, 4, 9]);
  });

  it('reads the allowed cores from /proc/self/status text, else counts them', () => {
    expect(allowedCpus('Name:\tnode\nCpus_allowed:\tf0\nCpus_allowed_list:\t4-7\n', 2)).toEqual([4, 5, 6, 7]);
    expect(allowedCpus('', 3)).toEqual([0, 1, 2]);
    expect(allowedCpus('Name:\tnode\n', 2)).toEqual([0, 1]);
  });

  it('on this machine: the load list leaves out exactly the server core', () => {
    const plan = cpuPlan();
    if (plan.server === undefined) return expect(plan.load).toBeUndefined();
    const load = parseCpuList(plan.load ?? '');
    expect(load).not.toContain(Number(plan.server));
    expect([Number(plan.server), ...load].sort((a, b) => a - b)).toEqual(allowedCpus());
  });
});
