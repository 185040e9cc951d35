import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createExpressWebApp, EXPRESS_WEB_APP } from '@gatehouse/demo-express-web';
import type { Page } from 'playwright-core';
import { expect, test } from 'vitest';
import { launchChromium } from '../test/support/browser.js';
import { clickAndLoad, logIn } from '../test/support/flow.js';
import { startDemoStack } from '../test/support/stack.js';

const OUTPUT = fileURLToPath(new URL('../../../docs/screenshots/', import.meta.url));

test('screenshots of the main pages of the demo', async () => {
  mkdirSync(OUTPUT, { recursive: true });
  const [stack, browser] = await Promise.all([
    startDemoStack(EXPRESS_WEB_APP, async (config) => createExpressWebApp(config)),
    launchChromium(),
  ]);
  try {
    const page = await browser.newPage({ viewport: { width: 1100, height: 760 } });
    const shoot = (name: string, target: Page = page, fullPage = false) =>
      target.screenshot({ path: `${OUTPUT}${name}.png`, fullPage });

    await page.goto(stack.appUrl);
    await shoot('home');
    await clickAndLoad(page, '#login');
    await page.fill('input[name="username"]', 'alice@example.com');
    await page.fill('input[name="password"]', 'alice-password');
    await shoot('tenant-login');
    await page.close();

    const signedIn = await browser.newPage({ viewport: { width: 1100, height: 760 } });
    await logIn(signedIn, stack);
    await signedIn.goto(`${stack.appUrl}/profile`);
    await shoot('profile', signedIn);
    await signedIn.goto(`${stack.appUrl}/tokens`);
    await clickAndLoad(signedIn, '#call-analytics');
    await shoot('tokens', signedIn, true);
    await signedIn.goto(`${stack.appUrl}/accounts`);
    await clickAndLoad(signedIn, '#connect-google-oauth2');
    await shoot('connect-consent', signedIn);
    await clickAndLoad(signedIn, 'button[type="submit"]');
    await clickAndLoad(signedIn, '#upstream-google-oauth2');
    await shoot('connected-accounts', signedIn);
    expect(await signedIn.textContent('#upstream-result h2')).toContain('answered 200');
  } finally {
    await browser.close();
    await stack.close();
  }
});
