/**
 * The module boundaries, checked on the source: results/ (the schema both sides share) and
 * reports/ (the pure renderer) import nothing from the harness, the CLI or the servers.
 * Every static, type-only, re-export and dynamic import is scanned.
 */
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** Folder → the top-level folders its files must not import from. */
const RULES: Record<string, readonly string[]> = {
  results: ['bench', 'cli', 'servers', 'reports', 'clients'],
  reports: ['bench', 'cli', 'servers'],
  // The cost model (fit, cross-validation, projection) is pure: the bench, `pushlab project` and the report all read it.
  model: ['bench', 'cli', 'servers', 'reports', 'clients'],
};

const SPECIFIER = /(?:\bfrom\s*|\bimport\s*\(\s*|^\s*import\s+)['"]([^'"]+)['"]/gm;

async function sourceFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  const nested = await Promise.all(entries.map(async (e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return e.name === 'node_modules' ? [] : sourceFiles(path);
    return /\.(ts|js|mjs)$/.test(e.name) ? [path] : [];
  }));
  return nested.flat();
}

/** Every import of a forbidden folder under `root`, as `file → specifier`. */
async function forbiddenImports(root: string, rules: Record<string, readonly string[]> = RULES, exempt: ReadonlySet<string> = new Set()): Promise<string[]> {
  const found: string[] = [];
  for (const [folder, forbidden] of Object.entries(rules)) {
    for (const file of await sourceFiles(join(root, folder))) {
      const name = relative(root, file).split(sep).join('/');
      if (exempt.has(name)) continue;
      const text = await readFile(file, 'utf8');
      for (const match of text.matchAll(SPECIFIER)) {
        const specifier = match[1] ?? '';
        if (!specifier.startsWith('.')) continue; // packages and node: builtins
        const top = relative(root, resolve(dirname(file), specifier)).split(sep)[0] ?? '';
        if (forbidden.includes(top)) found.push(`${name} → ${specifier}`);
      }
    }
  }
  return found;
}

describe('import boundaries', () => {
  it('fire on a forbidden import of every form (static, type-only, multi-line, re-export, dynamic)', async () => {
    const root = await mkdtemp(join(tmpdir(), 'pushlab-boundaries-'));
    try {
      await mkdir(join(root, 'reports', 'render'), { recursive: true });
      await mkdir(join(root, 'results'), { recursive: true });
      await writeFile(join(root, 'reports', 'render', 'a.ts'), [
        "import type { X } from '../../bench/results.ts';",
        "import {\n  y,\n} from '../../cli/args.ts';",
        "import { ok } from '../../results/types.ts';",
        "import { readFile } from 'node:fs';",
      ].join('\n'));
      await writeFile(join(root, 'results', 'b.ts'), "export { z } from '../servers/server.ts';\nconst m = await import('../reports/render/a.ts');\nimport '../bench/side-effect.ts';\n");
      expect((await forbiddenImports(root)).sort()).toEqual([
        'reports/render/a.ts → ../../bench/results.ts',
        'reports/render/a.ts → ../../cli/args.ts',
        'results/b.ts → ../bench/side-effect.ts',
        'results/b.ts → ../reports/render/a.ts',
        'results/b.ts → ../servers/server.ts',
      ]);
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });

  it('hold in this repository: results/ and reports/ import nothing from bench/, cli/ or servers/', async () => {
    expect(await sourceFiles(join(ROOT, 'results'))).not.toEqual([]);
    expect(await forbiddenImports(ROOT)).toEqual([]);
  });
});
