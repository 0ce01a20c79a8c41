/**
 * The rendered pages in a real Chromium, opened from file:// with every non-file request
 * aborted: no console or page errors, no network, every canvas drawn, table numbers = JSON.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BenchResults } from '../results/types.ts';
import { loadChartJs } from '../reports/render/assets.ts';
import { renderComparison } from '../reports/render/compare.ts';
import { renderReport } from '../reports/render/report.ts';
import { launchChromium } from './helpers/chromium.ts';
import { expectClean, openOffline, type PageProblems } from './helpers/offline-page.ts';
import { clone, expectCellsMatch, loadFixture } from './fixtures/report-helpers.ts';

interface CanvasState {
  id: string;
  width: number;
  height: number;
  drawnPixels: number;
  datasets: number;
  points: number;
}

let browser: Browser;
let dir = '';
const files: Record<string, string> = {};

function evil(): BenchResults {
  const results = clone(loadFixture('basic'));
  results.environment.hostname = '<script>alert(1)</script>';
  results.warnings.push('</script><img src=x onerror=alert(2)>');
  return results;
}

function perturbed(): BenchResults {
  const b = clone(loadFixture('basic'));
  for (const s of b.summary) if (s.target === 'websocket') s.latencyMs.p99 *= 1.5;
  return b;
}

beforeAll(async () => {
  browser = await launchChromium();
  dir = await mkdtemp(join(tmpdir(), 'pushlab-report-browser-'));
  const chartJs = await loadChartJs();
  const pages: Record<string, string> = {
    basic: renderReport(loadFixture('basic'), { chartJs }),
    sweep: renderReport(loadFixture('sweep'), { chartJs }),
    faults: renderReport(loadFixture('faults'), { chartJs }),
    peers: renderReport(loadFixture('peers'), { chartJs }),
    evil: renderReport(evil(), { chartJs }),
    compare: renderComparison(loadFixture('basic'), perturbed(), { chartJs }),
  };
  for (const [name, html] of Object.entries(pages)) {
    const file = join(dir, `${name}.html`);
    await writeFile(file, html, 'utf8');
    files[name] = pathToFileURL(file).href;
  }
}, 60_000);

afterAll(async () => {
  await browser?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** Opens a page offline: anything not file: is aborted and recorded. */
async function open(name: string): Promise<{ page: Page; problems: PageProblems }> {
  const url = files[name];
  if (!url) throw new Error(`no page ${name}`);
  return openOffline(browser, url);
}

/** Counts non-transparent pixels of every canvas and what Chart.js holds for it. */
async function canvases(page: Page): Promise<CanvasState[]> {
  return page.evaluate(() => {
    type ChartLike = { data: { datasets: { data: unknown[] }[] } };
    const getChart = (window as unknown as { Chart: { getChart(c: HTMLCanvasElement): ChartLike | undefined } }).Chart.getChart;
    return [...document.querySelectorAll('canvas')].map((canvas) => {
      const ctx = canvas.getContext('2d');
      let drawnPixels = 0;
      if (ctx && canvas.width > 0 && canvas.height > 0) {
        const pixels = ctx.getImageData(0, 0, canvas.width, canvas.height).data;
        for (let i = 3; i < pixels.length; i += 4) if ((pixels[i] ?? 0) > 0) drawnPixels++;
      }
      const chart = getChart(canvas);
      const datasets = chart?.data.datasets ?? [];
      return {
        id: canvas.id,
        width: canvas.width,
        height: canvas.height,
        drawnPixels,
        datasets: datasets.length,
        points: datasets.reduce((n, d) => n + d.data.filter((v) => v !== null).length, 0),
      };
    });
  });
}

describe('report in Chromium (file://, network blocked)', () => {
  for (const [name, minCharts] of [
    ['basic', 9],
    ['sweep', 11],
    ['faults', 9],
    // No capacity probe in the peers fixture: its chart is a sentence.
    ['peers', 8],
    ['compare', 9],
  ] as const) {
    it(`${name}: loads without errors or requests and draws every chart`, async () => {
      const { page, problems } = await open(name);
      try {
        const states = await canvases(page);
        expect(states.length).toBeGreaterThanOrEqual(minCharts);
        for (const state of states) {
          expect(state.width, state.id).toBeGreaterThan(100);
          expect(state.height, state.id).toBeGreaterThan(100);
          // Axes alone draw a few thousand pixels; data lines and bars draw many more.
          expect(state.drawnPixels, state.id).toBeGreaterThan(2000);
          expect(state.datasets, state.id).toBeGreaterThan(0);
          expect(state.points, state.id).toBeGreaterThan(0);
        }
        // The download link was turned into a Blob URL holding the embedded JSON.
        const href = await page.getAttribute('a[data-download-json]', 'href');
        expect(href?.startsWith('blob:')).toBe(true);
        expectClean(problems);
      } finally {
        await page.close();
      }
    });
  }

  for (const name of ['basic', 'sweep', 'peers'] as const) {
    it(`${name}: the summary table's numbers are the JSON's`, async () => {
      const results = loadFixture(name);
      const { page, problems } = await open(name);
      try {
        const cells = await page.$$eval('table.summary [data-metric]', (spans) =>
          spans.map((s) => ({
            metric: s.getAttribute('data-metric') ?? '',
            value: Number(s.getAttribute('data-value')),
            scale: Number(s.getAttribute('data-scale') ?? '1'),
            text: s.textContent ?? '',
          })),
        );
        expect(cells.length).toBeGreaterThan(50);
        expectCellsMatch(results, cells);
        // One row per summary entry.
        expect(await page.locator('table.summary tbody tr').count()).toBe(results.summary.length);
        expectClean(problems);
      } finally {
        await page.close();
      }
    });
  }

  it('shows hostile strings as text and runs none of them', async () => {
    const { page, problems } = await open('evil');
    try {
      const hostname = await page.locator('dl.env, table.kv').filter({ hasText: 'hostname' }).first().textContent();
      expect(hostname).toContain('<script>alert(1)</script>');
      expect(await page.locator('img[src="x"]').count()).toBe(0);
      expect((await canvases(page)).length).toBeGreaterThan(0);
      expectClean(problems);
    } finally {
      await page.close();
    }
  });

  it('compare: highlights the regression', async () => {
    const { page, problems } = await open('compare');
    try {
      const cell = page.locator('td[data-compare="websocket:latencyMs.p99"]');
      expect(await cell.getAttribute('class')).toContain('regression');
      expect(await cell.textContent()).toContain('1.5× ▲ worse');
      const background = await cell.evaluate((el) => getComputedStyle(el).backgroundColor);
      expect(background).not.toBe('rgba(0, 0, 0, 0)');
      expectClean(problems);
    } finally {
      await page.close();
    }
  });
});
