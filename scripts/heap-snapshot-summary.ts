/**
 * A V8 heap snapshot (.heapsnapshot JSON) summed by what each object is: objects by their
 * constructor's name, everything else (strings, arrays, hash tables, contexts, closures) by
 * its type and the property of the first object found holding it (`array:(object elements)
 * ← Map.table`), so a per-connection diff says whose Map, Set or closure the bytes are.
 * Shallow sizes only: retained sizes need a dominator tree, and a diff of shallow sums already
 * adds up to the heap's growth. Used by scripts/heap-per-connection.ts.
 */
import { readFileSync } from 'node:fs';

export interface Tally {
  count: number;
  bytes: number;
}

interface Snapshot {
  snapshot: { meta: { node_fields: string[]; node_types: [string[], ...unknown[]]; edge_fields: string[]; edge_types: [string[], ...unknown[]] } };
  nodes: number[];
  edges: number[];
  strings: string[];
}

/** Objects whose constructor name alone says little: they are told by their holder too. */
const GENERIC = new Set(['Object', 'Array', 'system / Context', '']);

export function summarizeSnapshot(path: string): Map<string, Tally> {
  const s = JSON.parse(readFileSync(path, 'utf8')) as Snapshot;
  const { node_fields: nf, node_types: nt, edge_fields: ef, edge_types: et } = s.snapshot.meta;
  const N = nf.length;
  const E = ef.length;
  const [nType, nName, nSize, nEdges] = ['type', 'name', 'self_size', 'edge_count'].map((f) => nf.indexOf(f)) as [number, number, number, number];
  const [eType, eName, eTo] = ['type', 'name_or_index', 'to_node'].map((f) => ef.indexOf(f)) as [number, number, number];
  const nodeTypes = nt[0];
  const edgeTypes = et[0];
  const count = s.nodes.length / N;
  const label = (i: number): string => {
    const type = nodeTypes[s.nodes[i * N + nType] as number] as string;
    const name = (s.strings[s.nodes[i * N + nName] as number] ?? '').slice(0, 48);
    if (type === 'string' || type === 'concatenated string' || type === 'sliced string' || type === 'number') return type;
    return type === 'object' ? name : `${type}:${name}`;
  };
  // The first strong holder of each node, and the edge it holds it by.
  const owner = new Int32Array(count).fill(-1);
  const ownerEdge: string[] = new Array<string>(count);
  let edge = 0;
  for (let i = 0; i < count; i++) {
    const edges = s.nodes[i * N + nEdges] as number;
    for (let k = 0; k < edges; k++, edge += E) {
      const type = edgeTypes[s.edges[edge + eType] as number];
      if (type === 'weak' || type === 'shortcut') continue;
      const to = (s.edges[edge + eTo] as number) / N;
      if (owner[to] !== -1) continue;
      owner[to] = i;
      const name = s.edges[edge + eName] as number;
      ownerEdge[to] = type === 'element' || type === 'hidden' ? '[]' : String(s.strings[name] ?? name).slice(0, 32);
    }
  }
  const tallies = new Map<string, Tally>();
  for (let i = 0; i < count; i++) {
    const type = nodeTypes[s.nodes[i * N + nType] as number] as string;
    const own = label(i);
    const by = owner[i] as number;
    let told = type === 'object' && !GENERIC.has(own) ? own : by < 0 ? own : `${own} ← ${label(by)}.${ownerEdge[i] ?? ''}`;
    // A generic holder (an array, a plain object, a hash table) says little: name its own holder too.
    const byBy = by < 0 ? -1 : (owner[by] as number);
    if (told !== own && byBy >= 0 && isGeneric(nodeTypes[s.nodes[by * N + nType] as number] as string, label(by))) told += ` ← ${label(byBy)}.${ownerEdge[by] ?? ''}`;
    const tally = tallies.get(told) ?? { count: 0, bytes: 0 };
    tally.count++;
    tally.bytes += s.nodes[i * N + nSize] as number;
    tallies.set(told, tally);
  }
  return tallies;
}

function isGeneric(type: string, label: string): boolean {
  return type === 'array' || type === 'hidden' || (type === 'object' && GENERIC.has(label));
}

/** (later − earlier) per added connection, largest growth first; rows under `minBytes` each are left out. */
export function perConnection(earlier: Map<string, Tally>, later: Map<string, Tally>, added: number, minBytes = 4): { what: string; count: number; bytes: number }[] {
  const rows: { what: string; count: number; bytes: number }[] = [];
  for (const [what, t] of later) {
    const before = earlier.get(what) ?? { count: 0, bytes: 0 };
    const bytes = (t.bytes - before.bytes) / added;
    if (Math.abs(bytes) >= minBytes) rows.push({ what, count: (t.count - before.count) / added, bytes });
  }
  return rows.sort((a, b) => b.bytes - a.bytes);
}
