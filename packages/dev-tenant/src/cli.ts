#!/usr/bin/env node
import { readFileSync } from 'node:fs';
import { CLI_USAGE, parseCliOptions } from './cli-options.js';
import type { DevTenantConfig } from './config.js';
import { sessionTransferAudience } from './session-transfer.js';
import { startDevTenant } from './start.js';

async function main(): Promise<void> {
  const options = parseCliOptions(process.argv.slice(2), process.env);
  if (options.help) {
    console.log(CLI_USAGE);
    return;
  }
  const config: DevTenantConfig | undefined = options.configFile
    ? JSON.parse(readFileSync(options.configFile, 'utf8'))
    : undefined;

  const tenant = await startDevTenant({ ...options.start, config });
  const lines = [
    `Gatehouse dev tenant listening on ${tenant.url}`,
    `  issuer  ${tenant.issuer}`,
    `  domain  ${tenant.domain}   (AUTH0_DOMAIN for the SDKs)`,
    ...tenant.domains
      .slice(1)
      .map((domain) => `  custom domain  ${domain.url}   (issuer ${domain.issuer})`),
    '',
    'Clients:',
    ...tenant.config.clients.map(
      (client) =>
        `  ${client.clientId}  secret: ${client.clientSecret ?? '(private_key_jwt)'}\n    redirect URIs: ${client.redirectUris.join(', ')}`,
    ),
    'APIs:',
    ...tenant.config.apis.map(
      (api) =>
        `  ${api.identifier}  scopes: ${api.scopes}${api.requireMfa ? '  requires MFA' : ''}`,
    ),
    'Users:',
    ...tenant.config.users.map(
      (user) =>
        `  ${user.email} / ${user.password}  (${user.sub})${user.mfa?.totpSecret ? `  TOTP secret ${user.mfa.totpSecret}` : ''}`,
    ),
    'Organizations:',
    ...tenant.config.organizations.map(
      (organization) =>
        `  ${organization.id} (${organization.name})  members: ${organization.members.join(', ') || 'none'}${organization.requireMfa ? '  requires MFA' : ''}`,
    ),
    'Connections (accounts to link):',
    ...tenant.config.connections.map(
      (connection) =>
        `  ${connection.name}  ${(connection.users ?? []).map((user) => user.email).join(', ') || 'none'}`,
    ),
    '',
    `Emailed codes: ${tenant.url}/test/outbox?to=<email>`,
    `Session transfer audience: ${sessionTransferAudience(tenant.issuer)}`,
    `Users and their identities: ${tenant.url}/test/users/<sub>`,
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
