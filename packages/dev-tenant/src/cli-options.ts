import { parseArgs } from 'node:util';
import type { StartDevTenantOptions } from './start.js';

export const CLI_USAGE = `Usage: gatehouse-dev-tenant [--port 4000] [--host 127.0.0.1] [--config tenant.json]
                            [--custom-domain-port 4001 ...]

Starts a local Auth0-compatible tenant for development and tests.

  --port                 port of the main domain (default 4000, or DEV_TENANT_PORT)
  --host                 interface to listen on (default 127.0.0.1)
  --config               a JSON file of clients, apis, users, ... (checked at start)
  --custom-domain-port   a custom domain on this port (0: a free one): same users and
                         sessions, its own issuer; repeat it for more, or list them in
                         DEV_TENANT_CUSTOM_DOMAIN_PORTS (e.g. 4001,4002)`;

/** What the command line asks for: the usage, or a tenant (and the config file to read for it). */
export type CliOptions =
  | { help: true }
  | { help: false; start: Omit<StartDevTenantOptions, 'config'>; configFile?: string };

/** A port number from an argument, or an error naming the option. */
function portOf(value: string, option: string): number {
  const port = Number(value);
  if (value.trim() === '' || !Number.isInteger(port) || port < 0 || port > 65_535) {
    throw new Error(`${option} must be a port number, got ${JSON.stringify(value)}`);
  }
  return port;
}

/**
 * Reads the command line and the environment: `--port` (or `DEV_TENANT_PORT`, default 4000),
 * `--host`, `--config`, and `--custom-domain-port`, repeatable (or `DEV_TENANT_CUSTOM_DOMAIN_PORTS`,
 * comma-separated; the flags win over the variable). Throws an error naming a bad option.
 *
 * @example
 * parseCliOptions(['--custom-domain-port', '4001'], {}); // { help: false, start: { port: 4000, host: '127.0.0.1', customDomains: [{ port: 4001 }] } }
 */
export function parseCliOptions(args: string[], env: NodeJS.ProcessEnv): CliOptions {
  const { values } = parseArgs({
    args,
    options: {
      port: { type: 'string', default: env.DEV_TENANT_PORT ?? '4000' },
      host: { type: 'string', default: '127.0.0.1' },
      config: { type: 'string' },
      'custom-domain-port': {
        type: 'string',
        multiple: true,
        default: env.DEV_TENANT_CUSTOM_DOMAIN_PORTS?.split(',') ?? [],
      },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) return { help: true };
  const customDomains = values['custom-domain-port'].map((value) => ({
    port: portOf(value, '--custom-domain-port'),
  }));
  return {
    help: false,
    start: { port: portOf(values.port, '--port'), host: values.host, customDomains },
    ...(values.config === undefined ? {} : { configFile: values.config }),
  };
}
