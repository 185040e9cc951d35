import { defineConfig } from 'tsup';

export default defineConfig({
  entry: ['src/app.ts', 'src/main.ts'],
  format: ['esm'],
  dts: true,
  clean: true,
  target: 'node20',
});
