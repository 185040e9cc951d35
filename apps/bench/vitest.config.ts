import { defineConfig, mergeConfig } from 'vitest/config';
import { sharedVitestConfig } from '../../vitest.shared.js';

// The quick run (every server, the dev tenant, a Redis Cluster and both workers) takes about 30 s
// alone on 2 cores, and over a minute while CI runs every other package's tests beside it; past
// three minutes something is wrong, and the test should say so rather than hold CI.
export default mergeConfig(
  sharedVitestConfig,
  defineConfig({ test: { testTimeout: 180_000, hookTimeout: 180_000 } }),
);
