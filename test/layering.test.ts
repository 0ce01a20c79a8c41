/** bench/ is an API the commands call, not the other way round: it imports nothing from cli/. */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { forbiddenImports } from './helpers/imports.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const at = (folder: string): string => join(ROOT, folder);

describe('layering', () => {
  it('bench/ imports nothing from cli/', async () => {
    expect(await forbiddenImports(at('bench'), at('cli'))).toEqual([]);
  });

  it('reports/ and options/ import nothing from cli/; options/ nothing from bench/ or servers/', async () => {
    expect(await forbiddenImports(at('reports'), at('cli'))).toEqual([]);
    for (const folder of ['cli', 'bench', 'servers']) expect(await forbiddenImports(at('options'), at(folder))).toEqual([]);
  });

  it('fires on a cli/ import, static, dynamic or nested (the check can fail)', async () => {
    const root = await mkdtemp(join(tmpdir(), 'pushlab-layering-'));
    try {
      await mkdir(join(root, 'bench', 'peers'), { recursive: true });
      await mkdir(join(root, 'cli'));
      await writeFile(join(root, 'bench', 'a.ts'), "import { UsageError } from '../cli/args.ts';\nimport { x } from './b.ts';\n");
      await writeFile(join(root, 'bench', 'peers', 'b.ts'), "const m = await import('../../cli/main.ts');\nimport '../../cli/side.ts';\n");
      await writeFile(join(root, 'bench', 'c.ts'), "import { y } from '../cliff/y.ts'; // a look-alike folder is not cli/\n");
      const found = await forbiddenImports(join(root, 'bench'), join(root, 'cli'));
      expect(found.sort()).toEqual(['a.ts: ../cli/args.ts', `${join('peers', 'b.ts')}: ../../cli/main.ts`, `${join('peers', 'b.ts')}: ../../cli/side.ts`]);
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});
