/**
 * scripts/heap-snapshot-summary.ts on real V8 heap snapshots: a child process makes a known
 * number of objects of a class no one else has, writes a snapshot, makes more, writes another;
 * the summary counts them and their holders, and the per-connection diff divides the growth.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { perConnection, summarizeSnapshot } from '../scripts/heap-snapshot-summary.ts';

const dir = mkdtempSync(join(tmpdir(), 'pushlab-snap-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const CHILD = `
const { writeHeapSnapshot } = require('node:v8');
class HeapMarker { constructor(i) { this.i = i; this.tags = new Set(['t' + i]); } }
const kept = [];
for (let i = 0; i < 100; i++) kept.push(new HeapMarker(i));
writeHeapSnapshot(process.argv[1]);
for (let i = 100; i < 1100; i++) kept.push(new HeapMarker(i));
writeHeapSnapshot(process.argv[2]);
`;

describe('summarizeSnapshot / perConnection', () => {
  it('counts objects by constructor, tells a Set by its holder, and divides the growth per added item', () => {
    const a = join(dir, 'a.heapsnapshot');
    const b = join(dir, 'b.heapsnapshot');
    execFileSync(process.execPath, ['-e', CHILD, a, b]);
    const first = summarizeSnapshot(a);
    const second = summarizeSnapshot(b);
    expect(first.get('HeapMarker')?.count).toBe(100);
    expect(second.get('HeapMarker')?.count).toBe(1100);
    // Each marker's Set is a Set object; its table is told by the Set holding it.
    expect(second.get('Set')?.count).toBeGreaterThanOrEqual(1100);
    const rows = perConnection(first, second, 1000);
    const marker = rows.find((r) => r.what === 'HeapMarker');
    expect(marker?.count).toBeCloseTo(1, 5);
    expect(marker?.bytes).toBeGreaterThan(16);
    expect(rows.some((r) => r.what.includes('← Set.table'))).toBe(true);
    // Largest growth first.
    expect(rows.map((r) => r.bytes)).toEqual([...rows.map((r) => r.bytes)].sort((x, y) => y - x));
  });
});
