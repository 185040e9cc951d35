import { defineConfig, mergeConfig } from 'vitest/config';
import { sharedVitestConfig } from '../../vitest.shared.js';

// The quick run (every server, the dev tenant and both workers) takes about 20 s on 2 busy cores;
// past a minute something is wrong, and the test should say so rather than hold CI.
export default mergeConfig(
  sharedVitestConfig,
  defineConfig({ test: { testTimeout: 60_000, hookTimeout: 60_000 } }),
);
