/**
 * Invitations to organizations: the invitation link, its acceptance by the invited user's login
 * (who becomes a member), and its single use.
 */
import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DEFAULT_CLIENTS,
  DEFAULT_ORGANIZATIONS,
  type DevTenant,
  startDevTenant,
} from '../src/index.js';
import { BrowserClient, createInvitation } from '../src/testing/index.js';
import { ALICE, authorize, BOB, CALLBACK, loginTokens, tokenRequest } from './helpers.js';

const LOGIN_ROUTE = 'http://localhost:3000/auth/login';

let tenant: DevTenant;
beforeAll(async () => {
  tenant = await startDevTenant({
    config: {
      clients: [
        { ...DEFAULT_CLIENTS[0]!, initiateLoginUri: LOGIN_ROUTE },
        { clientId: 'no-login-route', clientSecret: 'secret', redirectUris: [CALLBACK] },
      ],
      organizations: [
        ...DEFAULT_ORGANIZATIONS,
        { id: 'org_globex', name: 'globex', members: [] },
        { id: 'org_initech', name: 'initech', members: [] },
      ],
    },
  });
});
afterAll(() => tenant.close());

/** The parameters an app's login route passes on to `/authorize` from an invitation link. */
const fromLink = (url: string) => {
  const link = new URL(url);
  return {
    invitation: link.searchParams.get('invitation') ?? '',
    organization: link.searchParams.get('organization') ?? '',
  };
};

describe('an invitation', () => {
  it('links to the app login route with the ticket, the organization id and its name', async () => {
    const { ticket, url } = await createInvitation({
      tenantUrl: tenant.url,
      organization: 'globex',
      email: 'bob@example.com',
    });
    const link = new URL(url);
    expect(`${link.origin}${link.pathname}`).toBe(LOGIN_ROUTE);
    expect(Object.fromEntries(link.searchParams)).toEqual({
      invitation: ticket,
      organization: 'org_globex',
      organization_name: 'globex',
    });
  });

  it('makes the invited user a member when they log in, once', async () => {
    const { url } = await createInvitation({
      tenantUrl: tenant.url,
      organization: 'org_globex',
      email: 'bob@example.com',
    });
    const { code, verifier, browser } = await authorize(tenant, fromLink(url), undefined, BOB);
    const tokens = await tokenRequest(tenant, {
      grant_type: 'authorization_code',
      code: code ?? '',
      redirect_uri: CALLBACK,
      code_verifier: verifier,
    });
    expect(decodeJwt(tokens.body.id_token ?? '')).toMatchObject({
      sub: 'auth0|bob',
      org_id: 'org_globex',
      org_name: 'globex',
    });

    // A member now: a login to the organization needs no invitation.
    const member = await loginTokens(tenant, { organization: 'globex' }, BOB);
    expect(decodeJwt(member.id_token ?? '')).toMatchObject({ org_id: 'org_globex' });

    // The ticket is used up, even in the browser that accepted it.
    const again = await authorize(tenant, fromLink(url), browser, BOB);
    expect(again.callback.searchParams.get('error')).toBe('invalid_request');
    expect(again.callback.searchParams.get('error_description')).toMatch(/invitation/);
  });

  it('fills in the invited email on the login form', async () => {
    const { url } = await createInvitation({
      tenantUrl: tenant.url,
      organization: 'initech',
      email: 'bob@example.com',
    });
    const start = new URL('/authorize', tenant.url);
    start.search = new URLSearchParams({
      client_id: 'demo-web',
      response_type: 'code',
      redirect_uri: CALLBACK,
      scope: 'openid',
      ...fromLink(url),
    }).toString();
    const page = await new BrowserClient().navigate(start);
    expect(page.body).toContain('value="bob@example.com"');
  });

  it('refuses a login by another user (access_denied), and stays open to the invited one', async () => {
    const { url } = await createInvitation({
      tenantUrl: tenant.url,
      organization: 'initech',
      email: 'bob@example.com',
    });
    const wrong = await authorize(tenant, fromLink(url), new BrowserClient(), ALICE);
    expect(wrong.callback.searchParams.get('error')).toBe('access_denied');
    expect(wrong.callback.searchParams.get('error_description')).toBe(
      'the specified account is not allowed to accept the current invitation',
    );
    const right = await authorize(tenant, fromLink(url), new BrowserClient(), BOB);
    expect(right.code).toEqual(expect.any(String));
  });

  it('is refused for another organization, another client or without organization', async () => {
    const { ticket } = await createInvitation({
      tenantUrl: tenant.url,
      organization: 'org_initech',
      email: 'alice@example.com',
    });
    const otherOrganization = await authorize(tenant, {
      organization: 'org_globex',
      invitation: ticket,
    });
    expect(otherOrganization.callback.searchParams.get('error')).toBe('invalid_request');
    const noOrganization = await authorize(tenant, { invitation: ticket });
    expect(noOrganization.callback.searchParams.get('error_description')).toBe(
      'parameter invitation requires organization',
    );
    const otherClient = await authorize(tenant, {
      client_id: 'no-login-route',
      organization: 'org_initech',
      invitation: ticket,
    });
    expect(otherClient.callback.searchParams.get('error')).toBe('invalid_request');
    const unknown = await authorize(tenant, { organization: 'org_initech', invitation: 'nope' });
    expect(unknown.callback.searchParams.get('error')).toBe('invalid_request');
  });
});

describe('POST /test/organizations/{organization}/invitations', () => {
  const invite = (organization: string, body: unknown) =>
    fetch(`${tenant.url}/test/organizations/${organization}/invitations`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });

  it('answers 400 for a client without initiateLoginUri, naming it', async () => {
    const response = await invite('globex', {
      email: 'bob@example.com',
      clientId: 'no-login-route',
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({
      error: 'invalid_request',
      error_description: expect.stringMatching(/no-login-route has no initiateLoginUri/),
    });
  });

  it('answers 400 for a body without email or clientId, and 404 for an unknown organization', async () => {
    expect((await invite('globex', { email: 'bob@example.com' })).status).toBe(400);
    expect((await invite('globex', { clientId: 'demo-web' })).status).toBe(400);
    const unknown = await invite('org_nope', { email: 'bob@example.com', clientId: 'demo-web' });
    expect(unknown.status).toBe(404);
  });

  it('is refused by the test kit with the tenant\u2019s reason', async () => {
    await expect(
      createInvitation({
        tenantUrl: tenant.url,
        organization: 'globex',
        email: 'bob@example.com',
        clientId: 'no-login-route',
      }),
    ).rejects.toThrow(/400.*initiateLoginUri/);
  });
});
