// `pnpm demo` (after the build that script runs): the whole of Gatehouse on this machine, with no
// Auth0 account and no internet. Starts the local dev tenant (in this process), the demo API and
// the two demo web apps (child processes), prints the URLs and the demo users, and on Ctrl-C
// stops the children with SIGINT and exits once they all have.
//
// Ports: DEV_TENANT_PORT (4000), EXPRESS_WEB_PORT (3000), FASTIFY_WEB_PORT (3001), API_PORT (3002).
// With AUTH0_DOMAIN set (and the AUTH0_* variables of the apps' READMEs), the apps use that tenant
// and no dev tenant is started.
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const env = process.env;
const port = (name, fallback) => {
  const value = Number(env[name] || fallback);
  if (!Number.isInteger(value) || value < 1 || value > 65_535) {
    console.error(`${name} must be a port number, got ${env[name]}`);
    process.exit(1);
  }
  return value;
};
const ports = {
  tenant: port('DEV_TENANT_PORT', 4000),
  express: port('EXPRESS_WEB_PORT', 3000),
  fastify: port('FASTIFY_WEB_PORT', 3001),
  api: port('API_PORT', 3002),
};
const apiUrl = `http://127.0.0.1:${ports.api}`;
const webApps = [
  { id: 'express-web', port: ports.express, url: `http://localhost:${ports.express}` },
  { id: 'fastify-web', port: ports.fastify, url: `http://localhost:${ports.fastify}` },
];
/** The variable that moves each child, for the message when one cannot start. */
const PORT_VARIABLES = {
  api: 'API_PORT',
  'express-web': 'EXPRESS_WEB_PORT',
  'fastify-web': 'FASTIFY_WEB_PORT',
};

/** The children, for stopping them; each entry is removed when it exits. */
const children = new Map();
let stopping = false;
let tenant;

/** Stops every child with SIGINT, waits for them, closes the tenant, exits. */
async function stopAll(exitCode) {
  if (stopping) return;
  stopping = true;
  const exited = [...children.values()].map(
    (child) => new Promise((resolve) => child.once('exit', resolve)),
  );
  for (const child of children.values()) child.kill('SIGINT');
  await Promise.all(exited);
  await tenant?.close();
  process.exit(exitCode);
}
process.on('SIGINT', () => stopAll(0));
process.on('SIGTERM', () => stopAll(0));

/** Starts one app of the demo with its lines prefixed by its name. */
function startChild(id, script, childEnv) {
  const child = spawn(process.execPath, [fileURLToPath(new URL(`../${script}`, import.meta.url))], {
    env: { ...env, ...childEnv },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.set(id, child);
  for (const stream of [child.stdout, child.stderr]) {
    createInterface({ input: stream }).on('line', (line) => console.log(`[${id}] ${line}`));
  }
  child.once('exit', (code, signal) => {
    children.delete(id);
    if (!stopping) {
      console.error(`\n${id} stopped (${signal ?? `exit code ${code}`}); stopping the demo.`);
      console.error(`If its port is in use, choose another with ${PORT_VARIABLES[id]}.`);
      stopAll(1);
    }
  });
}

/** Waits until something answers HTTP at `url`. */
async function answering(url) {
  for (let attempt = 0; attempt < 300 && !stopping; attempt++) {
    try {
      await fetch(url, { redirect: 'manual', signal: AbortSignal.timeout(1000) });
      return;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  if (!stopping) throw new Error(`nothing answers at ${url}`);
}

async function main() {
  let tenantEnv = {};
  let users = [];
  if (env.AUTH0_DOMAIN) {
    console.log(`Using the Auth0 tenant ${env.AUTH0_DOMAIN} (AUTH0_DOMAIN); no dev tenant.`);
  } else {
    const { startDevTenant } = await import('../packages/dev-tenant/dist/index.js');
    const { demoTenantConfig } = await import('../apps/demo-ui/dist/tenant.js');
    try {
      tenant = await startDevTenant({
        port: ports.tenant,
        config: demoTenantConfig({ appUrls: webApps.map((app) => app.url) }),
      });
    } catch (error) {
      console.error(`The dev tenant could not start on port ${ports.tenant}: ${error.message}`);
      console.error('Is something else using it? Choose another port with DEV_TENANT_PORT.');
      process.exit(1);
    }
    tenantEnv = { DEV_TENANT_URL: tenant.url };
    users = tenant.config.users;
  }

  startChild('api', 'apps/api/dist/main.js', { ...tenantEnv, PORT: String(ports.api) });
  for (const app of webApps) {
    startChild(app.id, `apps/${app.id}/dist/main.js`, {
      ...tenantEnv,
      PORT: String(app.port),
      APP_BASE_URL: app.url,
      DEMO_API_URL: apiUrl,
    });
  }
  await Promise.all([apiUrl, ...webApps.map((app) => app.url)].map(answering));
  if (stopping) return;

  console.log(
    [
      '',
      'Gatehouse demo is running:',
      `  Express web app   ${webApps[0].url}`,
      `  Fastify web app   ${webApps[1].url}`,
      `  demo API          ${apiUrl}`,
      ...(tenant ? [`  dev tenant        ${tenant.url}`] : []),
      ...(users.length
        ? ['', 'Demo users:', ...users.map((user) => `  ${user.email} / ${user.password}`)]
        : []),
      '',
      'Press Ctrl-C to stop.',
    ].join('\n'),
  );
}

main().catch((error) => {
  console.error(`pnpm demo: ${error.message}`);
  stopAll(1);
});
