/** bench/api.ts: the bench's options as data, without argv. */
import { describe, expect, it } from 'vitest';
import { benchOptions } from '../bench/api.ts';
import { resolveBenchOptions } from '../bench/config/options.ts';
import { UsageError } from '../options/usage-error.ts';

describe('benchOptions', () => {
  it('is the options a command line with the same choices resolves to', () => {
    expect(benchOptions()).toEqual(resolveBenchOptions({}).options);
    expect(benchOptions({ scenario: 'smoke', clients: 5, rooms: 1 })).toEqual(resolveBenchOptions({ scenario: 'smoke', clients: '5', rooms: '1' }).options);
  });

  it('derives the scale-out ladder from the options given', () => {
    expect(benchOptions({ scenario: 'smoke', instances: 2 }).topologies).toEqual(resolveBenchOptions({ scenario: 'smoke', instances: '2' }).options.topologies);
    expect(benchOptions({ scenario: 'smoke' }).topologies).toBeUndefined();
  });

  it('refuses a bad combination with the flag-named message', () => {
    expect(() => benchOptions({ scenario: 'smoke', rooms: 50 })).toThrow(UsageError);
    expect(() => benchOptions({ scenario: 'smoke', rooms: 50 })).toThrow(/--rooms \(50\) cannot exceed --clients \(20\)/);
  });
});
