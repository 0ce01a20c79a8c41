/**
 * Pins the charts the report draws (reports/render/charts*.ts): every fixture, alone and as a
 * before/after pair, must give exactly the chart specs pinned in test/fixtures/charts-golden.json
 * (their ids and a SHA-256 of their JSON: the specs themselves are 2 MB). Regenerate the
 * golden file only for an intended change: PUSHLAB_WRITE_GOLDEN=1.
 */
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { BenchResults } from '../results/types.ts';
import { buildCharts } from '../reports/render/charts.ts';

const FIXTURES = ['basic', 'faults', 'peers', 'scaleout', 'sweep'];
const GOLDEN = new URL('./fixtures/charts-golden.json', import.meta.url);
const load = (name: string): BenchResults => JSON.parse(readFileSync(new URL(`./fixtures/results-${name}.json`, import.meta.url), 'utf8')) as BenchResults;

/** Each chart's id and the hash of its JSON (what the page embeds). */
function pin(sections: readonly { id: string }[]): Array<[string, string]> {
  return sections.map((section) => [section.id, createHash('sha256').update(JSON.stringify(section)).digest('hex').slice(0, 16)]);
}

function everyChart(): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const name of FIXTURES) {
    out[name] = pin(buildCharts([{ role: 'only', results: load(name) }]));
    out[`${name}+basic`] = pin(
      buildCharts([
        { role: 'before', results: load('basic') },
        { role: 'after', results: load(name) },
      ]),
    );
  }
  return out;
}

describe('charts', () => {
  it('draws every fixture exactly as the golden file says', () => {
    const charts = everyChart();
    if (process.env.PUSHLAB_WRITE_GOLDEN === '1') writeFileSync(GOLDEN, `${JSON.stringify(charts, null, 1)}\n`);
    const golden = JSON.parse(readFileSync(GOLDEN, 'utf8')) as Record<string, unknown>;
    expect(Object.keys(golden)).toHaveLength(FIXTURES.length * 2);
    expect(charts).toEqual(golden);
  });
});
