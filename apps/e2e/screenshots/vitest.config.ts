import { defineConfig } from 'vitest/config';

// Not a test suite: `pnpm --filter @gatehouse/e2e screenshots` uses vitest only to run the
// TypeScript that takes the README's screenshots, with the browser tests' stack and Chromium.
export default defineConfig({
  test: {
    include: ['screenshots/**/*.screenshots.ts'],
    testTimeout: 120_000,
    hookTimeout: 60_000,
  },
});
