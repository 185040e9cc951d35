import { createServer, type RequestListener } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { WebAuthOptions } from '@gatehouse/core/web';
import { DEFAULT_CLIENTS, type DevTenant, startDevTenant } from '@gatehouse/dev-tenant';
import { BrowserClient, loginAs } from '@gatehouse/dev-tenant/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALICE, type BuildTestApp, errorCode, HTML, ORDERS_API, SECRET } from '../harness.js';

/** One app on two addresses of one server, in front of a tenant with one custom domain. */
interface TwoDomainApp {
  /** `http://127.0.0.1:P`, resolved to the tenant's main domain. */
  a: string;
  /** `http://localhost:P`: the same server, resolved to the custom domain. */
  b: string;
  tenant: DevTenant;
  close(): Promise<void>;
}

/** The app's addresses, mapped to the tenant's domains by the request's host. */
function resolverFor(tenant: DevTenant): NonNullable<WebAuthOptions['domain']> {
  const [main, custom] = tenant.domains;
  return ({ requestUrl }) =>
    new URL(requestUrl as string).hostname === 'localhost'
      ? (custom?.url as string)
      : (main?.url as string);
}

/**
 * Starts a framework's test app answering on `127.0.0.1` and `localhost` (one server: two origins
 * for the browser, so two cookie jars), with `appBaseUrl` listing both and `domain` a resolver.
 */
async function startTwoDomainApp(
  build: BuildTestApp,
  domain: (tenant: DevTenant) => WebAuthOptions['domain'] = resolverFor,
): Promise<TwoDomainApp> {
  let listener: RequestListener | undefined;
  const server = createServer((req, res) => listener?.(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const a = `http://127.0.0.1:${port}`;
  const b = `http://localhost:${port}`;
  const demo = DEFAULT_CLIENTS[0]!;
  const tenant = await startDevTenant({
    customDomains: [{ port: 0 }],
    config: {
      clients: [
        {
          ...demo,
          redirectUris: [`${a}/auth/callback`, `${b}/auth/callback`],
          allowedLogoutUrls: [`${a}/`, `${b}/`],
        },
      ],
    },
  });
  listener = await build(
    {
      domain: domain(tenant),
      clientId: demo.clientId,
      clientSecret: demo.clientSecret,
      secret: SECRET,
      appBaseUrl: [a, b],
    },
    { url: a, tenant, trustProxy: false },
  );
  return {
    a,
    b,
    tenant,
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await tenant.close();
    },
  };
}

const json = async (browser: BrowserClient, url: string) =>
  JSON.parse((await browser.navigate(url)).body);
const issuerOf = (jwt: string) =>
  JSON.parse(Buffer.from(jwt.split('.')[1] as string, 'base64url').toString()).iss as string;

/**
 * Multiple custom domains through a web integration: one app serving two origins, each resolving
 * to its own domain of one tenant. Sessions, refreshes and logouts stay on their domain.
 */
export function describeCustomDomains(build: BuildTestApp): void {
  describe('multiple custom domains: one app, two origins, two tenant domains', () => {
    let app: TwoDomainApp;
    const onA = new BrowserClient();
    const onB = new BrowserClient();
    beforeAll(async () => {
      app = await startTwoDomainApp(build);
      await loginAs(onA, { startUrl: `${app.a}/auth/login`, ...ALICE });
      await loginAs(onB, { startUrl: `${app.b}/auth/login`, ...ALICE });
    });
    afterAll(() => app.close());

    it('Alice signs in on A and on B: each session records its domain', async () => {
      const [main, custom] = app.tenant.domains;
      const a = (await json(onA, `${app.a}/session`)).session;
      const b = (await json(onB, `${app.b}/session`)).session;
      expect(a).toMatchObject({
        domain: main?.url,
        user: { sub: 'auth0|alice', iss: main?.issuer },
      });
      expect(b).toMatchObject({
        domain: custom?.url,
        user: { sub: 'auth0|alice', iss: custom?.issuer },
      });
    });

    it('A’s cookie sent to B’s origin is no session there', async () => {
      const stolen = onA.cookies.headerFor(new URL(app.a));
      expect(stolen).toBeTruthy();
      const response = await fetch(`${app.b}/me`, { headers: { cookie: stolen as string } });
      expect(await response.json()).toMatchObject({ user: null, authenticated: false });
      // And the session is still A's, on A.
      expect((await json(onA, `${app.a}/me`)).user.sub).toBe('auth0|alice');
    });

    it('tokens are refreshed at the session’s domain', async () => {
      const [main, custom] = app.tenant.domains;
      const a = await json(onA, `${app.a}/token?audience=${encodeURIComponent(ORDERS_API)}`);
      const b = await json(onB, `${app.b}/token?audience=${encodeURIComponent(ORDERS_API)}`);
      expect(issuerOf(a.accessToken)).toBe(main?.issuer);
      expect(issuerOf(b.accessToken)).toBe(custom?.issuer);
    });

    it('logout goes to the session’s domain', async () => {
      const [main, custom] = app.tenant.domains;
      for (const [browser, origin, domain] of [
        [onA, app.a, main],
        [onB, app.b, custom],
      ] as const) {
        const response = await browser.request(`${origin}/auth/logout`, { headers: HTML });
        expect(response.status).toBe(302);
        expect(response.headers.get('location')).toMatch(new RegExp(`^${domain?.url}/`));
        expect((await json(browser, `${origin}/me`)).user).toBeNull();
      }
    });
  });

  describe('a domain resolver that throws', () => {
    let app: TwoDomainApp;
    beforeAll(async () => {
      app = await startTwoDomainApp(build, () => () => {
        throw new Error('no such brand');
      });
    });
    afterAll(() => app.close());

    it('gives a clean 500 page, without a stack, and stores nothing', async () => {
      const browser = new BrowserClient();
      const response = await browser.request(`${app.a}/auth/login`, { headers: HTML });
      const body = await response.text();
      expect(response.status).toBe(500);
      expect(errorCode(body)).toBe('domain_resolver_error');
      expect(body).not.toContain('no such brand');
      expect(body).not.toMatch(/\n\s+at /);
      expect(response.headers.getSetCookie()).toEqual([]);
    });
  });
}
