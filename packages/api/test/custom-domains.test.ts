/**
 * Multiple custom domains against the dev tenant: one tenant served on two domains, each with its
 * own issuer. An API that lists both (or resolves them per request) accepts tokens from either, and
 * refuses a token from another tenant without ever requesting anything from it.
 */
import {
  DEMO_CLIENT_SECRET,
  type DevTenant,
  type DevTenantDomain,
  startDevTenant,
} from '@gatehouse/dev-tenant';
import { machineToken } from '@gatehouse/dev-tenant/testing';
import { AUDIENCE } from '@gatehouse/test-kit/tokens';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ApiClient, type ApiClientOptions, VerifyAccessTokenError } from '../src/index.js';
import { tenantAccessToken } from './support/tenant.js';

let tenant: DevTenant;
/** Another tenant: its tokens are well signed, by an issuer the API does not accept. */
let stranger: DevTenant;
let main: DevTenantDomain;
let custom: DevTenantDomain;
beforeAll(async () => {
  [tenant, stranger] = await Promise.all([
    startDevTenant({ customDomains: [{ port: 0 }] }),
    startDevTenant(),
  ]);
  [main, custom] = tenant.domains as [DevTenantDomain, DevTenantDomain];
});
afterAll(async () => {
  await Promise.all([tenant.close(), stranger.close()]);
});

/** Every URL the API requested (discovery, JWKS), through a `fetch` that records them. */
const requested: string[] = [];
beforeEach(() => {
  requested.length = 0;
});
const apiClient = (domains: ApiClientOptions['domains']) =>
  new ApiClient({
    domains,
    audience: AUDIENCE,
    fetch: (input, init) => {
      requested.push(input instanceof Request ? input.url : String(input));
      return fetch(input, init);
    },
  });

/** A client-credentials token for the API, from the tenant at `url`. */
const machineTokenFrom = async (url: string) =>
  (
    await machineToken({
      tenantUrl: url,
      clientId: 'demo-web',
      clientSecret: DEMO_CLIENT_SECRET,
      audience: AUDIENCE,
    })
  ).accessToken;

const bearer = (token: string, headers: Record<string, string> = {}) => ({
  headers: { ...headers, authorization: `Bearer ${token}` },
});

describe('an API that lists both domains of the tenant', () => {
  it('accepts tokens from each domain, with that domain as issuer', async () => {
    const api = apiClient([main.url, custom.url]);
    for (const domain of [main, custom]) {
      const { claims } = await api.verifyRequest(bearer(await machineTokenFrom(domain.url)));
      expect(claims.iss).toBe(domain.issuer);
    }
    const login = await tenantAccessToken(custom);
    expect((await api.verifyRequest(bearer(login))).claims).toMatchObject({
      iss: custom.issuer,
      sub: 'auth0|alice',
    });
    expect(api.stats().issuers).toBe(2);
  });

  it("refuses another tenant's token with 401 invalid_issuer, and never asks that tenant", async () => {
    const api = apiClient([main.url, custom.url]);
    const error = await api
      .verifyRequest(bearer(await machineTokenFrom(stranger.url)))
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(VerifyAccessTokenError);
    expect(error).toMatchObject({ status: 401, code: 'invalid_issuer' });
    expect((error as VerifyAccessTokenError).headers['www-authenticate']).toContain(
      'error="invalid_token"',
    );
    expect(requested).toEqual([]);
  });
});

describe('an API that resolves the domain by the request host', () => {
  /** Each brand's API host and the tenant domain its users sign in on: known in advance. */
  const domainOfHost = (): Record<string, string> => ({
    'api.brand-a.example': main.url,
    'api.brand-b.example': custom.url,
  });
  const byHost = apiClient(({ requestHeaders }) => {
    const host =
      requestHeaders && !(requestHeaders instanceof Headers) ? requestHeaders.host : undefined;
    const domain = typeof host === 'string' ? domainOfHost()[host] : undefined;
    // An unknown host gets the main domain only, never a domain built from the request.
    return [domain ?? main.url];
  });
  const verifyAt = (host: string, token: string) =>
    byHost.verifyRequest(bearer(token, { host })).then(
      ({ claims }) => claims.iss,
      (error: { code: string }) => error.code,
    );

  it("accepts each brand's tokens at its own host only", async () => {
    const fromMain = await machineTokenFrom(main.url);
    const fromCustom = await machineTokenFrom(custom.url);
    expect(await verifyAt('api.brand-a.example', fromMain)).toBe(main.issuer);
    expect(await verifyAt('api.brand-b.example', fromCustom)).toBe(custom.issuer);
    expect(await verifyAt('api.brand-a.example', fromCustom)).toBe('invalid_issuer');
    expect(await verifyAt('api.brand-b.example', fromMain)).toBe('invalid_issuer');
    expect(await verifyAt('api.stranger.example', await machineTokenFrom(stranger.url))).toBe(
      'invalid_issuer',
    );
    expect(requested.some((url) => url.startsWith(stranger.url))).toBe(false);
  });

  it('decides the same through verifyAccessToken given the request', async () => {
    const accessToken = await machineTokenFrom(custom.url);
    const request = { headers: { host: 'api.brand-b.example' } };
    expect((await byHost.verifyAccessToken({ accessToken, request })).iss).toBe(custom.issuer);
    await expect(byHost.verifyAccessToken({ accessToken })).rejects.toMatchObject({
      code: 'invalid_issuer',
    });
  });
});
