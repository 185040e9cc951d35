/**
 * Custom token exchange and session transfer against the dev tenant: a legacy token exchanged (and
 * refused when the profile refuses it), a web session started from one, and a session transfer
 * token that signs a second browser in exactly once.
 */
import type { DevTenantConfig } from '@gatehouse/dev-tenant';
import { BrowserClient, loginAs, parseForms } from '@gatehouse/dev-tenant/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildSessionTransferRedirect,
  CustomTokenExchangeError,
  InvalidArgumentError,
  MissingRequiredArgumentError,
} from '../src/index.js';
import { jarOf, MemoryCookieJar } from './support/memory-jar.js';
import { countingFetch, startTestApp, type TestApp } from './support/node-app.js';

const LEGACY = 'urn:acme:legacy-token';
const ALICE = { email: 'alice@example.com', password: 'alice-password' };
const TENANT: DevTenantConfig = {
  tokenExchangeProfiles: [
    {
      subjectTokenType: LEGACY,
      validate(subjectToken) {
        if (subjectToken === 'legacy-alice') return { sub: 'auth0|alice' };
        if (subjectToken === 'legacy-alice-by-agent')
          return { sub: 'auth0|alice', actor: 'agent-7' };
        throw new Error('the legacy system does not know this token');
      },
    },
  ],
};

let app: TestApp;
const counter = countingFetch();
beforeAll(async () => {
  app = await startTestApp({ fetch: counter.fetch }, TENANT);
});
afterAll(() => app.close());
const noStore = () => ({ cookies: new MemoryCookieJar() });

describe('customTokenExchange', () => {
  it('trades a legacy token for the user’s tokens, its ID token checked', async () => {
    const result = await app.client.customTokenExchange({
      subjectToken: 'legacy-alice',
      subjectTokenType: LEGACY,
      audience: 'https://api.example.com',
      scope: 'openid read:orders',
    });
    expect(result.accessToken).toEqual(expect.any(String));
    expect(result.claims).toMatchObject({ sub: 'auth0|alice', aud: 'demo-web' });
    expect(result.act).toBeUndefined();
  });

  it('surfaces who acts for the user (act)', async () => {
    const result = await app.client.customTokenExchange({
      subjectToken: 'legacy-alice-by-agent',
      subjectTokenType: LEGACY,
      scope: 'openid',
    });
    expect(result.act).toEqual({ sub: 'agent-7' });
  });

  it.each<[string, string, string]>([
    ['a token the profile refuses', 'legacy-mallory', LEGACY],
    ['a type no profile takes', 'legacy-alice', 'urn:acme:unknown'],
  ])('refuses %s with the tenant’s error', async (_what, subjectToken, subjectTokenType) => {
    const error = await app.client
      .customTokenExchange({ subjectToken, subjectTokenType, scope: 'openid' })
      .catch((caught) => caught);
    expect(error).toBeInstanceOf(CustomTokenExchangeError);
    expect(['invalid_grant', 'invalid_request']).toContain(error.code);
  });

  it.each<[string, Record<string, string>, string]>([
    ['no subject token', { subjectToken: ' ', subjectTokenType: LEGACY }, 'invalid_token_format'],
    [
      'no subject type',
      { subjectToken: 'legacy-alice', subjectTokenType: '' },
      'invalid_token_format',
    ],
    [
      'a Bearer prefix',
      { subjectToken: 'Bearer legacy-alice', subjectTokenType: LEGACY },
      'invalid_token_format',
    ],
    [
      'an actor without a type',
      { subjectToken: 'x', subjectTokenType: LEGACY, actorToken: 'y' },
      'missing_actor_token_type',
    ],
    [
      'an actor type without a token',
      { subjectToken: 'x', subjectTokenType: LEGACY, actorTokenType: 'y' },
      'missing_actor_token',
    ],
    [
      'a blank organization',
      { subjectToken: 'x', subjectTokenType: LEGACY, organization: ' ' },
      'invalid_token_format',
    ],
  ])('refuses %s before sending anything', async (_what, options, code) => {
    const before = counter.count('urn:ietf:params:oauth:grant-type:token-exchange');
    await expect(app.client.customTokenExchange(options as never)).rejects.toMatchObject({ code });
    expect(counter.count('urn:ietf:params:oauth:grant-type:token-exchange')).toBe(before);
  });
});

