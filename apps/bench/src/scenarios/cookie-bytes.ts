/**
 * Cookie bytes (issue 27): what a browser sends on every request after a real login, with access
 * tokens for 1, 3 and 10 APIs. Gatehouse's cookie session logs in for the first API and gets the
 * others through its refresh token (`getAccessToken`, one after the other); express-openid-connect
 * and auth0-server-js log in for the first API (they keep one access token per session). Every
 * library logs in with `offline_access`, so each session also holds a refresh token.
 */
import { DEMO_CLIENT_SECRET, type DevClientConfig, startDevTenant } from '@gatehouse/dev-tenant';
import { BrowserClient, loginAs } from '@gatehouse/dev-tenant/testing';
import type { Measurement } from '../report.js';
import { SESSION_PATH } from '../servers/types.js';
import {
  type Candidate,
  type Contestant,
  closeAll,
  configureAll,
  listenAll,
} from '../support/http-scenario.js';
import type { LocalIssuer } from '../support/issuer.js';

const ALICE = { email: 'alice@example.com', password: 'alice-password' };
const SESSION_SECRET = 'gatehouse-bench-session-secret-at-least-32-characters';
const APIS = Array.from({ length: 10 }, (_, index) => `https://api-${index + 1}.bench.example`);
const COUNTS = [1, 3, 10];

const SERVERS: Array<Candidate & { login: string; callback: string; prefix: string }> = [
  {
    id: 'session-gatehouse-cookie',
    label: '@gatehouse/express, cookie session',
    role: 'gatehouse',
    login: '/auth/login',
    callback: '/auth/callback',
    prefix: 'gatehouse.session',
  },
  {
    id: 'session-express-openid-connect',
    label: 'express-openid-connect',
    role: 'peer',
    login: '/login',
    callback: '/callback',
    prefix: 'appSession',
  },
  {
    id: 'session-auth0-server-js',
    label: '@auth0/auth0-server-js, stateless store',
    role: 'info',
    login: '/login',
    callback: '/callback',
    prefix: '__a0_session',
  },
];

/** The app's session cookies in the browser: their `Cookie` header bytes and how many. */
function sessionCookie(browser: BrowserClient, contestant: Contestant, prefix: string) {
  const page = new URL(`${contestant.baseUrl}${SESSION_PATH}`);
  const names = browser.cookies.names(page).filter((name) => name.startsWith(prefix));
  const header = names.map((name) => `${name}=${browser.cookies.get(page, name)}`).join('; ');
  return { bytes: Buffer.byteLength(header), chunks: names.length };
}

export async function runCookieBytes(_issuer: LocalIssuer): Promise<Measurement[]> {
  const contestants = await listenAll(SERVERS);
  const clients: DevClientConfig[] = contestants.map((contestant) => ({
    clientId: `bench-bytes-${contestant.candidate.id}`,
    clientSecret: DEMO_CLIENT_SECRET,
    redirectUris: [
      `${contestant.baseUrl}${(SERVERS.find((s) => s.id === contestant.candidate.id) ?? SERVERS[0])?.callback}`,
    ],
    allowedLogoutUrls: [`${contestant.baseUrl}/`],
    refreshTokenPolicies: APIS.map((audience) => ({ audience, scope: 'read:data' })),
  }));
  const tenant = await startDevTenant({
    config: { clients, apis: APIS.map((identifier) => ({ identifier, scopes: 'read:data' })) },
  });
  const measurements: Measurement[] = [];
  try {
    await configureAll(contestants, (contestant) => ({
      issuer: _issuer.info(),
      tenant: {
        url: tenant.url,
        clientId: `bench-bytes-${contestant.candidate.id}`,
        clientSecret: DEMO_CLIENT_SECRET,
      },
      secret: SESSION_SECRET,
      loginAudience: APIS[0],
    }));
    for (const contestant of contestants) {
      const server = SERVERS.find((s) => s.id === contestant.candidate.id);
      if (!server) continue;
      const base = {
        group: 'cookie-bytes' as const,
        role: contestant.candidate.role,
        unit: 'B' as const,
        checks: [] as string[],
        ratios: {},
      };
      try {
        if (contestant.failure) throw new Error(contestant.failure);
        const browser = new BrowserClient();
        await loginAs(browser, { startUrl: `${contestant.baseUrl}${server.login}`, ...ALICE });
        let held = 1;
        for (const count of server.id === 'session-gatehouse-cookie' ? COUNTS : [1]) {
          if (count > held) {
            const audiences = APIS.slice(held, count).join(',');
            const response = await browser.navigate(
              `${contestant.baseUrl}/bench/tokens?audiences=${encodeURIComponent(audiences)}`,
            );
            if (response.response.status !== 200)
              throw new Error(`tokens for ${count} APIs: ${response.response.status}`);
            held = count;
          }
          const { bytes, chunks } = sessionCookie(browser, contestant, server.prefix);
          if (chunks === 0) throw new Error('no session cookie after the login');
          measurements.push({
            ...base,
            id: `bytes-${server.id}-${count}`,
            label: `${contestant.candidate.label}, ${count} API${count > 1 ? 's' : ''}`,
            status: 'ok',
            median: bytes,
            details: { apis: count, chunks },
            checks: ['logged in through the dev tenant'],
          });
        }
      } catch (error) {
        measurements.push({
          ...base,
          id: `bytes-${server.id}-1`,
          label: contestant.candidate.label,
          status: 'failed',
          reason: (error as Error).message,
        });
      }
    }
    return measurements;
  } finally {
    await closeAll(contestants);
    await tenant.close();
  }
}
