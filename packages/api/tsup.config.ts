import { defineConfig } from 'tsup';

export default defineConfig({
  entry: ['src/index.ts', 'src/guard.ts'],
  format: ['esm', 'cjs'],
  // One copy of each class for both entry points (`.` and `./guard`) in CommonJS too, so
  // `instanceof` works on errors thrown through either.
  splitting: true,
  dts: true,
  clean: true,
  sourcemap: true,
  target: 'node20',
});
