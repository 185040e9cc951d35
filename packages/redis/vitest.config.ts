import { defineConfig, mergeConfig } from 'vitest/config';
import { sharedVitestConfig } from '../../vitest.shared.js';

export default mergeConfig(
  sharedVitestConfig,
  defineConfig({
    // A local Redis Cluster (ports 7000–7005) for test/cluster*.test.ts; see the setup file.
    test: { globalSetup: ['test/support/cluster-setup.ts'] },
  }),
);
