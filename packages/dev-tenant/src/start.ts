import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { BackchannelDeliveries, type BackchannelDelivery } from './backchannel-deliveries.js';
import { type DevTenantConfig, resolveTenantConfig } from './config.js';
import { ConnectedAccounts } from './connected-accounts.js';
import { SigningKeys } from './keys.js';
import { TenantStorage } from './memory-adapter.js';
import { loadOidcProvider } from './oidc-provider.js';
import { createProvider } from './provider.js';
import type { TenantState } from './tenant-state.js';

/** Options of {@link startDevTenant}. */
export interface StartDevTenantOptions {
  /** Port to listen on. Default 0: a free port chosen by the system. */
  port?: number;
  /** Interface to listen on. Default `127.0.0.1`. */
  host?: string;
  /** Clients, APIs and users; defaults make the demo apps work. */
  config?: DevTenantConfig;
}

/** A running dev tenant. */
export interface DevTenant {
  /** Origin of the tenant, e.g. `http://127.0.0.1:4000`. */
  url: string;
  /** What an SDK is given as its `domain` (a full origin, since the tenant speaks plain http). */
  domain: string;
  /** The issuer in tokens and discovery: `url` followed by `/`, as Auth0's issuers end. */
  issuer: string;
  /** The configuration in force, with defaults applied. */
  config: ReturnType<typeof resolveTenantConfig>;
  /**
   * Every back-channel logout sent so far, with each attempt at delivering it (also at
   * `GET /test/backchannel-deliveries`, and `backchannelDeliveries()` of the test kit).
   */
  backchannelDeliveries(): BackchannelDelivery[];
  /** Adds a new signing key and signs with it from now on; old keys stay published. */
  rotateKeys(): Promise<{ kid: string }>;
  /** Stops listening and drops every connection. */
  close(): Promise<void>;
}

/**
 * Starts a local Auth0-compatible tenant over real HTTP.
 *
 * @example
 * const tenant = await startDevTenant();
 * // configure an SDK with { domain: tenant.domain, clientId: 'demo-web', clientSecret: DEMO_CLIENT_SECRET }
 * await tenant.close();
 */
export async function startDevTenant(options: StartDevTenantOptions = {}): Promise<DevTenant> {
  const { port = 0, host = '127.0.0.1' } = options;
  const config = resolveTenantConfig(options.config);
  const keys = await SigningKeys.create();
  await loadOidcProvider();

  let handle: (req: IncomingMessage, res: ServerResponse) => void = (_req, res) => {
    res.statusCode = 503;
    res.end();
  };
  const server = createServer((req, res) => handle(req, res));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });

  const address = server.address() as AddressInfo;
  const hostname = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const url = `http://${hostname}:${address.port}`;
  const issuer = `${url}/`;
  const state: TenantState = {
    issuer,
    config,
    accounts: new ConnectedAccounts(config),
    keys,
    storage: new TenantStorage(),
    cookieKeys: [randomBytes(32).toString('base64url')],
    deliveries: new BackchannelDeliveries(config.backchannelLogout),
  };

  // Keys are part of oidc-provider's configuration, so a rotation builds a new provider over the
  // same storage and cookie keys: sessions, grants and refresh tokens carry over.
  const build = () => {
    handle = createProvider(issuer, state).callback();
  };
  try {
    build();
  } catch (error) {
    // Nothing is left listening when the tenant cannot be built.
    server.close();
    throw error;
  }

  return {
    url,
    domain: url,
    issuer,
    config: state.config,
    backchannelDeliveries: () => state.deliveries.list(),
    async rotateKeys() {
      await state.keys.rotate();
      build();
      return { kid: state.keys.currentKid };
    },
    close() {
      state.deliveries.close();
      return new Promise((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      });
    },
  };
}
