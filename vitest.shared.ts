import { defineConfig } from 'vitest/config';

/**
 * The one vitest configuration every package extends: the default console reporter, plus a JSON
 * report that `scripts/test-summary.mjs` adds up into the run's closing line.
 */
export const sharedVitestConfig = defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    reporters: ['default', ['json', { outputFile: 'test-results/vitest.json' }]],
    testTimeout: 20_000,
    hookTimeout: 20_000,
    pool: 'forks',
  },
});
