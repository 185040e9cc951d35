#!/usr/bin/env node
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { DevTenantConfig } from './config.js';
import { startDevTenant } from './start.js';

const usage = `Usage: gatehouse-dev-tenant [--port 4000] [--host 127.0.0.1] [--config tenant.json]

Starts a local Auth0-compatible tenant for development and tests.`;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: process.env.DEV_TENANT_PORT ?? '4000' },
      host: { type: 'string', default: '127.0.0.1' },
      config: { type: 'string' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    console.log(usage);
    return;
  }
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    throw new Error(`--port must be a port number, got ${values.port}`);
  }
  const config: DevTenantConfig | undefined = values.config
    ? JSON.parse(readFileSync(values.config, 'utf8'))
    : undefined;

  const tenant = await startDevTenant({ port, host: values.host, config });
  const lines = [
    `Gatehouse dev tenant listening on ${tenant.url}`,
    `  issuer  ${tenant.issuer}`,
    `  domain  ${tenant.domain}   (AUTH0_DOMAIN for the SDKs)`,
    '',
    'Clients:',
    ...tenant.config.clients.map(
      (client) =>
        `  ${client.clientId}  secret: ${client.clientSecret ?? '(private_key_jwt)'}\n    redirect URIs: ${client.redirectUris.join(', ')}`,
    ),
    'APIs:',
    ...tenant.config.apis.map((api) => `  ${api.identifier}  scopes: ${api.scopes}`),
    'Users:',
    ...tenant.config.users.map((user) => `  ${user.email} / ${user.password}  (${user.sub})`),
    '',
    'Local development only. Press Ctrl-C to stop.',
  ];
  console.log(lines.join('\n'));

  const stop = () => {
    tenant.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
  console.error(`gatehouse-dev-tenant: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
