/**
 * The scale-out ladder's options: `--instances N` / `--backplane` bring the default ladder,
 * `--topologies` picks rungs in any of the accepted spellings, bad rungs are usage errors, a
 * plain bench has no topologies at all; the sampler follows nginx's workers (its children).
 */
import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../options/usage-error.ts';
import { resolveBenchOptions } from '../bench/config/options.ts';
import { procStat, withDescendants } from '../bench/measure/procfs.ts';
import { compareTopologies, defaultLadder, parseTopologies, parseTopology, topologiesOf } from '../bench/config/topology.ts';

describe('topology ladder', () => {
  it('parses every spelling to one name and rejects impossible setups', () => {
    for (const raw of ['redis:2:nginx', 'redis/2/nginx', 'redis-2-nginx', 'redis · 2 · nginx', ' redis 2 nginx ']) {
      expect(parseTopology(raw), raw).toEqual({ backplane: 'redis', instances: 2, proxied: true });
    }
    expect(parseTopologies('memory:1:direct,redis:1:direct,redis · 1 · direct')).toEqual(['memory · 1 · direct', 'redis · 1 · direct']);
    for (const bad of ['redis:2', 'kafka:1:direct', 'redis:0:nginx', 'redis:2:haproxy', 'memory:2:direct', 'memory:1:nginx']) {
      expect(() => parseTopology(bad), bad).toThrow(UsageError);
    }
  });

  it('gives --instances N the four rungs, --backplane alone three, a plain bench none', () => {
    expect(defaultLadder(3)).toEqual(['memory · 1 · direct', 'redis · 1 · direct', 'redis · 1 · nginx', 'redis · 3 · nginx']);
    expect(resolveBenchOptions({ instances: '2' }).options.topologies).toEqual(defaultLadder(2));
    expect(resolveBenchOptions({ backplane: 'redis://127.0.0.1:6379' }).options.topologies).toEqual(['memory · 1 · direct', 'redis · 1 · direct', 'redis · 1 · nginx']);
    expect(resolveBenchOptions({ instances: '2', topologies: 'memory:1:direct,redis:2:nginx' }).options.topologies).toEqual(['memory · 1 · direct', 'redis · 2 · nginx']);
    const plain = resolveBenchOptions({}).options;
    expect(plain.topologies).toBeUndefined();
    expect(topologiesOf(plain)).toBeUndefined();
    expect(() => resolveBenchOptions({ topologies: 'redis:x:nginx' })).toThrow(UsageError);
  });

  it('orders rungs memory first, then by instances, direct before nginx', () => {
    const names = ['redis · 2 · nginx', 'redis · 1 · nginx', 'memory · 1 · direct', 'redis · 1 · direct'];
    expect([...names].sort(compareTopologies)).toEqual(defaultLadder(2));
  });
});

describe('sampler and child processes', () => {
  it('follows a process to its children, as it must for nginx workers', async () => {
    // A parent that forks a child (like nginx's master its workers): the child must be found.
    const parent = spawn('sh', ['-c', 'sh -c "while :; do :; done" & wait'], { stdio: 'ignore' });
    try {
      const pid = parent.pid as number;
      let all: number[] = [pid];
      for (let i = 0; i < 50 && all.length < 2; i++) {
        await new Promise((r) => setTimeout(r, 20));
        all = withDescendants([pid]);
      }
      expect(all.length).toBe(2);
      expect(all[0]).toBe(pid);
      expect(procStat(all[1] as number)).toBeDefined();
    } finally {
      const children = withDescendants([parent.pid as number]).slice(1);
      for (const c of children) process.kill(c, 'SIGKILL');
      parent.kill('SIGKILL');
    }
  });
});
