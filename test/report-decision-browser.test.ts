/**
 * The decision map in a real Chromium (playwright-core, /usr/bin/chromium, headless), opened from
 * file:// with every other request aborted and recorded: the report opens with "Which one should
 * I use?", every heatmap figure is the number results.json holds (recomputed here from the JSON,
 * not by the renderer's code), load-bound cells are marked, and the page makes no request.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BenchResults, RunResult } from '../results/types.ts';
import { loadChartJs } from '../reports/render/assets.ts';
import { renderComparison } from '../reports/render/compare.ts';
import { renderReport } from '../reports/render/report.ts';
import { launchChromium } from './helpers/chromium.ts';
import { expectClean, openOffline } from './helpers/offline-page.ts';
import { clone, closeEnough, loadMapFixture, parseShown } from './fixtures/report-helpers.ts';

let browser: Browser;
let dir = '';
const urls: Record<string, string> = {};
const results = loadMapFixture();
const TRANSPORTS = new Set(['short-polling', 'long-polling', 'websocket', 'sse']);

beforeAll(async () => {
  browser = await launchChromium();
  dir = await mkdtemp(join(tmpdir(), 'pushlab-decision-browser-'));
  const chartJs = await loadChartJs();
  const after = clone(results);
  for (const r of after.runs) if (r.target === 'sse') r.bytes.out *= 1.5;
  for (const [name, html] of Object.entries({ report: renderReport(results, { chartJs }), compare: renderComparison(results, after, { chartJs }) })) {
    const file = join(dir, `${name}.html`);
    await writeFile(file, html, 'utf8');
    urls[name] = pathToFileURL(file).href;
  }
}, 60_000);

afterAll(async () => {
  await browser?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

async function open(name: string) {
  return openOffline(browser, urls[name] as string, { width: 1400, height: 1000 });
}

function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

/** What results.json says a heatmap figure is: summary fields, or per-second medians over the cell's runs. */
function expected(metric: string, cell: string, target: string): number | undefined {
  const row = results.summary.find((s) => s.target === target && s.sweepValue === cell && s.topology === undefined);
  const runs = results.runs.filter((r) => r.target === target && r.workload?.cell === cell && r.error === undefined);
  const perSecond = (f: (r: RunResult) => number): number => median(runs.map((r) => f(r) / r.durationSeconds));
  switch (metric) {
    case 'p99':
      return row !== undefined && row.latencyMs.count > 0 ? row.latencyMs.p99 : undefined;
    case 'requests':
      return row?.requestsPerSecond.median;
    case 'cpu':
      return perSecond((r) => r.server.cpuSeconds);
    case 'bandwidth':
      return perSecond((r) => r.bytes.in + r.bytes.out);
    default:
      return undefined;
  }
}

/** Every figure the JSON has for the map: (metric, cell, transport). */
function expectedKeys(r: BenchResults): string[] {
  const keys: string[] = [];
  for (const metric of ['p99', 'cpu', 'requests', 'bandwidth']) {
    for (const cell of r.map?.cells ?? []) {
      for (const target of TRANSPORTS) if (expected(metric, cell.id, target) !== undefined) keys.push(`${metric}|${cell.id}|${target}`);
    }
  }
  return keys.sort();
}

describe('decision map in Chromium (file://, network blocked)', () => {
  it('opens the report, shows every heatmap figure as results.json holds it, and makes no request', async () => {
    const { page, problems } = await open('report');
    try {
      // First section of the page, and first heading.
      const first = await page.$eval('main section', (s) => ({ decision: s.getAttribute('data-decision'), heading: s.querySelector('h2')?.textContent }));
      expect(first).toEqual({ decision: 'true', heading: 'Which one should I use?' });
      expect(await page.$eval('main h2', (h) => h.textContent)).toBe('Which one should I use?');
      expect(await page.locator('section.decision table.heatmap').count()).toBe(4);

      const figures = await page.$$eval('section.decision .map-value', (spans) =>
        spans.map((s) => ({
          metric: s.getAttribute('data-map-metric') ?? '',
          cell: s.getAttribute('data-map-cell') ?? '',
          target: s.getAttribute('data-map-target') ?? '',
          value: Number(s.getAttribute('data-map-value')),
          scale: Number(s.getAttribute('data-map-scale')),
          text: s.textContent ?? '',
          visible: (s as HTMLElement).offsetParent !== null,
        })),
      );
      // Exactly one figure per (metric, cell, transport) the JSON has, no more, no fewer.
      expect(figures.map((f) => `${f.metric}|${f.cell}|${f.target}`).sort()).toEqual(expectedKeys(results));
      for (const f of figures) {
        const want = expected(f.metric, f.cell, f.target);
        expect(f.value, `${f.metric} ${f.cell} ${f.target}`).toBe(want);
        expect(closeEnough(parseShown(f.text.replace(/ms|%|\/s|kbit/g, '')), f.value * f.scale), `${f.metric} ${f.cell} ${f.target} shows ${f.text}`).toBe(true);
        expect(f.visible).toBe(true);
      }

      // Load-bound cells are marked, and a cell's colour is its winner's (grey when none).
      const cells = await page.$$eval('section.decision td.map-cell', (tds) =>
        tds.map((td) => ({ cell: td.getAttribute('data-map-cell'), lb: td.getAttribute('data-load-bound'), winner: td.getAttribute('data-map-winner'), bg: getComputedStyle(td).backgroundColor, text: td.textContent ?? '' })),
      );
      expect(cells).toHaveLength(4 * 15);
      const boundCells = new Set(results.runs.filter((r) => r.workers.loadBound).map((r) => r.workload?.cell));
      for (const c of cells) {
        expect(c.lb === 'true', String(c.cell)).toBe(boundCells.has(c.cell ?? ''));
        if (c.lb === 'true') expect(c.text).toContain('load-bound');
        expect(c.bg).not.toBe('rgba(0, 0, 0, 0)');
      }
      expect(cells.some((c) => c.winner !== '')).toBe(true);
      expect(cells.some((c) => c.winner === '' && c.text.includes('within the spread'))).toBe(true);

      expect(problems.requests.length).toBeGreaterThan(0);
      expect(problems.requests.filter((u) => !/^(file|blob|data):/.test(u))).toEqual([]);
      expectClean(problems);
    } finally {
      await page.close();
    }
  });

  it('compare: the cells side by side, the changed figure red, offline', async () => {
    const { page, problems } = await open('compare');
    try {
      const row = page.locator('li[data-map-compare="c1000-r10s:sse:bandwidth"]');
      expect(await row.getAttribute('class')).toBe('regression');
      expect(await row.evaluate((el) => getComputedStyle(el).color)).not.toBe(await page.locator('body').evaluate((el) => getComputedStyle(el).color));
      expect(await page.locator('section[aria-labelledby="decision-compare-h"] table.heatmap').count()).toBe(4);
      expectClean(problems);
    } finally {
      await page.close();
    }
  });
});
