/**
 * File-level API of the renderer: a results file in, an HTML file out. The commands that call
 * it (`pushlab report`, `pushlab compare`, `pushlab bench`) live in cli/.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { loadChartJs } from './assets.ts';
import { renderComparison } from './compare.ts';
import { readResults } from '../../results/load.ts';
import { renderReport } from './report.ts';

/** Reads results.json, writes `index.html` into outDir (default: next to the results); returns its path. */
export async function writeReport(resultsPath: string, outDir?: string): Promise<string> {
  const results = await readResults(resultsPath);
  const html = renderReport(results, { chartJs: await loadChartJs() });
  const dir = resolve(outDir ?? dirname(resultsPath));
  await mkdir(dir, { recursive: true });
  const file = join(dir, 'index.html');
  await writeFile(file, html, 'utf8');
  return file;
}

/** Reads two results files (a = before, b = after), writes `compare.html` into outDir; returns its path. */
export async function writeComparison(aPath: string, bPath: string, outDir: string): Promise<string> {
  const [a, b] = await Promise.all([readResults(aPath), readResults(bPath)]);
  const html = renderComparison(a, b, { chartJs: await loadChartJs() });
  const dir = resolve(outDir);
  await mkdir(dir, { recursive: true });
  const file = join(dir, 'compare.html');
  await writeFile(file, html, 'utf8');
  return file;
}
