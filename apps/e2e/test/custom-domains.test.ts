/**
 * The Express demo as `pnpm demo` runs it with multiple custom domains: one app answering as
 * `localhost` (signed in through the tenant's main domain) and as `127.0.0.1` (through its custom
 * domain), and a demo API that accepts tokens of both. In Chromium: one person, two hostnames, two
 * sessions, each on its own domain.
 */
import { createServer, type RequestListener } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startDemoApi } from '@gatehouse/demo-api';
import { createExpressWebApp, EXPRESS_WEB_APP } from '@gatehouse/demo-express-web';
import { demoAudiences, demoConfig } from '@gatehouse/demo-ui';
import { demoTenantConfig } from '@gatehouse/demo-ui/tenant';
import { type DevTenant, startDevTenant } from '@gatehouse/dev-tenant';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { launchChromium, withScreenshotOnFailure } from './support/browser.js';
import { clickAndLoad, logIn } from './support/flow.js';

const noop = async () => {};

describe('the Express demo on two hostnames, two tenant domains, in Chromium', () => {
  let browser: Browser;
  let tenant: DevTenant;
  let close: () => Promise<void>;
  let onMain: string;
  let onCustom: string;
  beforeAll(async () => {
    let listener: RequestListener | undefined;
    const web = createServer((req, res) => listener?.(req, res));
    await new Promise<void>((resolve) => web.listen(0, '127.0.0.1', resolve));
    const { port } = web.address() as AddressInfo;
    onMain = `http://localhost:${port}`;
    onCustom = `http://127.0.0.1:${port}`;
    tenant = await startDevTenant({
      customDomains: [{ port: 0 }],
      config: demoTenantConfig({ appUrls: [onMain, onCustom] }),
    });
    const custom = tenant.domains[1]?.url as string;
    const audiences = demoAudiences({});
    const api = await startDemoApi({
      domain: tenant.domain,
      customDomains: [custom],
      ordersAudience: audiences.orders,
      analyticsAudience: audiences.analytics,
      port: 0,
    });
    // The variables `pnpm demo` gives the Express app.
    listener = createExpressWebApp(
      demoConfig(EXPRESS_WEB_APP, {
        APP_BASE_URL: `${onMain},${onCustom}`,
        DOMAIN_BY_APP_HOST: `127.0.0.1=${custom}`,
        DEV_TENANT_URL: tenant.url,
        DEMO_API_URL: api.url,
      }),
    );
    browser = await launchChromium();
    close = async () => {
      web.closeAllConnections();
      await new Promise<void>((resolve) => web.close(() => resolve()));
      await Promise.all([api.close(), tenant.close()]);
    };
  });
  afterAll(async () => {
    await browser?.close();
    await close?.();
  });

  /** The domain Alice's profile on one hostname says she signed in through. */
  async function domainOnProfile(page: Page, appUrl: string) {
    await page.goto(`${appUrl}/profile`);
    return (await page.textContent('#session-domain'))?.trim();
  }

  test('each hostname signs in through its own domain, and the API takes both tokens', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    try {
      await withScreenshotOnFailure(page, 'express-web-custom-domains', async () => {
        const [main, custom] = tenant.domains;
        // Through the custom domain's login form.
        await logIn(page, { appUrl: onCustom, tenantUrl: custom?.url as string, close: noop });
        expect(await domainOnProfile(page, onCustom)).toBe(custom?.url);
        // Another hostname is another site for the browser: no session there yet. Its login
        // goes through the main domain, where the tenant already knows Alice: no form this time.
        await page.goto(onMain);
        await clickAndLoad(page, '#login');
        await page.waitForURL(`${onMain}/`);
        expect(await page.textContent('h1')).toContain('Welcome, Alice');
        expect(await domainOnProfile(page, onMain)).toBe(main?.url);

        // Each session's token (its issuer: its domain) is accepted by the demo API.
        for (const appUrl of [onCustom, onMain]) {
          await page.goto(`${appUrl}/tokens`);
          await clickAndLoad(page, '#call-list-orders');
          expect(await page.textContent('#api-status'), appUrl).toBe('200');
          expect(await page.textContent('#api-result pre'), appUrl).toContain('auth0|alice');
        }
      });
    } finally {
      await context.close();
    }
  });
});
