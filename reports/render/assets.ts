/**
 * Static assets inlined into reports. Only Chart.js for now: its UMD bundle defines the global
 * `Chart` the page's runtime uses, and inlining it keeps reports working from file:// offline.
 */
import { existsSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join, parse } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Resolves chart.js's entry file, whatever the loader (Node, tsx, vitest) offers. */
function chartJsEntry(): string {
  // `import.meta.resolve` is synchronous in Node ≥ 20.6; some test runners do not provide it.
  const resolve = (import.meta as { resolve?: (specifier: string) => string }).resolve;
  if (typeof resolve === 'function') {
    try {
      return fileURLToPath(resolve('chart.js'));
    } catch {
      // fall through to require.resolve
    }
  }
  return createRequire(import.meta.url).resolve('chart.js');
}

/**
 * The package directory: walk up from the entry (which lives in `dist/`) to the package.json
 * that names chart.js, instead of assuming how deep the entry sits.
 */
export function chartJsPackageDir(): string {
  let dir = dirname(chartJsEntry());
  const { root } = parse(dir);
  while (dir !== root) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest)) {
      const { name } = JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string };
      if (name === 'chart.js') return dir;
    }
    dir = dirname(dir);
  }
  throw new Error('chart.js package.json not found above its entry; is chart.js installed?');
}

/** Text of chart.js's `dist/chart.umd.min.js` (~200 KB), to pass as `renderReport(…, { chartJs })`. */
export async function loadChartJs(): Promise<string> {
  const file = join(chartJsPackageDir(), 'dist', 'chart.umd.min.js');
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    throw new Error(`cannot read Chart.js bundle at ${file}: ${(error as Error).message}`);
  }
}
