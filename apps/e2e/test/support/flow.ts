import { MFA_ACR } from '@gatehouse/demo-ui';
import { readOutbox } from '@gatehouse/dev-tenant/testing';
import type { Page } from 'playwright-core';
import { expect } from 'vitest';
import type { DemoStack } from './stack.js';

const ALICE = { email: 'alice@example.com', password: 'alice-password' };

/** A moment as the demo pages show it: "4 Dec 2026, 15:04 UTC". */
const PEOPLE_TIME = /^\d{1,2} [A-Z][a-z]{2} \d{4}, \d\d:\d\d UTC$/;

/** Clicks something that loads a new page (a link, a form button) and waits for that page. */
export async function clickAndLoad(page: Page, selector: string): Promise<void> {
  const loaded = page.waitForEvent('load');
  await page.click(selector);
  await loaded;
}

const text = async (page: Page, selector: string) => (await page.textContent(selector)) ?? '';

/** Logs Alice in from the app's home page through the tenant's login form. */
export async function logIn(page: Page, { appUrl, tenantUrl }: DemoStack): Promise<void> {
  await page.goto(appUrl);
  await clickAndLoad(page, '#login');
  expect(page.url().startsWith(`${tenantUrl}/`)).toBe(true);
  await page.fill('input[name="username"]', ALICE.email);
  await page.fill('input[name="password"]', ALICE.password);
  await page.click('button[type="submit"]');
  await page.waitForURL(`${appUrl}/`);
  expect(await text(page, 'h1')).toContain('Welcome, Alice');
}

/**
 * What a person does in a demo app, end to end: log in through the tenant's form, read the
 * profile, get tokens for both APIs and call the demo API with each, connect an account on the
 * provider's consent page, call the upstream API with a Token Vault token, delete the account,
 * log out, and find the profile behind the login again.
 */
export async function demoFlow(page: Page, stack: DemoStack): Promise<void> {
  const { appUrl, tenantUrl } = stack;
  await logIn(page, stack);

  await page.goto(`${appUrl}/profile`);
  expect(await text(page, '#profile-name')).toBe('Alice');
  expect(await text(page, '#claims')).toContain('alice@example.com');
  // Alice's tenant sends a session_expiry ceiling, earlier than the session's own lifetime.
  expect(await text(page, '#session-ceiling')).toMatch(PEOPLE_TIME);
  expect(await text(page, '#session-ends')).toBe(await text(page, '#session-ceiling'));
  // The app's session hook added Alice's role from its own table.
  expect(await text(page, '#session-role')).toBe('admin');

  await page.goto(`${appUrl}/tokens`);
  expect(await text(page, '[data-api="orders"]')).toContain('"aud": "https://api.example.com"');
  // The demo runs with DPoP on: each token is bound to the app's key (its thumbprint, cnf.jkt).
  expect(await text(page, '[data-api="orders"] .token-type')).toBe('DPoP');
  expect(await text(page, '[data-api="orders"] .token-jkt')).toMatch(/^[\w-]{43}$/);
  expect(await text(page, '[data-api="analytics"]')).toContain(
    '"aud": "https://analytics.example.com"',
  );
  const calls = [
    { id: 'list-orders', status: '200', says: '"served_by": "fastify"' },
    { id: 'orders-summary', status: '200', says: '"served_by": "express"' },
    // On behalf of Alice: the reports API sees her, and the orders API (demo-api) acting.
    { id: 'orders-report', status: '200', says: '"act": [\n      "demo-api"\n    ]' },
    { id: 'create-order', status: '403', says: 'insufficient_scope' },
    { id: 'analytics', status: '200', says: '"visits"' },
  ];
  for (const call of calls) {
    await clickAndLoad(page, `#call-${call.id}`);
    expect(await text(page, '#api-status'), call.id).toBe(call.status);
    expect(await text(page, '#api-result pre'), call.id).toContain(call.says);
  }
  expect(await text(page, '#api-result pre')).toContain('auth0|alice');

  // Link a second identity (the tenant's simulated Google), come back signed in, unlink it.
  await page.goto(`${appUrl}/profile`);
  await clickAndLoad(page, '#link-google');
  expect(page.url().startsWith(`${tenantUrl}/`)).toBe(true);
  await page.click('form[action$="/link"] button');
  await page.waitForURL(`${appUrl}/profile`);
  expect(await text(page, '#profile-name')).toBe('Alice');
  await clickAndLoad(page, '#unlink-google');
  expect(page.url()).toBe(`${appUrl}/profile`);
  expect(await text(page, '#profile-name')).toBe('Alice');

  await page.goto(`${appUrl}/accounts`);
  expect(await text(page, '#accounts')).toContain('No connected accounts yet');
  await clickAndLoad(page, '#connect-google-oauth2');
  expect(page.url().startsWith(`${tenantUrl}/connect`)).toBe(true);
  await page.click('button[type="submit"]');
  await page.waitForURL(`${appUrl}/accounts`);
  expect(await text(page, '#accounts')).toContain('google-oauth2');
  // When it was connected, as people write dates, not a raw ISO string.
  expect(await text(page, '#accounts')).toMatch(
    new RegExp(`since ${PEOPLE_TIME.source.slice(1, -1)}`),
  );
  expect(await text(page, '#accounts')).not.toMatch(/\d{4}-\d\d-\d\dT/);

  await clickAndLoad(page, '#upstream-google-oauth2');
  expect(await text(page, '#upstream-result h2')).toContain('google-oauth2 API answered 200');
  expect(await text(page, '#upstream-result pre')).toContain('auth0|alice');

  await clickAndLoad(page, '#delete-google-oauth2');
  expect(page.url()).toBe(`${appUrl}/accounts`);
  expect(await text(page, '#accounts')).toContain('No connected accounts yet');

  await page.click('#logout');
  await page.waitForURL(`${appUrl}/`);
  expect(await page.isVisible('#login')).toBe(true);
  await page.goto(`${appUrl}/profile`);
  expect(page.url().startsWith(`${tenantUrl}/`)).toBe(true);
  expect(await page.isVisible('input[name="password"]')).toBe(true);
}

