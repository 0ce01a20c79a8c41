/**
 * Topology names of a scale-out bench, as results.json records them (`runs[i].topology`):
 * `<backplane> · <instances> · <direct|nginx>`. The bench writes them, the report groups and
 * orders its rows by them, so they live beside the schema. The default ladder:
 *
 *   memory · 1 · direct    the plain single process (the reference of every ratio)
 *   redis · 1 · direct     one instance on Redis, no proxy: what the backplane adds
 *   redis · 1 · nginx      one instance on Redis behind nginx: backplane + proxy
 *   redis · N · nginx      N instances behind nginx: scale-out
 *
 * A name is read back leniently: any of `:`, `/`, `-`, `·` or spaces between the three parts.
 */

export interface Topology {
  backplane: 'memory' | 'redis';
  instances: number;
  proxied: boolean;
}

/** A topology name that does not parse; the bench turns it into a usage error for `--topologies`. */
export class TopologyError extends Error {
  override name = 'TopologyError';
}

/** The reference rung: every ratio in the report's Scale-out section is against it. */
export const REFERENCE_TOPOLOGY = 'memory · 1 · direct';

export function topologyName(t: Topology): string {
  return `${t.backplane} · ${t.instances} · ${t.proxied ? 'nginx' : 'direct'}`;
}

/** `redis:2:nginx`, `redis · 2 · nginx`, `memory/1/direct` → a Topology. Throws TopologyError. */
export function parseTopology(raw: string): Topology {
  const parts = raw
    .trim()
    .split(/\s*[:/·\s-]\s*/)
    .filter((p) => p !== '');
  const [backplane, count, proxy] = parts;
  const instances = Number(count);
  const bad = (why: string): TopologyError => new TopologyError(`--topologies: "${raw}" ${why} (write backplane:instances:proxy, e.g. redis:2:nginx)`);
  if (parts.length !== 3) throw bad('needs three parts');
  if (backplane !== 'memory' && backplane !== 'redis') throw bad('has an unknown backplane (memory or redis)');
  if (!Number.isInteger(instances) || instances < 1) throw bad('needs a whole number of instances ≥ 1');
  if (proxy !== 'direct' && proxy !== 'nginx') throw bad('has an unknown proxy (direct or nginx)');
  // The memory backplane cannot share rooms between processes: more than one would split the chat.
  if (backplane === 'memory' && (instances > 1 || proxy === 'nginx')) throw bad('is not a valid setup: the memory backplane means one process, direct');
  return { backplane, instances, proxied: proxy === 'nginx' };
}

/**
 * The default ladder for `--instances N` / `--backplane`. `redis · 1 · direct` separates the
 * backplane's cost from the proxy's; it is in the default ladder because the `default`
 * scenario with it still finishes in about 8 minutes on a 2-core machine (docs/scaling.md).
 */
export function defaultLadder(instances: number): string[] {
  const rungs: Topology[] = [
    { backplane: 'memory', instances: 1, proxied: false },
    { backplane: 'redis', instances: 1, proxied: false },
    { backplane: 'redis', instances: 1, proxied: true },
  ];
  if (instances > 1) rungs.push({ backplane: 'redis', instances, proxied: true });
  return rungs.map(topologyName);
}

/** The rungs a bench runs: undefined for a plain bench (no ladder, no `topology` field). */
export function topologiesOf(options: { instances: number; backplane?: string; topologies?: string[] }): string[] | undefined {
  if (options.topologies !== undefined) return options.topologies;
  if (options.instances > 1 || options.backplane !== undefined) return defaultLadder(options.instances);
  return undefined;
}

/** Order of rungs in tables: memory first, then fewer instances, direct before nginx; unknown names last. */
export function compareTopologies(a: string | undefined, b: string | undefined): number {
  if (a === b) return 0;
  if (a === undefined) return -1;
  if (b === undefined) return 1;
  const rank = (name: string): number => {
    try {
      const t = parseTopology(name);
      return (t.backplane === 'memory' ? 0 : 1) * 1e6 + t.instances * 10 + (t.proxied ? 1 : 0);
    } catch {
      return 1e9;
    }
  };
  return rank(a) - rank(b) || (a < b ? -1 : 1);
}
