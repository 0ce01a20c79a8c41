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
  return writeHtml(outDir ?? dirname(resultsPath), 'index.html', renderReport(results, { chartJs: await loadChartJs() }));
}

/** Reads two results files (a = before, b = after), writes `compare.html` into outDir; returns its path. */
export async function writeComparison(aPath: string, bPath: string, outDir: string): Promise<string> {
  const [a, b] = await Promise.all([readResults(aPath), readResults(bPath)]);
  return writeHtml(outDir, 'compare.html', renderComparison(a, b, { chartJs: await loadChartJs() }));
}

/** Writes one page into dir (made if missing); returns the file's absolute path. */
export async function writeHtml(dir: string, name: string, html: string): Promise<string> {
  const file = join(resolve(dir), name);
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, html, 'utf8');
  return file;
}
