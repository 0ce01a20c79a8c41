import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // Servers, Redis and Chromium are real processes; two cores on CI, so keep files few at once.
    maxWorkers: 2,
    reporters: ['default'],
  },
});
