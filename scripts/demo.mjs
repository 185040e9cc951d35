// `pnpm demo`: starts the local dev tenant on port 4000 (DEV_TENANT_PORT to change it).
// The demo web apps and API join this script when they exist; until then it runs the tenant alone.
import { spawn } from 'node:child_process';

const port = process.env.DEV_TENANT_PORT ?? '4000';
console.log(
  'Starting the Gatehouse dev tenant. The demo apps are not built yet: this runs the tenant alone.\n',
);
const tenant = spawn(
  process.execPath,
  [new URL('../packages/dev-tenant/dist/cli.js', import.meta.url).pathname, '--port', port],
  { stdio: 'inherit' },
);
const stop = () => tenant.kill('SIGTERM');
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
tenant.on('exit', (code) => process.exit(code ?? 0));
