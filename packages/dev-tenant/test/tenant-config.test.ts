import { generateTestKey, jwksOf, signJws } from '@gatehouse/test-kit/tokens';
import { createRemoteJWKSet, decodeJwt, decodeProtectedHeader, jwtVerify } from 'jose';
import { afterEach, describe, expect, it } from 'vitest';
import {
  DEFAULT_CLIENTS,
  type DevTenant,
  type DevTenantConfig,
  DevTenantConfigError,
  startDevTenant,
} from '../src/index.js';
import { authorize, CALLBACK, loginTokens, tokenRequest } from './helpers.js';

const started: DevTenant[] = [];
async function tenantWith(config?: DevTenantConfig) {
  const tenant = await startDevTenant({ config });
  started.push(tenant);
  return tenant;
}
afterEach(async () => {
  await Promise.all(started.splice(0).map((tenant) => tenant.close()));
});

describe('tenant configuration', () => {
  it('adds per-user ID-token claims, evaluated at each issue', async () => {
    let issued = 0;
    const tenant = await tenantWith({
      users: [
        {
          email: 'alice@example.com',
          password: 'alice-password',
          idTokenClaims: () => ({ session_expiry: 1_900_000_000 + issued++ }),
        },
      ],
    });
    const first = decodeJwt((await loginTokens(tenant)).id_token ?? '');
    const second = decodeJwt((await loginTokens(tenant)).id_token ?? '');
    expect(first.session_expiry).toEqual(expect.any(Number));
    expect(second.session_expiry).not.toBe(first.session_expiry);
  });

  it('signs with a new key after rotateKeys() and keeps the old one published', async () => {
    const tenant = await tenantWith();
    const before = await loginTokens(tenant);
    const oldKid = decodeProtectedHeader(before.id_token ?? '').kid;
    const { kid } = await tenant.rotateKeys();
    const after = await loginTokens(tenant);
    expect(decodeProtectedHeader(after.id_token ?? '').kid).toBe(kid);
    expect(kid).not.toBe(oldKid);

    const jwks = createRemoteJWKSet(new URL(`${tenant.url}/.well-known/jwks.json`));
    await expect(jwtVerify(before.id_token ?? '', jwks)).resolves.toBeTruthy();
    await expect(jwtVerify(after.id_token ?? '', jwks)).resolves.toBeTruthy();
    // Refresh tokens issued before the rotation still work.
    const refreshed = await tokenRequest(tenant, {
      grant_type: 'refresh_token',
      refresh_token: before.refresh_token ?? '',
    });
    expect(refreshed.status).toBe(200);
  });

  it('rotates refresh tokens when the client asks for it and refuses the old one', async () => {
    const tenant = await tenantWith({
      clients: [{ ...DEFAULT_CLIENTS[0]!, refreshTokenRotation: true }],
    });
    const tokens = await loginTokens(tenant, { audience: 'https://api.example.com' });
    const first = await tokenRequest(tenant, {
      grant_type: 'refresh_token',
      refresh_token: tokens.refresh_token ?? '',
    });
    expect(first.body.refresh_token).toEqual(expect.any(String));
    expect(first.body.refresh_token).not.toBe(tokens.refresh_token);
    const reused = await tokenRequest(tenant, {
      grant_type: 'refresh_token',
      refresh_token: tokens.refresh_token ?? '',
    });
    expect(reused.status).toBe(400);
    expect(reused.body.error).toBe('invalid_grant');
  });

  it('authenticates a private_key_jwt client', async () => {
    const key = await generateTestKey('RS256', { kid: 'client-key' });
    const tenant = await tenantWith({
      clients: [
        {
          clientId: 'pkjwt-app',
          redirectUris: [CALLBACK],
          tokenEndpointAuthMethod: 'private_key_jwt',
          jwks: jwksOf(key),
        },
      ],
    });
    const { code, verifier } = await authorize(tenant, { client_id: 'pkjwt-app' });
    const now = Math.floor(Date.now() / 1000);
    const assertion = await signJws(
      { alg: 'RS256', kid: 'client-key' },
      {
        iss: 'pkjwt-app',
        sub: 'pkjwt-app',
        aud: tenant.issuer,
        jti: crypto.randomUUID(),
        iat: now,
        exp: now + 60,
      },
      key,
    );
    const response = await fetch(`${tenant.url}/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        code: code ?? '',
        redirect_uri: CALLBACK,
        code_verifier: verifier,
        client_id: 'pkjwt-app',
        client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
        client_assertion: assertion,
      }),
    });
    expect(response.status).toBe(200);
    expect((await response.json()).id_token).toEqual(expect.any(String));
  });

  it('refuses a client configured without a credential', async () => {
    await expect(
      startDevTenant({ config: { clients: [{ clientId: 'x', redirectUris: [CALLBACK] }] } }),
    ).rejects.toThrow(/needs a clientSecret/);
  });
});

describe('hostile requests get OAuth errors, never a 500', () => {
  it.each([
    ['a malformed Basic header', { authorization: 'Basic %%%' }, 'grant_type=refresh_token'],
    ['a body over 64 KiB', {}, `grant_type=refresh_token&refresh_token=${'a'.repeat(70_000)}`],
    [
      'an unknown refresh token',
      {},
      'grant_type=refresh_token&refresh_token=nope&client_id=demo-web',
    ],
  ])('%s at the token endpoint', async (_name, headers, body) => {
    const tenant = await tenantWith();
    const response = await fetch(`${tenant.url}/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
      body,
    });
    expect(response.status).toBeGreaterThanOrEqual(400);
    expect(response.status).toBeLessThan(500);
    expect(await response.json()).toHaveProperty('error');
  });

  it('escapes a reflected error at /authorize', async () => {
    const tenant = await tenantWith();
    const response = await fetch(
      `${tenant.url}/authorize?client_id=${encodeURIComponent('<script>alert(1)</script>')}&response_type=code`,
    );
    const html = await response.text();
    expect(response.status).toBe(400);
    expect(html).not.toContain('<script>alert(1)</script>');
  });
});

