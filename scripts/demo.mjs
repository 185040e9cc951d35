// `pnpm demo`: the whole of Gatehouse on this machine, with no Auth0 account and no internet.
// Checks the ports, builds what the demo runs (turbo, cached), starts the local dev tenant (in this
// process), the demo API and the two demo web apps (child processes), and prints the URLs and the
// demo users.
//
// Ports: DEV_TENANT_PORT (4000), EXPRESS_WEB_PORT (3000), FASTIFY_WEB_PORT (3001), API_PORT (3002),
// CUSTOM_DOMAIN_PORT (4001): the dev tenant's custom domain, which the Express app signs in through
// when opened as http://127.0.0.1:3000 (http://localhost:3000 uses the main domain): multiple
// custom domains, with no DNS set-up.
// With AUTH0_DOMAIN set (and the AUTH0_* variables of the apps' READMEs), the apps use that tenant
// and no dev tenant is started. DEMO_SKIP_BUILD=1 skips the build (the tests, after their own).
//
// Stopping: the children stay in this process's process group, so Ctrl-C in a terminal reaches
// them all; SIGINT or SIGTERM to this process alone (what `pnpm` forwards, or `kill <pid>`) is
// passed on to each child, which is then waited for (SIGKILL after 5 s). The root package.json
// runs this file with `exec`: with a shell between pnpm and Node, pnpm's SIGTERM stopped only the
// shell (orphaning the demo), and a Ctrl-C ended in "ELIFECYCLE Command failed" although the demo
// exited 0. Should the parent go anyway, this process notices and stops. The children watch an
// IPC channel to this process and stop when it closes, so none is orphaned even if this process is
// killed outright. A clean stop exits 0; a child that fails (a listen error) stops the demo with
// status 1 and says why.
import { execFileSync, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const env = process.env;
const root = fileURLToPath(new URL('..', import.meta.url));
const HOST = '127.0.0.1';

function port(variable, fallback) {
  const raw = env[variable] || String(fallback);
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1 || value > 65_535) {
    console.error(`${variable} must be a port number (1-65535), got ${raw}`);
    process.exit(1);
  }
  return value;
}
const ports = {
  tenant: port('DEV_TENANT_PORT', 4000),
  express: port('EXPRESS_WEB_PORT', 3000),
  fastify: port('FASTIFY_WEB_PORT', 3001),
  api: port('API_PORT', 3002),
  customDomain: port('CUSTOM_DOMAIN_PORT', 4001),
};
const useDevTenant = !env.AUTH0_DOMAIN;
const apiUrl = `http://${HOST}:${ports.api}`;
const webApps = [
  { id: 'express-web', port: ports.express, url: `http://localhost:${ports.express}` },
  { id: 'fastify-web', port: ports.fastify, url: `http://localhost:${ports.fastify}` },
];
/** The Express app's second address, signed in through the tenant's custom domain. */
const expressOnCustomDomain = `http://${HOST}:${ports.express}`;
const customDomainUrl = `http://${HOST}:${ports.customDomain}`;

/** Every port the demo listens on, what uses it and the variable that moves it. */
const wanted = [
  ...(useDevTenant
    ? [
        { port: ports.tenant, what: 'the dev tenant', variable: 'DEV_TENANT_PORT' },
        {
          port: ports.customDomain,
          what: "the dev tenant's custom domain",
          variable: 'CUSTOM_DOMAIN_PORT',
        },
      ]
    : []),
  { port: ports.express, what: 'the Express web app', variable: 'EXPRESS_WEB_PORT' },
  { port: ports.fastify, what: 'the Fastify web app', variable: 'FASTIFY_WEB_PORT' },
  { port: ports.api, what: 'the demo API', variable: 'API_PORT' },
];

/** Resolves to the error code if `port` cannot be listened on at HOST, else undefined. */
function portProblem(port) {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', (error) => resolve(error.code ?? error.message));
    probe.listen(port, HOST, () => probe.close(() => resolve(undefined)));
  });
}

/** Checks every port before anything starts; exits 1 naming each one taken. */
async function checkPorts() {
  const seen = new Map();
  const problems = [];
  for (const entry of wanted) {
    if (seen.has(entry.port)) {
      problems.push(
        `Port ${entry.port} is given to both ${seen.get(entry.port).what} and ${entry.what}: choose another with ${entry.variable}.`,
      );
      continue;
    }
    seen.set(entry.port, entry);
    const problem = await portProblem(entry.port);
    if (problem) {
      const reason = problem === 'EADDRINUSE' ? 'is in use' : `cannot be used (${problem})`;
      problems.push(
        `Port ${entry.port} (${entry.what}) ${reason}. Stop what uses it, or choose another port with ${entry.variable}, e.g. ${entry.variable}=${entry.port + 10} pnpm demo`,
      );
    }
  }
  if (problems.length > 0) {
    console.error(problems.join('\n'));
    process.exit(1);
  }
}

