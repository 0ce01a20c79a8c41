/** The backplane contract against the in-memory backplane (the reference the Redis one must match). */
import type { Backplane } from '../servers/core/backplane.ts';
import { MemoryBackplane } from '../servers/core/memory-backplane.ts';
import { backplaneContract } from './backplane-contract.ts';

backplaneContract('memory', async () => {
  const made: Backplane[] = [];
  return {
    async group(historySize) {
      const bp = new MemoryBackplane({ historySize });
      made.push(bp);
      return [bp];
    },
    async cleanup() {
      await Promise.all(made.map((bp) => bp.close()));
    },
  };
});
