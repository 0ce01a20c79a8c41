/** Backplane from a URL: `memory` (embedded default) or `redis://…`. */
import { MemoryBackplane } from './memory-backplane.ts';
import type { Backplane } from './backplane.ts';

export async function createBackplane(url: string, historySize: number): Promise<Backplane> {
  if (url === 'memory') return new MemoryBackplane({ historySize });
  throw new Error(`backplane ${url}: only "memory" is available in this build`);
}