/** The children, for stopping them; each entry is removed when it exits. */
const children = new Map();
let stopping = false;
let tenant;

/** Stops every child (the signal, then SIGKILL after 5 s), closes the tenant, exits. */
async function stopAll(exitCode, signal = 'SIGTERM') {
  if (stopping) return;
  stopping = true;
  const exited = [...children.values()].map(
    (child) => new Promise((resolve) => child.once('exit', resolve)),
  );
  for (const child of children.values()) child.kill(signal);
  const killer = setTimeout(() => {
    for (const child of children.values()) child.kill('SIGKILL');
  }, 5000);
  await Promise.all(exited);
  clearTimeout(killer);
  await tenant?.close().catch(() => {});
  process.exit(exitCode);
}
process.on('SIGINT', () => stopAll(0, 'SIGINT'));
process.on('SIGTERM', () => stopAll(0, 'SIGTERM'));
process.on('SIGHUP', () => stopAll(0, 'SIGTERM'));
const parent = process.ppid;
setInterval(() => {
  if (process.ppid !== parent) stopAll(0);
}, 500).unref();

/** Starts one app of the demo with its lines prefixed by its name. */
function startChild(id, script, variable, childEnv) {
  const child = spawn(
    process.execPath,
    [fileURLToPath(new URL('./lib/demo-child.mjs', import.meta.url)), `${root}${script}`],
    { env: { ...env, ...childEnv }, stdio: ['ignore', 'pipe', 'pipe', 'ipc'] },
  );
  children.set(id, child);
  for (const stream of [child.stdout, child.stderr]) {
    createInterface({ input: stream }).on('line', (line) => console.log(`[${id}] ${line}`));
  }
  child.once('exit', (code, signal) => {
    children.delete(id);
    if (!stopping) {
      console.error(`\n${id} stopped (${signal ?? `exit code ${code}`}); stopping the demo.`);
      console.error(`If its port was taken, choose another with ${variable}.`);
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
  await checkPorts();
  if (!env.DEMO_SKIP_BUILD) {
    execFileSync(
      'pnpm',
      [
        'exec',
        'turbo',
        'run',
        'build',
        '--filter=@gatehouse/demo-api...',
        '--filter=@gatehouse/demo-express-web...',
        '--filter=@gatehouse/demo-fastify-web...',
        '--output-logs=errors-only',
      ],
      { cwd: root, stdio: 'inherit' },
    );
  }
  if (stopping) return;

  let tenantEnv = {};
  let users = [];
  if (!useDevTenant) {
    console.log(`Using the Auth0 tenant ${env.AUTH0_DOMAIN} (AUTH0_DOMAIN); no dev tenant.`);
  } else {
    const { startDevTenant } = await import('../packages/dev-tenant/dist/index.js');
    const { demoTenantConfig } = await import('../apps/demo-ui/dist/tenant.js');
    try {
      tenant = await startDevTenant({
        port: ports.tenant,
        customDomains: [{ port: ports.customDomain }],
        config: demoTenantConfig({
          appUrls: [...webApps.map((app) => app.url), expressOnCustomDomain],
        }),
      });
    } catch (error) {
      console.error(`The dev tenant could not start on port ${ports.tenant}: ${error.message}`);
      console.error('Choose another port with DEV_TENANT_PORT.');
      return stopAll(1);
    }
    tenantEnv = { DEV_TENANT_URL: tenant.url, AUTH0_CUSTOM_DOMAINS: customDomainUrl };
    users = tenant.config.users;
  }

  startChild('api', 'apps/api/dist/main.js', 'API_PORT', {
    ...tenantEnv,
    PORT: String(ports.api),
    HOST,
  });
  for (const app of webApps) {
    startChild(
      app.id,
      `apps/${app.id}/dist/main.js`,
      app.id === 'express-web' ? 'EXPRESS_WEB_PORT' : 'FASTIFY_WEB_PORT',
      {
        ...tenantEnv,
        PORT: String(app.port),
        HOST,
        APP_BASE_URL: app.url,
        DEMO_API_URL: apiUrl,
        // The Express app also answers as 127.0.0.1, signed in through the custom domain.
        ...(tenant && app.id === 'express-web'
          ? {
              APP_BASE_URL: `${app.url},${expressOnCustomDomain}`,
              DOMAIN_BY_APP_HOST: `${HOST}=${customDomainUrl}`,
            }
          : {}),
      },
    );
  }
  await Promise.all([apiUrl, ...webApps.map((app) => app.url)].map(answering));
  if (stopping) return;

  console.log(
    [
      '',
      'Gatehouse demo is running:',
      `  Express web app   ${webApps[0].url}`,
      ...(tenant
        ? [
            `                    ${expressOnCustomDomain} (through the custom domain ${customDomainUrl})`,
          ]
        : []),
      `  Fastify web app   ${webApps[1].url}`,
      `  demo API          ${apiUrl}`,
      ...(tenant ? [`  dev tenant        ${tenant.url} (custom domain ${customDomainUrl})`] : []),
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
