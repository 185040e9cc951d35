import {
  DEFAULT_APIS,
  DEFAULT_CLIENTS,
  DEFAULT_USERS,
  type DevTenantConfig,
} from '@gatehouse/dev-tenant';

/** The demo's downstream API: the demo API calls it on the user's behalf (token exchange). */
export const REPORTS_AUDIENCE = 'https://reports.example.com';
/** The demo API's own client at the tenant, with which it exchanges tokens. */
export const DEMO_API_CLIENT = {
  clientId: 'demo-api',
  clientSecret: 'demo-api-secret-for-local-development-only',
} as const;

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
    apis: [...DEFAULT_APIS, { identifier: REPORTS_AUDIENCE, scopes: 'read:reports' }],
    clients: [
      {
        ...demoClient,
        redirectUris: options.appUrls.map((url) => `${url}/auth/callback`),
        allowedLogoutUrls: options.appUrls.flatMap((url) => [url, `${url}/`]),
      },
      // A service, not a web app; the dev tenant registers every client for the code flow too, so
      // it needs a callback URL, which nothing ever redirects to.
      { ...DEMO_API_CLIENT, redirectUris: ['http://127.0.0.1/demo-api-has-no-login'] },
    ],
    // Passkeys of the demo pages: the apps' own origins (localhost, the RP ID browsers accept).
    passkeys: { rpId: 'localhost', origins: options.appUrls },
    // CIBA polls every 2 s, so the demo's waiting page answers soon after an approval.
    ciba: { interval: 2 },
    users: DEFAULT_USERS.map((user) =>
      user.email === 'alice@example.com'
        ? { ...user, idTokenClaims: { session_expiry: sessionExpiry } }
        : user,
    ),
  };
}
