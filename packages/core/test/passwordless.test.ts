/**
 * Passwordless login against the dev tenant: a code by email, a code by text message and a magic
 * link each start a session; wrong, expired, used and locked codes are refused with typed errors;
 * a burst of starts is rate-limited with `retryAfter`.
 */
import { BrowserClient, readOutbox } from '@gatehouse/dev-tenant/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  InvalidArgumentError,
  PasswordlessStartError,
  PasswordlessVerifyError,
} from '../src/index.js';
import { MemoryCookieJar } from './support/memory-jar.js';
import { startTestApp, type TestApp } from './support/node-app.js';

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp(
    {},
    { passwordless: { codeLifetime: 2, maxAttempts: 3, maxStartsPerMinute: 3 } },
  );
});
afterAll(() => app.close());

const storeOptions = () => ({ cookies: new MemoryCookieJar() });
let inbox = 0;
/** A fresh address per test: codes and rate limits are per recipient. */
const newEmail = () => `pat${++inbox}-${Date.now()}@example.org`;
const lastMessage = async (to: string) => {
  const message = (await readOutbox({ tenantUrl: app.tenant.url, to })).at(-1);
  if (!message) throw new Error(`no message to ${to}`);
  return message;
};

describe('passwordless by one-time code', () => {
  it('signs a user in with an emailed code, with the ID token checked as at login', async () => {
    const email = newEmail();
    const started = await app.client.passwordless.start({ email });
    expect(started.id).toEqual(expect.any(String));
    const { code } = await lastMessage(email);
    const store = storeOptions();
    const session = await app.client.passwordless.verify({
      email,
      verificationCode: code,
      storeOptions: store,
    });
    expect(session.user).toMatchObject({ email, email_verified: true });
    expect(session.user.sub).toMatch(/^email\|/);
    expect(await app.client.getUser({ storeOptions: store })).toMatchObject({ email });
    // The same address later is the same user.
    await app.client.passwordless.start({ email });
    const again = await app.client.passwordless.verify({
      email,
      verificationCode: (await lastMessage(email)).code,
      storeOptions: storeOptions(),
    });
    expect(again.user.sub).toBe(session.user.sub);
  });

  it('signs a user in with a texted code, and gets tokens for an API', async () => {
    const phoneNumber = `+1415555${String(1000 + inbox++).slice(-4)}`;
    await app.client.passwordless.start({ phoneNumber });
    const store = storeOptions();
    const session = await app.client.passwordless.verify({
      phoneNumber,
      verificationCode: (await lastMessage(phoneNumber)).code,
      audience: 'https://api.example.com',
      scope: 'read:orders',
      storeOptions: store,
    });
    expect(session.user).toMatchObject({ phone_number: phoneNumber });
    const token = await app.client.getAccessToken({
      storeOptions: store,
      audience: 'https://api.example.com',
    });
    expect(token.scope).toContain('read:orders');
  });

  it('refuses a wrong code, a used code, an expired code and a locked code', async () => {
    const refusal = (email: string, verificationCode: string) =>
      app.client.passwordless
        .verify({ email, verificationCode, storeOptions: storeOptions() })
        .catch((error) => error);

    const wrong = newEmail();
    await app.client.passwordless.start({ email: wrong });
    const error = await refusal(wrong, '000000');
    expect(error).toBeInstanceOf(PasswordlessVerifyError);
    expect(error.code).toBe('invalid_grant');
    expect(error.message).toMatch(/wrong email or verification code/i);

    const used = newEmail();
    await app.client.passwordless.start({ email: used });
    const { code } = await lastMessage(used);
    await app.client.passwordless.verify({
      email: used,
      verificationCode: code,
      storeOptions: storeOptions(),
    });
    expect((await refusal(used, code)).code).toBe('invalid_grant');

    const locked = newEmail();
    await app.client.passwordless.start({ email: locked });
    const lockedCode = (await lastMessage(locked)).code;
    const wrongCode = lockedCode === '111111' ? '222222' : '111111';
    for (let attempt = 0; attempt < 3; attempt++) await refusal(locked, wrongCode);
    const lockedError = await refusal(locked, lockedCode);
    expect(lockedError).toBeInstanceOf(PasswordlessVerifyError);
    expect(lockedError.message).toMatch(/maximum number of attempts/i);

    const expired = newEmail();
    await app.client.passwordless.start({ email: expired });
    const expiredCode = (await lastMessage(expired)).code;
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    const expiredError = await refusal(expired, expiredCode);
    expect(expiredError).toBeInstanceOf(PasswordlessVerifyError);
    expect(expiredError.message).toMatch(/expired/i);
  });

  it('surfaces the tenant’s rate limit with retryAfter', async () => {
    const email = newEmail();
    const results = [];
    for (let start = 0; start < 5; start++) {
      results.push(await app.client.passwordless.start({ email }).catch((error) => error));
    }
    const limited = results.find((result) => result instanceof PasswordlessStartError);
    expect(limited).toBeInstanceOf(PasswordlessStartError);
    expect(limited?.code).toBe('too_many_requests');
    expect(limited?.retryAfter).toBeGreaterThan(0);
  });

  it('checks its arguments before calling the tenant', async () => {
    await expect(app.client.passwordless.start({ email: 'not-an-address' })).rejects.toBeInstanceOf(
      InvalidArgumentError,
    );
    await expect(app.client.passwordless.start({ phoneNumber: '555-0100' })).rejects.toBeInstanceOf(
      InvalidArgumentError,
    );
    await expect(
      app.client.passwordless.start({ email: 'a@example.org', send: 'link' }),
    ).rejects.toMatchObject({ code: 'missing_required_argument' });
  });
});

describe('passwordless by magic link', () => {
  it('completes at the app’s callback, with the login transaction’s checks', async () => {
    const email = newEmail();
    const browser = new BrowserClient();
    const started = await browser.request(
      `${app.url}/auth/passwordless-link?email=${encodeURIComponent(email)}`,
    );
    expect(started.status).toBe(200);
    const { link } = await lastMessage(email);
    expect(link).toEqual(expect.stringContaining('/passwordless/verify_redirect?'));
    const landed = await browser.navigate(link as string);
    expect(landed.url.pathname).toBe('/me');
    expect(JSON.parse(landed.body).user).toMatchObject({ email });

    // The link is single use: a second click does not sign anyone in.
    const other = new BrowserClient();
    await other.request(
      `${app.url}/auth/passwordless-link?email=${encodeURIComponent(newEmail())}`,
    );
    const replay = await other.navigate(link as string);
    expect(replay.url.pathname).not.toBe('/me');
  });
});
