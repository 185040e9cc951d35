import { defineConfig } from 'vitest/config';

/**
 * The one vitest configuration every package extends: the default console reporter, plus a JSON
 * report that `scripts/test-summary.mjs` adds up into the run's closing line.
 */
export const sharedVitestConfig = defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    reporters: ['default', ['json', { outputFile: 'test-results/vitest.json' }]],
    // CI runs every package's tests at once on two cores, beside seven Redis processes and
    // Chromium: a tenant's start or a login can take many times its usual second there.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
