import { DEFAULT_CLIENTS, DEFAULT_USERS, type DevTenantConfig } from '@gatehouse/dev-tenant';

/** Options of {@link demoTenantConfig}. */
export interface DemoTenantOptions {
  /** Base URLs of the demo web apps: each gets its callback and logout URLs registered. */
  appUrls: string[];
  /**
   * Alice's `session_expiry` ID-token claim, seconds since the epoch: the upstream ceiling the
   * profile page shows. Default 8 hours from now. Bob has none, to show both cases.
   */
  aliceSessionExpiry?: number;
}

const EIGHT_HOURS = 8 * 3600;

/**
 * The dev tenant as the demo needs it: the default `demo-web` client (its secret, both APIs in its
 * refresh-token policies) with the apps' URLs, and the default users. Plain data, so `pnpm demo`
 * can hand it to the CLI as JSON and the browser tests to `startDevTenant()`.
 *
 * @example
 * await startDevTenant({ config: demoTenantConfig({ appUrls: ['http://localhost:3000'] }) });
 */
export function demoTenantConfig(options: DemoTenantOptions): DevTenantConfig {
  const [demoClient] = DEFAULT_CLIENTS;
  if (!demoClient) throw new Error('the dev tenant has no default client');
  const sessionExpiry = options.aliceSessionExpiry ?? Math.floor(Date.now() / 1000) + EIGHT_HOURS;
  return {
    clients: [
      {
        ...demoClient,
        redirectUris: options.appUrls.map((url) => `${url}/auth/callback`),
        allowedLogoutUrls: options.appUrls.flatMap((url) => [url, `${url}/`]),
      },
    ],
    users: DEFAULT_USERS.map((user) =>
      user.email === 'alice@example.com'
        ? { ...user, idTokenClaims: { session_expiry: sessionExpiry } }
        : user,
    ),
  };
}
