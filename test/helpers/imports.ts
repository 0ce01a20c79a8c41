/**
 * The layering rules as a check: which source files under a folder import from a folder they
 * must not depend on (bench/ → cli/, reports/ → cli/). Reads the import specifiers of each .ts
 * file — static `from '…'`, side-effect `import '…'` and dynamic `import('…')` — and resolves
 * relative ones against the file, so `../cli/args.ts` and `../../cli/args.ts` are both caught.
 */
import { readdir, readFile } from 'node:fs/promises';
import { dirname, join, relative, resolve, sep } from 'node:path';

const SPECIFIER = /(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)['"]([^'"]+)['"]/g;

async function tsFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await tsFiles(path)));
    else if (entry.name.endsWith('.ts')) out.push(path);
  }
  return out;
}

/** `file: specifier` for every import under `dir` that lands inside `forbidden` (both absolute). */
export async function forbiddenImports(dir: string, forbidden: string): Promise<string[]> {
  const found: string[] = [];
  for (const file of await tsFiles(dir)) {
    const text = await readFile(file, 'utf8');
    for (const m of text.matchAll(SPECIFIER)) {
      const specifier = m[1] as string;
      if (!specifier.startsWith('.')) continue;
      const target = resolve(dirname(file), specifier);
      if (target === forbidden || target.startsWith(forbidden + sep)) found.push(`${relative(dir, file)}: ${specifier}`);
    }
  }
  return found;
}
