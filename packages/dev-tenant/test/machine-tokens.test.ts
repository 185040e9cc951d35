import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_CLIENTS, type DevTenant, startDevTenant } from '../src/index.js';
import { DpopKey, machineToken } from '../src/testing/index.js';

const claimsOf = (jwt: string) =>
  JSON.parse(Buffer.from(jwt.split('.')[1] ?? '', 'base64url').toString('utf8'));

let tenant: DevTenant;
const client = DEFAULT_CLIENTS[0]!;
beforeAll(async () => {
  tenant = await startDevTenant();
});
afterAll(() => tenant.close());

const options = () => ({
  tenantUrl: tenant.url,
  clientId: client.clientId,
  clientSecret: client.clientSecret!,
  audience: 'https://api.example.com',
  scope: 'read:orders',
});

describe('the client credentials grant (machine-to-machine tokens)', () => {
  it('issues a Bearer JWT for the audience with the scopes asked for', async () => {
    const token = await machineToken(options());
    expect(token.tokenType).toBe('Bearer');
    expect(claimsOf(token.accessToken)).toMatchObject({
      iss: `${tenant.url}/`,
      aud: 'https://api.example.com',
      client_id: client.clientId,
      scope: 'read:orders',
    });
    expect(claimsOf(token.accessToken).cnf).toBeUndefined();
  });

  it('binds the token to the DPoP key of the token request (cnf.jkt)', async () => {
    const key = new DpopKey();
    const token = await machineToken({ ...options(), dpop: key });
    expect(token.tokenType).toBe('DPoP');
    expect(claimsOf(token.accessToken).cnf).toEqual({ jkt: key.thumbprint });
  });

  it('leaves out a scope the API does not define, and refuses a wrong secret', async () => {
    const token = await machineToken({ ...options(), scope: 'read:orders delete:everything' });
    expect(claimsOf(token.accessToken).scope).toBe('read:orders');
    await expect(machineToken({ ...options(), clientSecret: 'wrong' })).rejects.toThrow(
      /invalid_client/,
    );
  });
});

describe('DpopKey', () => {
  it('signs proofs whose ath is the hash of the access token', () => {
    const key = new DpopKey();
    const proof = key.proof({ htm: 'GET', htu: 'https://api.example.com/x', accessToken: 'abc' });
    const [header, payload] = proof.split('.').map((part) => {
      try {
        return JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
      } catch {
        return undefined;
      }
    });
    expect(header).toEqual({ typ: 'dpop+jwt', alg: 'ES256', jwk: key.publicJwk });
    expect(payload).toMatchObject({
      htm: 'GET',
      htu: 'https://api.example.com/x',
      ath: createHash('sha256').update('abc').digest('base64url'),
    });
  });
});
