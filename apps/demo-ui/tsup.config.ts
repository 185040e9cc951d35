import { defineConfig } from 'tsup';

// `tenant` is its own entry so the web apps never load the dev tenant (and oidc-provider).
export default defineConfig({
  entry: ['src/index.ts', 'src/tenant.ts'],
  format: ['esm'],
  dts: true,
  clean: true,
  target: 'node20',
});
