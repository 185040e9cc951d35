import { readOutbox } from '@gatehouse/dev-tenant/testing';
import type { Page } from 'playwright-core';
import { expect } from 'vitest';
import { clickAndLoad, logIn } from './flow.js';
import type { DemoStack } from './stack.js';

const text = async (page: Page, selector: string) => (await page.textContent(selector)) ?? '';

/**
 * Passwordless in a demo app: a new user types an email address on the home page, reads the code
 * in the dev tenant's outbox (as a person reads their mail), types it in, and is signed in.
 */
export async function emailCodeFlow(page: Page, { appUrl, tenantUrl }: DemoStack): Promise<void> {
  const email = `casey-${Date.now()}@example.org`;
  await page.goto(appUrl);
  await page.fill('#passwordless-email', email);
  await clickAndLoad(page, '#passwordless-send');
  expect(page.url()).toBe(`${appUrl}/passwordless`);
  const [message] = (await readOutbox({ tenantUrl, to: email })).slice(-1);
  await page.fill('#passwordless-code', message?.code ?? '');
  await clickAndLoad(page, '#passwordless-verify');
  expect(page.url()).toBe(`${appUrl}/profile`);
  expect(await text(page, '#claims')).toContain(email);
  expect(await text(page, '#claims')).toContain('email|');
}

/**
 * CIBA in a demo app: Alice, an agent, asks Bob to approve "Refund 42"; the waiting page polls
 * while Bob, in another tab (his "phone": the dev tenant's approval page), approves; the waiting
 * page then shows Bob's approval and the token it brought.
 */
export async function backchannelFlow(page: Page, stack: DemoStack, phone: Page): Promise<void> {
  const { appUrl, tenantUrl } = stack;
  await logIn(page, stack);
  await clickAndLoad(page, '#ciba-link');
  await page.selectOption('#ciba-user', 'auth0|bob');
  await page.fill('#ciba-message', 'Refund 42');
  await clickAndLoad(page, '#ciba-ask');
  expect(page.url()).toMatch(new RegExp(`^${appUrl}/ciba/[\\w-]+$`));
  expect(await text(page, '#ciba-state')).toContain('Waiting for Bob');
  expect(await page.getAttribute('#ciba-approval', 'href')).toBe(`${tenantUrl}/ciba`);

  await phone.goto(`${tenantUrl}/ciba`);
  const request = phone.locator('section.request', { hasText: 'Refund 42' });
  expect(await request.count()).toBe(1);
  const approved = phone.waitForEvent('load');
  await request.locator('form[action$="/approve"] button').click();
  await approved;

  // The waiting page refreshes itself every interval (2 s in the demo's tenant).
  await page.locator('#ciba-claims').waitFor({ timeout: 15_000 });
  expect(await text(page, '#ciba-state')).toContain('Bob approved');
  expect(await text(page, '#ciba-claims')).toContain('auth0|bob');
}
