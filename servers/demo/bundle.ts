/**
 * The demo's browser bundle: clients/web/app.ts and what it imports (the shared clients and
 * protocol files), built by esbuild in memory on first request and kept for the process's life.
 * `platform: 'browser'` makes esbuild refuse any Node built-in, so nothing Node-only slips in.
 */
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const ENTRY = fileURLToPath(new URL('../../clients/web/app.ts', import.meta.url));

let cached: Promise<string> | undefined;

export function demoBundle(): Promise<string> {
  cached ??= buildBundle().catch((error: unknown) => {
    // Let the next request try again (the source may have been mid-edit).
    cached = undefined;
    throw error;
  });
  return cached;
}

async function buildBundle(): Promise<string> {
  const result = await build({
    entryPoints: [ENTRY],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    write: false,
    minify: false,
    sourcemap: false,
    legalComments: 'none',
    logLevel: 'silent',
  });
  const file = result.outputFiles[0];
  if (file === undefined) throw new Error('esbuild produced no output for clients/web/app.ts');
  return file.text;
}
