/**
 * Organizations: `/authorize?organization=`, membership, and `org_id` / `org_name` in the tokens
 * of a login to an organization, kept across refreshes.
 */
import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_ORGANIZATIONS, type DevTenant, startDevTenant } from '../src/index.js';
import { BrowserClient } from '../src/testing/index.js';
import { ALICE, authorize, BOB, CALLBACK, loginTokens, tokenRequest } from './helpers.js';

const ORDERS_API = 'https://api.example.com';
const ACME = { org_id: 'org_acme', org_name: 'acme' };

let tenant: DevTenant;
beforeAll(async () => {
  tenant = await startDevTenant();
});
afterAll(() => tenant.close());

describe('a login to an organization', () => {
  it('is open to a member, whose tokens carry org_id and org_name', async () => {
    const tokens = await loginTokens(tenant, { organization: 'org_acme', audience: ORDERS_API });
    expect(decodeJwt(tokens.id_token ?? '')).toMatchObject({ sub: 'auth0|alice', ...ACME });
    expect(decodeJwt(tokens.access_token ?? '')).toMatchObject({ aud: ORDERS_API, ...ACME });
  });

  it('takes the organization by its name, in any case', async () => {
    const tokens = await loginTokens(tenant, { organization: 'Acme' });
    expect(decodeJwt(tokens.id_token ?? '')).toMatchObject(ACME);
  });

  it('keeps the organization across refreshes, for any API of the refresh-token policies', async () => {
    const tokens = await loginTokens(tenant, { organization: 'org_acme', audience: ORDERS_API });
    const refreshed = await tokenRequest(tenant, {
      grant_type: 'refresh_token',
      refresh_token: tokens.refresh_token ?? '',
    });
    expect(refreshed.status).toBe(200);
    expect(decodeJwt(refreshed.body.id_token ?? '')).toMatchObject(ACME);
    expect(decodeJwt(refreshed.body.access_token ?? '')).toMatchObject(ACME);
    const analytics = await tokenRequest(tenant, {
      grant_type: 'refresh_token',
      refresh_token: tokens.refresh_token ?? '',
      audience: 'https://analytics.example.com',
    });
    expect(decodeJwt(analytics.body.access_token ?? '')).toMatchObject({
      aud: 'https://analytics.example.com',
      ...ACME,
    });
  });

  it('refuses a user who is not a member: access_denied at the callback', async () => {
    const { callback, code } = await authorize(
      tenant,
      { organization: 'org_acme' },
      new BrowserClient(),
      BOB,
    );
    expect(code).toBeNull();
    expect(callback.href.startsWith(CALLBACK)).toBe(true);
    expect(callback.searchParams.get('error')).toBe('access_denied');
    expect(callback.searchParams.get('error_description')).toBe(
      'user auth0|bob is not part of the org_acme organization',
    );
  });

  it('refuses a signed-in user who is not a member, without the form', async () => {
    const browser = new BrowserClient();
    await authorize(tenant, {}, browser, BOB);
    const { callback } = await authorize(tenant, { organization: 'acme' }, browser, BOB);
    expect(callback.searchParams.get('error')).toBe('access_denied');
  });

  it('sends an unknown organization back to the app as invalid_request', async () => {
    const { callback, code } = await authorize(tenant, { organization: 'org_nope' });
    expect(code).toBeNull();
    expect(callback.searchParams.get('error')).toBe('invalid_request');
    expect(callback.searchParams.get('error_description')).toMatch(/organization.*org_nope/);
  });

  it('gives tokens of no organization to a login without one, in the same browser session', async () => {
    const browser = new BrowserClient();
    const exchange = async (params: Record<string, string>) => {
      const { code, verifier } = await authorize(tenant, params, browser, ALICE);
      const tokens = await tokenRequest(tenant, {
        grant_type: 'authorization_code',
        code: code ?? '',
        redirect_uri: CALLBACK,
        code_verifier: verifier,
      });
      return decodeJwt(tokens.body.id_token ?? '');
    };
    expect(await exchange({ organization: 'org_acme' })).toMatchObject(ACME);
    const plain = await exchange({});
    expect(plain.org_id).toBeUndefined();
    expect(plain.org_name).toBeUndefined();
    expect(await exchange({ organization: 'org_acme' })).toMatchObject(ACME);
  });
});

describe('organizations on a custom domain', () => {
  it('carries the organization of a login on the custom domain, refreshed on the main one', async () => {
    const withDomain = await startDevTenant({ customDomains: [{ port: 0 }] });
    try {
      const custom = withDomain.domains[1]!;
      const tokens = await loginTokens(custom, { organization: 'acme', audience: ORDERS_API });
      expect(decodeJwt(tokens.id_token ?? '')).toMatchObject({ iss: custom.issuer, ...ACME });
      const refreshed = await tokenRequest(withDomain, {
        grant_type: 'refresh_token',
        refresh_token: tokens.refresh_token ?? '',
      });
      expect(decodeJwt(refreshed.body.access_token ?? '')).toMatchObject({
        iss: withDomain.issuer,
        ...ACME,
      });
      const { callback } = await authorize(
        custom,
        { organization: 'org_acme' },
        new BrowserClient(),
        BOB,
      );
      expect(callback.searchParams.get('error')).toBe('access_denied');
    } finally {
      await withDomain.close();
    }
  });
});

describe('default organizations', () => {
  it('are org_acme, named acme, with Alice as its member', () => {
    expect(DEFAULT_ORGANIZATIONS).toEqual([
      { id: 'org_acme', name: 'acme', displayName: 'Acme', members: ['auth0|alice'] },
    ]);
    expect(tenant.config.organizations).toEqual(DEFAULT_ORGANIZATIONS);
  });
});
