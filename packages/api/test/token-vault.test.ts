/**
 * Token Vault (`getAccessTokenForConnection`): the response processing on crafted responses, the
 * request as it goes over the wire, and the exchange end to end against the dev tenant.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type DevTenant, startDevTenant } from '@gatehouse/dev-tenant';
import { AUDIENCE } from '@gatehouse/test-kit/tokens';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AccessTokenForConnectionError,
  ApiClient,
  ConfigurationError,
  connectionTokenRequest,
  FEDERATED_CONNECTION_TOKEN_TYPE,
  MissingRequiredArgumentError,
  processConnectionTokenResponse,
  TOKEN_VAULT_GRANT_TYPE,
} from '../src/index.js';
import { ALICE, BOB, DEMO_CLIENT, tenantAccessToken } from './support/tenant.js';

const NOW = 1_800_000_000;
const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(typeof body === 'string' ? body : JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json', ...headers },
  });

describe('processConnectionTokenResponse', () => {
  it('reads a token response into accessToken, expiresAt and scope', async () => {
    await expect(
      processConnectionTokenResponse(
        json(200, {
          access_token: 'upstream-token',
          token_type: 'Bearer',
          expires_in: 120,
          scope: 'calendar.readonly',
          issued_token_type: FEDERATED_CONNECTION_TOKEN_TYPE,
        }),
        NOW,
      ),
    ).resolves.toEqual({
      accessToken: 'upstream-token',
      expiresAt: NOW + 120,
      scope: 'calendar.readonly',
    });
  });

  it('defaults the lifetime to an hour when expires_in is absent, as auth0-api-python', async () => {
    const token = await processConnectionTokenResponse(json(200, { access_token: 'a' }), NOW);
    expect(token.expiresAt).toBe(NOW + 3600);
  });

  it.each([
    ['no access_token', json(200, { expires_in: 10 })],
    ['an empty access_token', json(200, { access_token: '' })],
    ['a string expires_in', json(200, { access_token: 'a', expires_in: '3600' })],
    ['a negative expires_in', json(200, { access_token: 'a', expires_in: -1 })],
    ['a non-string scope', json(200, { access_token: 'a', scope: ['x'] })],
    ['another issued_token_type', json(200, { access_token: 'a', issued_token_type: 'urn:x' })],
    ['a body that is not JSON', json(200, '<html>')],
    ['a JSON array', json(200, '[]')],
    ['a redirect', new Response(null, { status: 302, headers: { location: 'https://evil/' } })],
    ['an error status without an OAuth error', json(500, { message: 'oops' })],
  ])('refuses %s as an invalid response', async (_name, response) => {
    const error = await processConnectionTokenResponse(response, NOW).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AccessTokenForConnectionError);
    expect(error).toMatchObject({ code: 'connection_token_invalid_response', status: 502 });
  });

  it('passes the tenant error through for the caller to act on', async () => {
    const error = await processConnectionTokenResponse(
      json(400, { error: 'invalid_grant', error_description: 'no connected account' }),
      NOW,
    ).catch((e: unknown) => e);
    expect(error).toMatchObject({
      code: 'connection_token_rejected',
      tenantError: 'invalid_grant',
      tenantErrorDescription: 'no connected account',
    });
  });

  it('refuses a body over the size cap', async () => {
    const big = json(200, { access_token: 'a', padding: 'x'.repeat(5000) });
    await expect(processConnectionTokenResponse(big, NOW, 1024)).rejects.toMatchObject({
      code: 'connection_token_invalid_response',
    });
  });
});

describe('connectionTokenRequest', () => {
  it('sends the Token Vault grant with HTTP Basic client authentication', async () => {
    let seen: { authorization?: string; type?: string; body: string } = { body: '' };
    const server = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk) => {
        body += chunk;
      });
      request.on('end', () => {
        seen = {
          authorization: request.headers.authorization,
          type: request.headers['content-type'],
          body,
        };
        response.writeHead(200, { 'content-type': 'application/json' });
        response.end('{"access_token":"x"}');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    try {
      const response = await connectionTokenRequest(
        new URL(`http://127.0.0.1:${port}/oauth/token`),
        { clientId: 'api client', clientSecret: 's3cr:t' },
        { connection: 'google-oauth2', accessToken: 'the-api-token', loginHint: 'alice@work' },
        { fetch, timeout: 5000, maxResponseBytes: 65_536 },
      );
      expect(response.status).toBe(200);
    } finally {
      server.close();
    }
    expect(seen.type).toBe('application/x-www-form-urlencoded');
    // RFC 6749 §2.3.1: each part form-encoded before Base64.
    expect(seen.authorization).toBe(
      `Basic ${Buffer.from('api+client:s3cr%3At').toString('base64')}`,
    );
    expect(Object.fromEntries(new URLSearchParams(seen.body))).toEqual({
      grant_type: TOKEN_VAULT_GRANT_TYPE,
      subject_token: 'the-api-token',
      subject_token_type: 'urn:ietf:params:oauth:token-type:access_token',
      requested_token_type: FEDERATED_CONNECTION_TOKEN_TYPE,
      connection: 'google-oauth2',
      login_hint: 'alice@work',
    });
  });
});

describe('getAccessTokenForConnection against the dev tenant', () => {
  let tenant: DevTenant;
  beforeAll(async () => {
    tenant = await startDevTenant({
      config: {
        users: [
          {
            ...ALICE,
            connectedAccounts: [
              { connection: 'google-oauth2', scopes: 'openid calendar.readonly' },
            ],
          },
          BOB,
        ],
      },
    });
  });
  afterAll(() => tenant.close());

  const client = () => new ApiClient({ domain: tenant.domain, audience: AUDIENCE, ...DEMO_CLIENT });

  it("exchanges the API's access token for the user's upstream token", async () => {
    const api = client();
    const accessToken = await tenantAccessToken(tenant);
    const { claims } = await api.verifyRequest({
      headers: { authorization: `Bearer ${accessToken}` },
    });
    expect(claims.sub).toBe('auth0|alice');
    const upstream = await api.getAccessTokenForConnection({
      connection: 'google-oauth2',
      accessToken,
    });
    expect(upstream.scope).toBe('openid calendar.readonly');
    expect(upstream.expiresAt).toBeGreaterThan(Date.now() / 1000);
    // The upstream API stand-in of the dev tenant accepts it.
    const me = await fetch(`${tenant.url}/upstream/google-oauth2/me`, {
      headers: { authorization: `Bearer ${upstream.accessToken}` },
    });
    expect(me.status).toBe(200);
  });

  it('says why when the user has not connected the account', async () => {
    const accessToken = await tenantAccessToken(tenant, { user: BOB });
    const error = await client()
      .getAccessTokenForConnection({ connection: 'google-oauth2', accessToken })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AccessTokenForConnectionError);
    expect(error).toMatchObject({
      code: 'connection_token_rejected',
      tenantError: 'invalid_grant',
    });
  });

  it('needs client credentials, a connection and an access token', async () => {
    const noCredentials = new ApiClient({ domain: tenant.domain, audience: AUDIENCE });
    await expect(
      noCredentials.getAccessTokenForConnection({ connection: 'google-oauth2', accessToken: 'a' }),
    ).rejects.toBeInstanceOf(ConfigurationError);
    await expect(
      client().getAccessTokenForConnection({ connection: '', accessToken: 'a' }),
    ).rejects.toBeInstanceOf(MissingRequiredArgumentError);
    await expect(
      client().getAccessTokenForConnection({ connection: 'google-oauth2', accessToken: '' }),
    ).rejects.toMatchObject({ argument: 'accessToken' });
  });
});
