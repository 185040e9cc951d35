import { DEFAULT_CLIENTS } from '@gatehouse/dev-tenant';
import { DpopKey, machineToken } from '@gatehouse/dev-tenant/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ORDERS_API, rawGet, type StartTestApp, type TestApp } from '../harness.js';

/**
 * DPoP through the framework (RFC 9449), with real DPoP-bound tokens from the dev tenant's client
 * credentials grant: the proof's `htu` is checked against the configured `baseUrl`, never `Host`.
 */
export function describeDpopProtection(start: StartTestApp): void {
  describe('DPoP-bound tokens', () => {
    let app: TestApp;
    const key = new DpopKey();
    let bound: string;
    let bearer: string;

    beforeAll(async () => {
      app = await start();
      const client = DEFAULT_CLIENTS[0]!;
      const grant = {
        tenantUrl: app.tenant.url,
        clientId: client.clientId,
        clientSecret: client.clientSecret!,
        audience: ORDERS_API,
        scope: 'read:orders',
      };
      bound = (await machineToken({ ...grant, dpop: key })).accessToken;
      bearer = (await machineToken(grant)).accessToken;
    });
    afterAll(() => app.close());

    const call = (path: string, headers: Record<string, string>) =>
      fetch(`${app.url}${path}`, { headers });
    const dpop = (
      path: string,
      proof = key.proof({ htm: 'GET', htu: `${app.url}${path}`, accessToken: bound }),
    ) => ({ authorization: `DPoP ${bound}`, dpop: proof });

    it('accepts a bound token with a proof for this request', async () => {
      const response = await call('/api/dpop', dpop('/api/dpop'));
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({ sub: DEFAULT_CLIENTS[0]!.clientId, scheme: 'dpop' });
    });

    it('ignores the query string, as htu does', async () => {
      const proof = key.proof({ htm: 'GET', htu: `${app.url}/api/dpop`, accessToken: bound });
      expect((await call('/api/dpop?page=2', dpop('/api/dpop', proof))).status).toBe(200);
    });

    it('still accepts plain Bearer tokens on the same route', async () => {
      const response = await call('/api/dpop', { authorization: `Bearer ${bearer}` });
      expect(await response.json()).toMatchObject({ scheme: 'bearer' });
    });

    it('refuses a replayed proof', async () => {
      const headers = dpop('/api/dpop');
      expect((await call('/api/dpop', headers)).status).toBe(200);
      const replay = await call('/api/dpop', headers);
      // 400, as auth0-api-python answers a bad proof (`@gatehouse/api`'s InvalidDpopProofError).
      expect(replay.status).toBe(400);
      expect(replay.headers.get('www-authenticate')).toContain('error="invalid_dpop_proof"');
    });

    // A proof that does not fit the request is a bad proof (400 `invalid_dpop_proof`, as
    // auth0-api-python answers); a proof by a key the token is not bound to is a bad token (401).
    const proofFor = (request: { htm?: string; htu?: string; accessToken?: string }) => () =>
      key.proof({ htm: 'GET', htu: `${app.url}/api/dpop`, accessToken: bound, ...request });
    it.each([
      [
        'another origin',
        proofFor({ htu: 'http://evil.example/api/dpop' }),
        400,
        'invalid_dpop_proof',
      ],
      [
        'another path',
        () => proofFor({ htu: `${app.url}/api/orders` })(),
        400,
        'invalid_dpop_proof',
      ],
      ['another method', proofFor({ htm: 'POST' }), 400, 'invalid_dpop_proof'],
      ['another token (ath)', () => proofFor({ accessToken: bearer })(), 400, 'invalid_dpop_proof'],
      [
        'another key',
        () => new DpopKey().proof({ htm: 'GET', htu: `${app.url}/api/dpop`, accessToken: bound }),
        401,
        'invalid_token',
      ],
    ] as const)('refuses a proof for %s', async (_what, proof, status, error) => {
      const response = await call('/api/dpop', dpop('/api/dpop', proof()));
      expect(response.status).toBe(status);
      expect(response.headers.get('www-authenticate')).toContain(`error="${error}"`);
    });

    it('checks htu against baseUrl, not a forged Host header', async () => {
      const proof = key.proof({
        htm: 'GET',
        htu: 'http://evil.example/api/dpop',
        accessToken: bound,
      });
      const response = await rawGet(app.url, '/api/dpop', {
        host: 'evil.example',
        authorization: `DPoP ${bound}`,
        dpop: proof,
      });
      expect(response.status).toBe(400);
      expect(String(response.headers['www-authenticate'])).toContain('invalid_dpop_proof');
    });

    it('refuses a bound token sent as Bearer', async () => {
      const response = await call('/api/dpop', { authorization: `Bearer ${bound}` });
      expect(response.status).toBe(401);
      expect(response.headers.get('www-authenticate')).toContain('error="invalid_token"');
    });

    it('refuses DPoP on a route without a baseUrl to check htu against', async () => {
      const response = await call('/api/orders', dpop('/api/orders'));
      expect(response.status).toBeGreaterThanOrEqual(400);
      expect(response.status).toBeLessThan(500);
      expect(response.headers.get('www-authenticate')).toBeTruthy();
    });
  });
}
