import type { DemoApp } from '@gatehouse/demo-ui';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, test } from 'vitest';
import { launchChromium, withScreenshotOnFailure } from './browser.js';
import {
  demoFlow,
  errorPagesFlow,
  PHONE_WIDTH,
  phoneFlow,
  signOutEverywhereFlow,
  stepUpFlow,
} from './flow.js';
import { backchannelFlow, emailCodeFlow } from './sign-in-flows.js';
import { type DemoStack, startDemoStack, type WebAppFactory } from './stack.js';

/**
 * The browser tests of one demo web app: one Chromium and one demo stack for the file, a fresh
 * browser context (cookies) per test.
 */
export function describeDemoInBrowser(app: DemoApp, createApp: WebAppFactory): void {
  describe(`${app.appName} in Chromium`, () => {
    let stack: DemoStack;
    let browser: Browser;
    beforeAll(async () => {
      [stack, browser] = await Promise.all([startDemoStack(app, createApp), launchChromium()]);
    });
    afterAll(async () => {
      await browser?.close();
      await stack?.close();
    });

    const inBrowser =
      (name: string, flow: typeof demoFlow, phone = false) =>
      async () => {
        const context = await browser.newContext(
          phone ? { viewport: { width: PHONE_WIDTH, height: 740 } } : {},
        );
        const page = await context.newPage();
        try {
          await withScreenshotOnFailure(page, `${app.appId}-${name}`, () => flow(page, stack));
        } finally {
          await context.close();
        }
      };

    test(
      'log in, profile, tokens for both APIs, API calls, connect, upstream call, delete, log out',
      inBrowser('flow', demoFlow),
    );
    test(
      'a refused connection and an unknown page show the friendly error page',
      inBrowser('errors', errorPagesFlow),
    );
    test(
      'the Admin page steps up: a second factor (emailed code), then the page, then no new ask',
      inBrowser('step-up', stepUpFlow),
    );
    test('sign out everywhere ends the session in another browser too', async () => {
      const [first, second] = await Promise.all([browser.newContext(), browser.newContext()]);
      const page = await first.newPage();
      try {
        await withScreenshotOnFailure(page, `${app.appId}-everywhere`, async () =>
          signOutEverywhereFlow(page, stack, await second.newPage()),
        );
      } finally {
        await Promise.all([first.close(), second.close()]);
      }
    });
    test(
      'signs a new user in with an emailed one-time code',
      inBrowser('email-code', emailCodeFlow),
    );
    test('an agent asks Bob to approve (CIBA); Bob approves on the tenant’s page', async () => {
      const context = await browser.newContext();
      const page = await context.newPage();
      try {
        await withScreenshotOnFailure(page, `${app.appId}-ciba`, async () =>
          backchannelFlow(page, stack, await context.newPage()),
        );
      } finally {
        await context.close();
      }
    });
    test(
      'fits a 360 px phone: no page wider than the screen, name and log out visible; favicons',
      inBrowser('phone', phoneFlow, true),
    );
  });
}