/** Errors a person can meet end on the app's own page: a refused connection, a wrong address. */
export async function errorPagesFlow(page: Page, stack: DemoStack): Promise<void> {
  const { appUrl } = stack;
  await logIn(page, stack);
  await page.goto(`${appUrl}/accounts`);
  await clickAndLoad(page, '#connect-google-oauth2');
  await clickAndLoad(page, '#deny');
  expect(await text(page, 'h1')).toBe('Something went wrong');
  expect(await text(page, '#error-message')).toContain('The user denied access');
  expect(await text(page, '#error-message')).toContain('The connection was refused');
  expect(await text(page, '#error-message')).not.toContain('refused the login');
  expect(await text(page, 'header')).toContain('Alice');

  const missing = await page.goto(`${appUrl}/no-such-page`);
  expect(missing?.status()).toBe(404);
  expect(await text(page, '#error-code')).toBe('not_found');
}

/** The narrowest phone the demo pages are made for, in CSS pixels. */
export const PHONE_WIDTH = 360;

/** What must hold on every page at a phone's width: nothing wider than the screen, all readable. */
async function fitsThePhone(page: Page, where: string): Promise<void> {
  const layout = await page.evaluate(() => {
    const box = (selector: string) => {
      const element = document.querySelector(selector);
      if (!element) return undefined;
      const { left, right, top, bottom } = element.getBoundingClientRect();
      return { left, right, top, bottom };
    };
    const name = document.querySelector('#user-name');
    return {
      scrollWidth: document.documentElement.scrollWidth,
      viewport: document.documentElement.clientWidth,
      header: box('header'),
      logout: box('#logout'),
      name: box('#user-name'),
      nameColor: name ? getComputedStyle(name).color : undefined,
    };
  });
  expect(layout.viewport, `${where}: viewport`).toBe(PHONE_WIDTH);
  expect(layout.scrollWidth, `${where}: page width`).toBeLessThanOrEqual(PHONE_WIDTH);
  if (layout.logout && layout.header && layout.name) {
    // "Log out" on screen, and the user's name inside the dark header, in a light colour.
    expect(layout.logout.right, `${where}: Log out`).toBeLessThanOrEqual(layout.viewport);
    expect(layout.logout.left, `${where}: Log out`).toBeGreaterThanOrEqual(0);
    expect(layout.name.right, `${where}: the name`).toBeLessThanOrEqual(layout.header.right);
    expect(layout.name.bottom, `${where}: the name`).toBeLessThanOrEqual(layout.header.bottom);
    expect(layout.nameColor, `${where}: the name's colour`).toBe('rgb(255, 255, 255)');
  }
}

