import { BrowserClient, loginAs } from '@gatehouse/dev-tenant/testing';
import { decodeJwt, exportJWK, generateKeyPair, type JWK, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorCode, startTestApp, type TestApp } from './support/node-app.js';

const ALICE = { email: 'alice@example.com', password: 'alice-password' };
const now = () => Math.floor(Date.now() / 1000);

type Claims = Record<string, unknown>;

/**
 * SECURITY.md rule 11, the claims: an ID token whose signature is valid (a key the app trusts)
 * but whose `iss`, `aud`, `azp`, `exp`, `iat` or `nonce` is wrong is refused. (The rows of
 * `callback.test.ts` change claims too, but re-sign with a foreign key, so the signature alone
 * refuses them.) Fault injection: the tenant's JWKS gets one more key, held by this test, and the
 * tenant's token response gets an ID token re-signed with it after `change`.
 */
describe('ID token claims are verified, under a valid signature (SECURITY.md rule 11)', () => {
  let app: TestApp;
  let change: (claims: Claims) => Claims = (claims) => claims;
  beforeAll(async () => {
    const { privateKey, publicKey } = await generateKeyPair('RS256');
    const jwk: JWK = { ...(await exportJWK(publicKey)), kid: 'claims-test', alg: 'RS256' };
    app = await startTestApp({
      fetch: async (input, init) => {
        const url = String(input instanceof Request ? input.url : input);
        const response = await fetch(input, init);
        if (url.endsWith('/.well-known/jwks.json')) {
          const { keys } = (await response.json()) as { keys: JWK[] };
          return Response.json({ keys: [...keys, jwk] });
        }
        if (!url.endsWith('/oauth/token')) return response;
        const body = await response.json();
        if (body.id_token) {
          body.id_token = await new SignJWT(change(decodeJwt(body.id_token)))
            .setProtectedHeader({ alg: 'RS256', kid: 'claims-test' })
            .sign(privateKey);
        }
        return Response.json(body, { status: response.status });
      },
    });
  });
  afterAll(() => app.close());

  const login = async () => {
    const browser = new BrowserClient();
    const end = await loginAs(browser, { startUrl: `${app.url}/auth/login`, ...ALICE });
    const user = JSON.parse((await browser.navigate(`${app.url}/me`)).body).user;
    return { code: errorCode(end.body), user };
  };

  it('accepts the tenant’s own claims re-signed with the trusted key (the control)', async () => {
    change = (claims) => claims;
    expect(await login()).toMatchObject({ code: undefined, user: { sub: 'auth0|alice' } });
  });

  const without = (name: string) => (claims: Claims) => {
    const { [name]: _dropped, ...rest } = claims;
    return rest;
  };

  it.each<[string, (claims: Claims) => Claims]>([
    ['another issuer', (claims) => ({ ...claims, iss: 'https://evil.example/' })],
    ['no issuer', without('iss')],
    ['another audience', (claims) => ({ ...claims, aud: 'other-client' })],
    ['no audience', without('aud')],
    [
      'several audiences and another authorized party (azp)',
      (claims) => ({ ...claims, aud: [claims.aud, 'other-client'], azp: 'other-client' }),
    ],
    ['an expired exp', (claims) => ({ ...claims, exp: now() - 3600, iat: now() - 7200 })],
    ['no exp', without('exp')],
    ['no iat', without('iat')],
    ['iat as a string', (claims) => ({ ...claims, iat: String(claims.iat) })],
    ['another nonce', (claims) => ({ ...claims, nonce: 'other' })],
    ['no nonce', without('nonce')],
  ])('refuses %s', async (_what, changeClaims) => {
    change = changeClaims;
    expect(await login()).toEqual({ code: 'id_token_validation_error', user: null });
  });
});
