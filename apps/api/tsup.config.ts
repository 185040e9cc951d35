import { defineConfig } from 'tsup';

export default defineConfig({
  entry: ['src/server.ts', 'src/main.ts'],
  format: ['esm'],
  dts: true,
  clean: true,
  target: 'node20',
});
