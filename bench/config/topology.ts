/**
 * `--topologies`: the flag's parsing, on top of the topology names results.json records
 * (results/topology.ts, where the ladder and the name format live). A bad rung is a usage
 * error (exit 2), like any other bad flag.
 */
import { UsageError } from '../../options/usage-error.ts';
import { parseTopology as parseName, TopologyError, topologyName, type Topology } from '../../results/topology.ts';

export { compareTopologies, defaultLadder, REFERENCE_TOPOLOGY, topologiesOf, topologyName, type Topology } from '../../results/topology.ts';

/** `redis:2:nginx`, `redis · 2 · nginx`, `memory/1/direct` → a Topology. Throws UsageError. */
export function parseTopology(raw: string): Topology {
  try {
    return parseName(raw);
  } catch (error) {
    throw error instanceof TopologyError ? new UsageError(error.message) : error;
  }
}

/** A `--topologies` value (comma-separated) → names, de-duplicated, in the order given. */
export function parseTopologies(raw: string): string[] {
  const list = raw.split(',').filter((s) => s.trim() !== '');
  if (list.length === 0) throw new UsageError('--topologies needs at least one topology, e.g. memory:1:direct,redis:2:nginx');
  return [...new Set(list.map((s) => topologyName(parseTopology(s))))];
}
