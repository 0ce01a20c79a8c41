/**
 * Before/after figures of the hostile-client suite: runs every case of test/hostile/cases.ts against the
 * `pushlab serve` of any checkout, one fresh child per case, loopback only, and prints one
 * line per case (RSS before → during, descriptors, /health, watcher losses, case figures).
 *
 *   node --import tsx scripts/hostile-figures.ts                          # this checkout
 *   node --import tsx scripts/hostile-figures.ts --bin /tmp/pushlab-before/bin/pushlab.js
 *   node --import tsx scripts/hostile-figures.ts --only "pings"           # cases whose name contains it
 */
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { CASES, runCase } from '../test/hostile/cases.ts';

const { values } = parseArgs({ options: { bin: { type: 'string' }, only: { type: 'string' } } });
const bin = values.bin ?? fileURLToPath(new URL('../bin/pushlab.js', import.meta.url));
const fmt = (n: number): string => (Number.isFinite(n) ? n.toFixed(0) : String(n));

console.log(`bin: ${bin}`);
for (const hostile of CASES) {
  if (values.only !== undefined && !hostile.name.includes(values.only)) continue;
  try {
    const r = await runCase(bin, hostile);
    const lost = r.watch === undefined ? 'n/a' : JSON.stringify({ published: r.watch.published, lost: r.watch.lost, dup: r.watch.duplicated, failed: r.watch.failedPublishes.length });
    console.log(`${r.name}\n  RSS ${fmt(r.rssBeforeMb)} → ${fmt(r.rssAfterMb)} MB (Δ ${fmt(r.rssAfterMb - r.rssBeforeMb)}) · fds ${r.fdBefore} → ${fmt(r.fdAfter)} · /health after ${fmt(r.healthAfterMs)} ms · watcher ${lost}\n  ${JSON.stringify(r.figures)}`);
  } catch (error) {
    console.log(`${hostile.name}\n  failed: ${(error as Error).message}`);
  }
}