/**
 * The demo on a 360 px wide phone: every page (signed out, signed in, with a connected account,
 * the tenant's own pages, an error) fits the screen, and the user's name and "Log out" are
 * visible. Also: every host answers `/favicon.ico`.
 */
export async function phoneFlow(page: Page, stack: DemoStack): Promise<void> {
  const { appUrl, tenantUrl } = stack;
  await page.goto(appUrl);
  await fitsThePhone(page, 'home, signed out');
  await clickAndLoad(page, '#login');
  await fitsThePhone(page, "the tenant's login page");
  await page.fill('input[name="username"]', ALICE.email);
  await page.fill('input[name="password"]', ALICE.password);
  await page.click('button[type="submit"]');
  await page.waitForURL(`${appUrl}/`);
  expect(await page.isVisible('#logout')).toBe(true);
  expect(await text(page, '#user-name')).toBe('Alice');
  for (const path of ['/', '/profile', '/tokens', '/accounts', '/no-such-page']) {
    await page.goto(`${appUrl}${path}`);
    await fitsThePhone(page, path);
  }
  await page.goto(`${appUrl}/tokens`);
  await clickAndLoad(page, '#call-list-orders');
  await fitsThePhone(page, 'an API call');
  await page.goto(`${appUrl}/accounts`);
  await clickAndLoad(page, '#connect-google-oauth2');
  await fitsThePhone(page, "the provider's consent page");
  await page.click('button[type="submit"]');
  await page.waitForURL(`${appUrl}/accounts`);
  await fitsThePhone(page, 'accounts, with one connected');
  await clickAndLoad(page, '#delete-google-oauth2');

  for (const origin of [appUrl, tenantUrl]) {
    const icon = await page.request.get(`${origin}/favicon.ico`);
    expect(icon.status(), `${origin}/favicon.ico`).toBe(200);
    expect(icon.headers()['content-type'], `${origin}/favicon.ico`).toContain('image/');
  }
}

/**
 * Step-up in a demo app: Alice signs in with her password only, opens the Admin page, is asked by
 * the tenant for a second factor (a code it emails: read from the dev tenant's outbox, as a person
 * reads their mail), comes back to the page, which shows the multi-factor `acr`; opening it again
 * asks nothing.
 */
export async function stepUpFlow(page: Page, stack: DemoStack): Promise<void> {
  const { appUrl, tenantUrl } = stack;
  await logIn(page, stack);
  await clickAndLoad(page, 'a[href="/admin"]');
  expect(page.url().startsWith(`${tenantUrl}/`)).toBe(true);
  expect(await page.isVisible('input[name="otp"]')).toBe(true);
  const [message] = (await readOutbox({ tenantUrl, to: ALICE.email })).slice(-1);
  await page.fill('input[name="otp"]', message?.code ?? '');
  await page.click('button[type="submit"]');
  await page.waitForURL(`${appUrl}/admin`);
  expect(await text(page, '#admin-acr')).toBe(MFA_ACR);
  expect(await text(page, '#admin-amr')).toBe('mfa');
  await page.goto(`${appUrl}/admin`);
  expect(page.url()).toBe(`${appUrl}/admin`);
  expect(await text(page, '#admin-title')).toBe('Admin');
}

/**
 * "Sign out everywhere": Alice is signed in in two browsers (two contexts); from one, she signs
 * out everywhere; the other's session in the app is over too.
 */
export async function signOutEverywhereFlow(
  page: Page,
  stack: DemoStack,
  other: Page,
): Promise<void> {
  const { appUrl } = stack;
  await logIn(page, stack);
  await logIn(other, stack);
  await page.goto(`${appUrl}/profile`);
  await clickAndLoad(page, '#sign-out-everywhere');
  expect(await page.isVisible('#login')).toBe(true);
  // The other browser's session in the app has ended: its home page offers the login again.
  // (Its tenant session is its own: a protected page would sign it in again without a form.)
  await other.goto(`${appUrl}/`);
  expect(await other.isVisible('#login')).toBe(true);
}
