import { defineConfig } from 'tsup';

// Every entry lands at the root of dist/, beside the shared chunks, so that the parent finds its
// children as `new URL('./<entry>.js', import.meta.url)` from any of them.
export default defineConfig({
  entry: {
    main: 'src/main.ts',
    server: 'src/servers/child.ts',
    'raw-verify-worker': 'src/workers/raw-verify.ts',
    'memory-worker': 'src/workers/memory.ts',
  },
  format: ['esm'],
  dts: false,
  clean: true,
  sourcemap: true,
  target: 'node20',
  // Peers pinned as devDependencies: loaded from node_modules as they are, never bundled (their
  // CommonJS `require`s do not survive an ESM bundle).
  external: ['@auth0/auth0-server-js', '@fastify/secure-session', 'cookie'],
});
