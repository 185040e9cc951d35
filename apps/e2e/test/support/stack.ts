import { createServer, type RequestListener } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startDemoApi } from '@gatehouse/demo-api';
import { type DemoApp, type DemoConfig, demoAudiences, demoConfig } from '@gatehouse/demo-ui';
import { DEMO_API_CLIENT, demoTenantConfig, REPORTS_AUDIENCE } from '@gatehouse/demo-ui/tenant';
import { startDevTenant } from '@gatehouse/dev-tenant';

/** Builds a demo web app from its configuration, as a request listener. */
export type WebAppFactory = (config: DemoConfig) => Promise<RequestListener>;

/** The demo running for one test file: the dev tenant, the demo API and one web app. */
export interface DemoStack {
  appUrl: string;
  tenantUrl: string;
  close(): Promise<void>;
}

/**
 * Starts what `pnpm demo` starts, on free ports: the app's server listens first, because the
 * tenant must know the app's callback URL and the app must know the tenant's.
 */
export async function startDemoStack(
  app: DemoApp,
  createApp: WebAppFactory,
  /** The app's host name: `localhost` for passkeys (browsers take no IP address as an RP ID). */
  host: '127.0.0.1' | 'localhost' = '127.0.0.1',
): Promise<DemoStack> {
  let listener: RequestListener | undefined;
  const web = createServer((req, res) => listener?.(req, res));
  await new Promise<void>((resolve) => web.listen(0, '127.0.0.1', resolve));
  const appUrl = `http://${host}:${(web.address() as AddressInfo).port}`;

  const tenant = await startDevTenant({ config: demoTenantConfig({ appUrls: [appUrl] }) });
  const audiences = demoAudiences({});
  const api = await startDemoApi({
    domain: tenant.domain,
    client: DEMO_API_CLIENT,
    reportsAudience: REPORTS_AUDIENCE,
    ordersAudience: audiences.orders,
    analyticsAudience: audiences.analytics,
    port: 0,
  });
  // Only what differs from `pnpm demo`: the addresses. Everything else is the demo's own default.
  listener = await createApp(
    demoConfig(app, { APP_BASE_URL: appUrl, DEV_TENANT_URL: tenant.url, DEMO_API_URL: api.url }),
  );
  return {
    appUrl,
    tenantUrl: tenant.url,
    async close() {
      web.closeAllConnections();
      await new Promise<void>((resolve) => web.close(() => resolve()));
      await Promise.all([api.close(), tenant.close()]);
    },
  };
}
