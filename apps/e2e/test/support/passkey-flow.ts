import type { DemoApp } from '@gatehouse/demo-ui';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { launchChromium, withScreenshotOnFailure } from './browser.js';
import { clickAndLoad } from './flow.js';
import { type DemoStack, startDemoStack, type WebAppFactory } from './stack.js';

/**
 * Gives the page a platform authenticator through the DevTools protocol (Chromium's virtual
 * authenticator): CTAP2, internal, discoverable credentials, user verification that succeeds.
 */
async function addVirtualAuthenticator(page: Page): Promise<void> {
  const session = await page.context().newCDPSession(page);
  await session.send('WebAuthn.enable');
  await session.send('WebAuthn.addVirtualAuthenticator', {
    options: {
      protocol: 'ctap2',
      transport: 'internal',
      hasResidentKey: true,
      hasUserVerification: true,
      isUserVerified: true,
      automaticPresenceSimulation: true,
    },
  });
}

/** Creates a passkey on the home page, logs out, and signs in with it. */
async function passkeyFlow(page: Page, { appUrl }: DemoStack): Promise<void> {
  await addVirtualAuthenticator(page);
  await page.goto(appUrl);
  await page.fill('#passkey-email', 'passkey-user@example.com');
  await page.fill('#passkey-name', 'Pasha');
  await page.click('#passkey-create');
  await page.waitForURL(`${appUrl}/profile`);
  expect(await page.textContent('#profile-name')).toBe('Pasha');

  await clickAndLoad(page, '#logout');
  await page.goto(appUrl);
  expect(await page.isVisible('#login')).toBe(true);

  await page.click('#passkey-signin');
  await page.waitForURL(`${appUrl}/profile`);
  expect(await page.textContent('#user-name')).toContain('Pasha');
}

/** The passkey test of one demo app, on `localhost` (browsers take no IP address as an RP ID). */
export function describePasskeysInBrowser(app: DemoApp, createApp: WebAppFactory): void {
  describe(`${app.appName} passkeys in Chromium`, () => {
    let stack: DemoStack;
    let browser: Browser;
    beforeAll(async () => {
      [stack, browser] = await Promise.all([
        startDemoStack(app, createApp, 'localhost'),
        launchChromium(),
      ]);
    });
    afterAll(async () => {
      await browser?.close();
      await stack?.close();
    });

    test('create a passkey, log out, sign in with it (virtual authenticator)', async () => {
      const context = await browser.newContext();
      const page = await context.newPage();
      try {
        await withScreenshotOnFailure(page, `${app.appId}-passkeys`, () =>
          passkeyFlow(page, stack),
        );
      } finally {
        await context.close();
      }
    });
  });
}
