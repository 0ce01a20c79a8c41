/** results/topology.ts: the names results.json records for scale-out rungs, read back leniently, ordered for tables. */
import { describe, expect, it } from 'vitest';
import { compareTopologies, defaultLadder, parseTopology, REFERENCE_TOPOLOGY, topologiesOf, topologyName, TopologyError } from '../results/topology.ts';

describe('results/topology', () => {
  it('names and reads back a rung in any of the accepted spellings', () => {
    expect(topologyName({ backplane: 'redis', instances: 2, proxied: true })).toBe('redis · 2 · nginx');
    for (const raw of ['redis:2:nginx', 'redis · 2 · nginx', 'redis/2/nginx', ' redis-2-nginx ']) expect(parseTopology(raw)).toEqual({ backplane: 'redis', instances: 2, proxied: true });
    expect(parseTopology(REFERENCE_TOPOLOGY)).toEqual({ backplane: 'memory', instances: 1, proxied: false });
  });

  it('refuses a bad rung with a TopologyError that says how to write one (no CLI types needed)', () => {
    for (const bad of ['redis:2', 'disk:1:direct', 'redis:0:nginx', 'redis:1:haproxy', 'memory:2:direct']) {
      expect(() => parseTopology(bad), bad).toThrow(TopologyError);
    }
    expect(() => parseTopology('memory:1:nginx')).toThrow(/memory backplane means one process, direct/);
  });

  it('has the default ladder, only for scale-out benches, and orders rungs memory first, unknown last', () => {
    expect(defaultLadder(3)).toEqual(['memory · 1 · direct', 'redis · 1 · direct', 'redis · 1 · nginx', 'redis · 3 · nginx']);
    expect(topologiesOf({ instances: 1 })).toBeUndefined();
    expect(topologiesOf({ instances: 1, backplane: 'redis' })).toEqual(defaultLadder(1));
    const names = ['weird', 'redis · 2 · nginx', 'redis · 1 · nginx', REFERENCE_TOPOLOGY, 'redis · 1 · direct'];
    expect([...names].sort(compareTopologies)).toEqual([REFERENCE_TOPOLOGY, 'redis · 1 · direct', 'redis · 1 · nginx', 'redis · 2 · nginx', 'weird']);
    expect(compareTopologies(undefined, 'redis · 1 · nginx')).toBeLessThan(0);
  });
});