describe('loginWithCustomTokenExchange', () => {
  it('starts a session from a legacy token', async () => {
    const storeOptions = noStore();
    const session = await app.client.loginWithCustomTokenExchange({
      subjectToken: 'legacy-alice',
      subjectTokenType: LEGACY,
      storeOptions,
    });
    expect(session.user.sub).toBe('auth0|alice');
    expect(await app.client.getUser({ storeOptions })).toMatchObject({ sub: 'auth0|alice' });
    expect((await app.client.getSession({ storeOptions }))?.refreshToken).toEqual(
      expect.any(String),
    );
  });

  it('makes no session when the exchange is refused', async () => {
    const storeOptions = noStore();
    await expect(
      app.client.loginWithCustomTokenExchange({
        subjectToken: 'legacy-mallory',
        subjectTokenType: LEGACY,
        storeOptions,
      }),
    ).rejects.toBeInstanceOf(CustomTokenExchangeError);
    expect(await app.client.getSession({ storeOptions })).toBeUndefined();
  });
});

describe('session transfer', () => {
  it('a session transfer token signs a second browser in once; a replay gets the login form', async () => {
    const first = new BrowserClient();
    await loginAs(first, { startUrl: `${app.url}/auth/login`, ...ALICE });
    const cookies = jarOf(first, app.url);
    const transfer = await app.client.requestSessionTransferToken({ storeOptions: { cookies } });
    expect(transfer).toMatchObject({
      tokenType: 'N_A',
      issuedTokenType: 'urn:auth0:params:oauth:token-type:session_transfer_token',
    });
    const redirect = buildSessionTransferRedirect(`${app.url}/auth/login`, transfer.accessToken);

    const second = new BrowserClient();
    const end = await second.navigate(redirect);
    expect(end.url.href).toBe(`${app.url}/me`);
    expect(JSON.parse(end.body).user).toMatchObject({ sub: 'auth0|alice' });

    const third = new BrowserClient();
    const replay = await third.navigate(redirect);
    expect(parseForms(replay.body, replay.url).some((form) => form.fields.has('password'))).toBe(
      true,
    );
    expect(JSON.parse((await third.navigate(`${app.url}/me`)).body).user).toBeNull();
  });

  it('needs a subject: a session with a refresh token, or subjectToken', async () => {
    await expect(
      app.client.requestSessionTransferToken({ storeOptions: noStore() }),
    ).rejects.toMatchObject({ code: 'actor_unavailable' });
  });
});

describe('buildSessionTransferRedirect', () => {
  it('appends the token (and organization) to an https or loopback URL', () => {
    expect(
      buildSessionTransferRedirect('https://web.example.com/login?x=1', 'stt', 'org_acme').href,
    ).toBe('https://web.example.com/login?x=1&session_transfer_token=stt&organization=org_acme');
    expect(buildSessionTransferRedirect('http://localhost:3000/auth/login', 'stt').href).toBe(
      'http://localhost:3000/auth/login?session_transfer_token=stt',
    );
  });

  it.each<[string, string, string, string | undefined, unknown]>([
    ['a blank URL', '', 'stt', undefined, MissingRequiredArgumentError],
    ['a blank token', 'https://web.example.com/', '', undefined, MissingRequiredArgumentError],
    ['a relative URL', '/auth/login', 'stt', undefined, InvalidArgumentError],
    [
      'plain http to a public host',
      'http://web.example.com/',
      'stt',
      undefined,
      InvalidArgumentError,
    ],
    ['a fragment', 'https://web.example.com/#x', 'stt', undefined, InvalidArgumentError],
    ['a blank organization', 'https://web.example.com/', 'stt', ' ', InvalidArgumentError],
  ])('refuses %s', (_what, url, token, organization, errorClass) => {
    expect(() => buildSessionTransferRedirect(url, token, organization)).toThrow(
      errorClass as never,
    );
  });
});
