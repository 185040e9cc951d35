import { randomBytes } from 'node:crypto';
import { Authenticators } from './authenticators.js';
import { BackchannelDeliveries, type BackchannelDelivery } from './backchannel-deliveries.js';
import { BackchannelRequests } from './ciba-requests.js';
import { type DevTenantConfig, resolveTenantConfig } from './config.js';
import { checkStartOptions } from './config-check.js';
import { ConnectedAccounts } from './connected-accounts.js';
import { Delegations } from './delegations.js';
import { type CustomDomainOptions, type DevTenantDomain, DomainServer } from './domain-server.js';
import { DpopNonces } from './dpop/nonces.js';
import { Identities } from './identities.js';
import { Invitations } from './invitations.js';
import { SigningKeys } from './keys.js';
import { TenantStorage } from './memory-adapter.js';
import { LoginChallenges } from './mfa-login.js';
import { MfaTokens, OobChallenges } from './mfa-tokens.js';
import { loadOidcProvider } from './oidc-provider.js';
import { Organizations } from './organizations.js';
import { Outbox } from './outbox.js';
import { Passkeys } from './passkeys.js';
import { PasswordlessCodes } from './passwordless-codes.js';
import { PasswordlessUsers } from './passwordless-users.js';
import { createProvider } from './provider.js';
import { SessionDomains } from './session-domains.js';
import { SessionTransfers } from './session-transfer.js';
import type { TenantState } from './tenant-state.js';

/** Options of {@link startDevTenant}; checked at start, an unknown or mistyped one throws. */
export interface StartDevTenantOptions {
  /** Port to listen on. Default 0: a free port chosen by the system. */
  port?: number;
  /** Interface to listen on. Default `127.0.0.1`. */
  host?: string;
  /** Clients, APIs and users; defaults make the demo apps work. */
  config?: DevTenantConfig;
  /**
   * Custom domains of the tenant, as Auth0's multiple custom domains: each listens on its own port
   * with its own issuer (`http://127.0.0.1:<port>/`) and serves everything the main domain does,
   * over the same users, sessions, grants, tokens and keys. Default: none.
   */
  customDomains?: CustomDomainOptions[];
}

/** A running dev tenant. */
export interface DevTenant {
  /** Origin of the tenant's main domain, e.g. `http://127.0.0.1:4000`. */
  url: string;
  /** What an SDK is given as its `domain` (a full origin, since the tenant speaks plain http). */
  domain: string;
  /** The main domain's issuer in tokens and discovery: `url` followed by `/`, as Auth0's end. */
  issuer: string;
  /** Every domain of the tenant: the main one first, then the `customDomains` in their order. */
  domains: DevTenantDomain[];
  /** The configuration in force, with defaults applied. */
  config: ReturnType<typeof resolveTenantConfig>;
  /**
   * Every back-channel logout sent so far, with each attempt at delivering it (also at
   * `GET /test/backchannel-deliveries`, and `backchannelDeliveries()` of the test kit).
   */
  backchannelDeliveries(): BackchannelDelivery[];
  /** Adds a new signing key and signs with it on every domain from now on; old keys stay published. */
  rotateKeys(): Promise<{ kid: string }>;
  /** Stops listening on every domain and drops every connection. */
  close(): Promise<void>;
}

/** Listens for the main domain and each custom domain; on a failure, closes those already open. */
async function listenAll(
  port: number,
  host: string,
  customDomains: readonly CustomDomainOptions[],
): Promise<DomainServer[]> {
  const servers = [await DomainServer.listen(port, host)];
  try {
    for (const [index, domain] of customDomains.entries()) {
      const { port: domainPort = 0, host: domainHost = host } = domain;
      try {
        servers.push(await DomainServer.listen(domainPort, domainHost));
      } catch (cause) {
        const where = `${domainHost}:${domainPort}`;
        const why = (cause as Error).message;
        throw new Error(`dev tenant: customDomains[${index}] cannot listen on ${where}: ${why}`, {
          cause,
        });
      }
    }
  } catch (error) {
    await Promise.all(servers.map((server) => server.close()));
    throw error;
  }
  return servers;
}

/**
 * Starts a local Auth0-compatible tenant over real HTTP, with custom domains if asked.
 *
 * @example
 * const tenant = await startDevTenant({ customDomains: [{ port: 0 }] });
 * // configure an SDK with { domain: tenant.domain, clientId: 'demo-web', clientSecret: DEMO_CLIENT_SECRET }
 * // tenant.domains[1].url is the custom domain: same users and sessions, its own issuer
 * await tenant.close();
 */
export async function startDevTenant(options: StartDevTenantOptions = {}): Promise<DevTenant> {
  checkStartOptions(options);
  const { port = 0, host = '127.0.0.1', customDomains = [] } = options;
  const config = resolveTenantConfig(options.config);
  const keys = await SigningKeys.create();
  await loadOidcProvider();
  const dpopNonces = config.dpopNonces ? await DpopNonces.create() : undefined;

  const servers = await listenAll(port, host, customDomains);
  const authenticators = new Authenticators(config.users);
  const outbox = new Outbox();
  const state: TenantState = {
    issuers: servers.map((server) => server.issuer),
    config,
    accounts: new ConnectedAccounts(config),
    organizations: new Organizations(config.organizations),
    delegations: new Delegations(),
    identities: new Identities(),
    invitations: new Invitations(),
    authenticators,
    loginChallenges: new LoginChallenges(authenticators, outbox, config.users),
    outbox,
    mfaTokens: new MfaTokens(config.mfaTokenLifetime),
    oobChallenges: new OobChallenges(),
    sessionTransfers: new SessionTransfers(config.sessionTransferTokenLifetime),
    passkeys: new Passkeys(),
    keys,
    storage: new TenantStorage(),
    cookieKeys: [randomBytes(32).toString('base64url')],
    deliveries: new BackchannelDeliveries(config.backchannelLogout),
    sessionDomains: new SessionDomains(),
    backchannelRequests: new BackchannelRequests(config.ciba.interval),
    passwordlessUsers: new PasswordlessUsers(),
    passwordlessCodes: new PasswordlessCodes(config.passwordless),
    providers: new Map(),
    dpopNonces,
  };

  // Keys are part of oidc-provider's configuration, so a rotation builds new providers over the
  // same storage and cookie keys: sessions, grants and refresh tokens carry over. Every provider
  // is built before any is served, so a domain never serves with keys another has not got.
  const build = () => {
    const providers = servers.map((server) => createProvider(server.issuer, state));
    for (const [index, server] of servers.entries()) {
      const provider = providers[index] as (typeof providers)[number];
      state.providers.set(server.issuer, provider);
      server.serve(provider);
    }
  };
  const close = async () => {
    state.deliveries.close();
    await Promise.all(servers.map((server) => server.close()));
  };
  try {
    build();
  } catch (error) {
    // Nothing is left listening when the tenant cannot be built.
    await close();
    throw error;
  }

  const [main] = servers as [DomainServer, ...DomainServer[]];
  return {
    url: main.url,
    domain: main.url,
    issuer: main.issuer,
    domains: servers.map(({ url, issuer }) => ({ url, issuer })),
    config: state.config,
    backchannelDeliveries: () => state.deliveries.list(),
    async rotateKeys() {
      await state.keys.rotate();
      build();
      return { kid: state.keys.currentKid };
    },
    close,
  };
}
