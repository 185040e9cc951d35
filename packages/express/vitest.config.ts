import { defineConfig, mergeConfig } from 'vitest/config';
import { sharedVitestConfig } from '../../vitest.shared.js';

/**
 * Every test runs twice: on Express 5, and on Express 4 (the `express4` alias of express@4.21+),
 * with `express` resolved to it for the package's own source as well as for the tests.
 */
export default mergeConfig(
  sharedVitestConfig,
  defineConfig({
    test: {
      projects: [
        { extends: true, test: { name: 'express-5', env: { EXPRESS_MAJOR: '5' } } },
        {
          extends: true,
          test: { name: 'express-4', env: { EXPRESS_MAJOR: '4' }, alias: { express: 'express4' } },
        },
      ],
    },
  }),
);
