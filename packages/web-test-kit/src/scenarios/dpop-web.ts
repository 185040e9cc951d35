import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { BrowserClient, loginAs } from '@gatehouse/dev-tenant/testing';
import { decodeJwt, exportJWK, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALICE, ORDERS_API, type StartTestApp, type TestApp } from '../harness.js';

const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });

/** A proof signed with the app's own key, for a URL the test chooses (not the one it is sent to). */
async function proofFor(htu: string, token: string): Promise<string> {
  const ath = Buffer.from(
    await crypto.subtle.digest('SHA-256', new TextEncoder().encode(token)),
  ).toString('base64url');
  return new SignJWT({ htm: 'GET', htu, jti: randomUUID(), ath })
    .setProtectedHeader({ typ: 'dpop+jwt', alg: 'ES256', jwk: await exportJWK(publicKey) })
    .setIssuedAt()
    .sign(privateKey);
}

/**
 * DPoP for a web app through a framework: the app holds a DPoP key, the tenant binds its tokens to
 * it (and asks for nonces), and `auth.fetch` reaches an API that requires DPoP (and nonces) with a
 * proof per call; the same token taken out of the session is useless without a proof for the
 * exact request.
 */
export function describeDpopWebApp(startApp: StartTestApp): void {
  describe('DPoP-bound tokens of a web app, and auth.fetch', () => {
    let app: TestApp;
    beforeAll(async () => {
      app = await startApp({
        tenant: {
          apis: [{ identifier: ORDERS_API, scopes: 'read:orders write:orders', dpop: 'required' }],
          dpopNonces: true,
        },
        auth: ({ url }) => ({
          dpop: { privateKey: privateKey.export({ format: 'pem', type: 'pkcs8' }) as string },
          apiOrigins: { [ORDERS_API]: url },
          authorizationParams: {
            audience: ORDERS_API,
            scope: 'openid profile email offline_access read:orders',
          },
        }),
      });
    });
    afterAll(() => app.close());

    it('calls a DPoP-only API with the user’s bound token, and the token alone is refused', async () => {
      const browser = new BrowserClient();
      await loginAs(browser, { startUrl: `${app.url}/auth/login`, ...ALICE });
      const called = await browser.navigate(`${app.url}/call-api?path=/api/dpop-only`);
      expect(JSON.parse(called.body)).toEqual({
        status: 200,
        body: { sub: 'auth0|alice', scheme: 'dpop' },
      });

      const { session } = JSON.parse((await browser.navigate(`${app.url}/session`)).body);
      const [tokenSet] = session.tokenSets;
      expect(tokenSet.tokenType).toBe('DPoP');
      expect(decodeJwt(tokenSet.accessToken).cnf).toEqual({ jkt: expect.any(String) });
      const api = `${app.url}/api/dpop-only`;
      const replayed: Record<string, string>[] = [
        { authorization: `DPoP ${tokenSet.accessToken}` },
        { authorization: `Bearer ${tokenSet.accessToken}` },
        {
          authorization: `DPoP ${tokenSet.accessToken}`,
          dpop: await proofFor(`${app.url}/api/other`, tokenSet.accessToken),
        },
      ];
      for (const headers of replayed) {
        // Refused: 400 for a DPoP token without its proof (RFC 9449 §7.1), 401 otherwise.
        const response = await fetch(api, { headers });
        expect([400, 401]).toContain(response.status);
      }
    });
  });
}
