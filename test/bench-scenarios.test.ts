/** bench/config/scenarios.ts: each default declared once — a preset states only what it changes from the option table. */
import { isDeepStrictEqual } from 'node:util';
import { describe, expect, it } from 'vitest';
import { baseOptions, resolveBenchOptions } from '../bench/config/options.ts';
import { SCENARIOS, type Preset } from '../bench/config/scenarios.ts';

/** The keys of a preset that repeat the table's default (a second declaration of it). */
function repeatedDefaults(preset: Preset): string[] {
  const base = baseOptions() as Record<string, unknown>;
  return Object.entries(preset).filter(([key, value]) => isDeepStrictEqual(base[key], value)).map(([key]) => key);
}

describe('scenario presets', () => {
  it('repeat no default of the option table', () => {
    for (const [name, { preset }] of Object.entries(SCENARIOS)) expect(repeatedDefaults(preset), name).toEqual([]);
  });

  it('the check fires on a preset that repeats a default', () => {
    expect(repeatedDefaults({ clients: baseOptions().clients, rate: 7, peers: [] })).toEqual(['clients', 'peers']);
  });

  it('the default scenario runs 10 s windows × 3 repetitions with baselines and both peers', () => {
    const { options } = resolveBenchOptions({});
    expect([options.durationMs, options.repeat, options.baselines, options.peers]).toEqual([10_000, 3, true, ['socketio', 'socketio-polling']]);
    expect([options.pollIntervalMs, options.holdMs, options.clients, options.rate]).toEqual([2000, 20_000, 100, 100]);
  });
});