describe('configuration checked at startDevTenant()', () => {
  const refused = async (config: unknown, ...messages: RegExp[]) => {
    const error = await startDevTenant({ config: config as DevTenantConfig }).then(
      (tenant) => tenant.close().then(() => undefined),
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(DevTenantConfigError);
    for (const message of messages) expect((error as Error).message).toMatch(message);
  };

  it('names apis[].scopes and connections[].scopes given as arrays, and what they take', async () => {
    await refused(
      {
        apis: [{ identifier: 'https://api.example.com', scopes: ['read:orders'] }],
        connections: [{ name: 'github', scopes: ['repo'] }],
      },
      /apis\[0\]\.scopes must be a string of space-separated scopes.*got an array/,
      /connections\[0\]\.scopes must be a string of space-separated scopes/,
    );
  });

  it('names unknown keys, missing fields and wrong types', async () => {
    await refused(
      {
        clients: [{ clientId: 'app', clientSecret: 's', redirectUri: 'http://localhost/cb' }],
        users: [{ email: 'a@example.com', password: 1 }],
        idTokenLifetime: '1h',
        audience: 'x',
      },
      /clients\[0\]\.redirectUri is not a known field/,
      /clients\[0\]\.redirectUris is required/,
      /users\[0\]\.password must be a string, got a number/,
      /idTokenLifetime must be a positive number of seconds, got the string "1h"/,
      /audience is not a known field/,
    );
  });

  it('names wrong ciba and passwordless fields', async () => {
    await refused(
      {
        ciba: { interval: 0, maxExpiry: 1.5, pollInterval: 5 },
        passwordless: { codeLifetime: '5m', maxAttempts: -1, maxStartsPerMinute: 2.5, otp: 1 },
      },
      /ciba\.interval must be a positive whole number of seconds, got a number/,
      /ciba\.maxExpiry must be a positive whole number of seconds/,
      /ciba\.pollInterval is not a known field \(known: interval, maxExpiry\)/,
      /passwordless\.codeLifetime must be a positive whole number of seconds, got the string "5m"/,
      /passwordless\.maxAttempts must be a positive whole number/,
      /passwordless\.maxStartsPerMinute must be a positive whole number/,
      /passwordless\.otp is not a known field/,
    );
    await refused({ ciba: 5 }, /ciba must be an object, got a number/);
  });

  it('applies the ciba and passwordless defaults', async () => {
    const tenant = await tenantWith({ ciba: { interval: 2 } });
    expect(tenant.config.ciba).toEqual({ interval: 2, maxExpiry: 300 });
    expect(tenant.config.passwordless).toEqual({
      codeLifetime: 300,
      maxAttempts: 3,
      maxStartsPerMinute: 5,
    });
  });

  it('names wrong organizations fields', async () => {
    await refused(
      {
        organizations: [
          { id: 'acme', name: 'Acme', members: 'auth0|alice' },
          { id: 'org_b', name: 'b', displayName: 2, members: [], requireMFA: true },
          { name: 'c', members: [] },
        ],
      },
      /organizations\[0\]\.id must be an organization id: org_ followed by/,
      /organizations\[0\]\.name must be a lower-case name/,
      /organizations\[0\]\.members must be an array of strings, got the string "auth0\|alice"/,
      /organizations\[1\]\.displayName must be a string, got a number/,
      /organizations\[1\]\.requireMFA is not a known field/,
      /organizations\[2\]\.id is required/,
    );
  });

  it('names wrong second-factor fields of users and organizations', async () => {
    await refused(
      {
        users: [
          { email: 'a@example.com', password: 'a', mfa: { totpSecret: 'not base32!' } },
          { email: 'b@example.com', password: 'b', mfa: { totpSecret: 'ABC' } },
          { email: 'c@example.com', password: 'c', mfa: { sms: '+15550100' } },
        ],
        organizations: [{ id: 'org_a', name: 'a', members: [], requireMfa: 'yes' }],
        apis: [{ identifier: 'https://vault.example.com', scopes: 'read', requireMfa: 1 }],
        mfaTokenLifetime: 0,
      },
      /users\[0\]\.mfa\.totpSecret must be a base32 secret of at least 16 characters/,
      /users\[1\]\.mfa\.totpSecret must be a base32 secret/,
      /users\[2\]\.mfa\.sms is not a known field \(known: totpSecret\)/,
      /organizations\[0\]\.requireMfa must be true or false, got the string "yes"/,
      /apis\[0\]\.requireMfa must be true or false, got a number/,
      /mfaTokenLifetime must be a positive number of seconds, got a number/,
    );
  });

  it('names a client initiateLoginUri that is not a URL', async () => {
    await refused(
      { clients: [{ ...DEFAULT_CLIENTS[0]!, initiateLoginUri: '/auth/login' }] },
      /clients\[0\]\.initiateLoginUri must be an absolute URL string/,
    );
  });

  it('names organization members who are not users, and repeated organizations', async () => {
    await refused(
      {
        organizations: [
          { id: 'org_a', name: 'a', members: ['auth0|alice', 'auth0|nobody'] },
          { id: 'org_b', name: 'a', members: [] },
        ],
      },
      /organizations\[0\]\.members\[1\] auth0\|nobody is not the sub of a user/,
      /organizations\[1\] repeats the id or name a/,
    );
  });

  it('names wrong token exchange profiles and settings', async () => {
    await refused(
      {
        tokenExchangeProfiles: [
          { subjectTokenType: 'legacy-token', validate: 'sub' },
          { subjectTokenType: 'urn:acme:x', audience: 7, validate: () => ({ sub: 'a' }) },
          { validate: () => ({ sub: 'a' }) },
        ],
        onBehalfOf: 'yes',
        sessionTransferTokenLifetime: -1,
      },
      /tokenExchangeProfiles\[0\]\.subjectTokenType must be a URI string, e\.g\. "urn:acme:legacy-token", got the string "legacy-token"/,
      /tokenExchangeProfiles\[0\]\.validate must be a function \(subjectToken, context\) returning \{ sub \}/,
      /tokenExchangeProfiles\[1\]\.audience must be an API identifier string, got a number/,
      /tokenExchangeProfiles\[2\]\.subjectTokenType is required/,
      /onBehalfOf must be true or false, got the string "yes"/,
      /sessionTransferTokenLifetime must be a positive number of seconds/,
    );
  });

  it('names wrong DPoP settings', async () => {
    await refused(
      {
        apis: [{ identifier: 'https://api.example.com', scopes: 'read:orders', dpop: 'always' }],
        myAccountApi: { dpop: true, mode: 'x' },
        tokenVault: 'required',
        dpopNonces: 'on',
      },
      /apis\[0\]\.dpop must be one of "allowed", "required", got the string "always"/,
      /myAccountApi\.dpop must be one of "allowed", "required", got a boolean/,
      /myAccountApi\.mode is not a known field \(known: dpop\)/,
      /tokenVault must be an object, got the string "required"/,
      /dpopNonces must be true or false, got the string "on"/,
    );
  });

  it('names token exchange profiles that could never be used', async () => {
    const validate = () => ({ sub: 'auth0|alice' });
    await refused(
      {
        tokenExchangeProfiles: [
          { subjectTokenType: 'urn:acme:a', validate },
          { subjectTokenType: 'urn:acme:a', validate },
          { subjectTokenType: 'urn:acme:b', audience: 'https://nope.example.com', validate },
        ],
      },
      /tokenExchangeProfiles\[1\] repeats subjectTokenType urn:acme:a/,
      /tokenExchangeProfiles\[2\]\.audience https:\/\/nope\.example\.com is not the identifier of one of apis/,
    );
  });

  it('names wrong accounts of connections, and repeated ones', async () => {
    await refused(
      {
        connections: [
          {
            name: 'github',
            scopes: 'repo',
            users: [{ user_id: 1, email: 'a@x' }, { email: 'b@x' }],
          },
        ],
      },
      /connections\[0\]\.users\[0\]\.user_id must be a string, got a number/,
      /connections\[0\]\.users\[1\]\.user_id is required/,
    );
    await refused(
      {
        connections: [
          {
            name: 'github',
            scopes: 'repo',
            users: [
              { user_id: 'octo', email: 'a@x' },
              { user_id: 'octo', email: 'b@x' },
            ],
          },
        ],
      },
      /connections\[0\]\.users\[1\] repeats the user_id octo/,
    );
  });

  it('leaves nothing listening when it refuses', async () => {
    await refused({ apis: 'none' }, /apis must be an array/);
  });

  it('answers /favicon.ico with an icon', async () => {
    const tenant = await tenantWith();
    const response = await fetch(`${tenant.url}/favicon.ico`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/image\/svg\+xml/);
  });
});
