/**
 * Custom Token Exchange (RFC 8693, Auth0's profiles): `subject_token_type` matched to a profile
 * whose `validate` decides the user, `act` from an actor, organizations, and the built-in
 * on-behalf-of profile for APIs (nested `act`).
 */
import { generateTestKey, jwksOf, signJws } from '@gatehouse/test-kit/tokens';
import { createRemoteJWKSet, decodeJwt, jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DEFAULT_CLIENTS,
  DEMO_CLIENT_SECRET,
  type DevTenant,
  type DevTenantConfig,
  type DevTenantDomain,
  startDevTenant,
} from '../src/index.js';
import { machineToken } from '../src/testing/index.js';
import { BOB, CALLBACK, loginTokens } from './helpers.js';
import { type Answer, token } from './mfa-helpers.js';

const GRANT = 'urn:ietf:params:oauth:grant-type:token-exchange';
const ACCESS_TOKEN_TYPE = 'urn:ietf:params:oauth:token-type:access_token';
const LEGACY = 'urn:acme:legacy-token';
const AGENT = 'urn:acme:agent-token';
const PINNED = 'urn:acme:analytics-only';
const ORDERS_API = 'https://api.example.com';
const ANALYTICS_API = 'https://analytics.example.com';
const ORDERS_SERVICE = { id: 'orders-service', secret: 'orders-service-secret-orders-service' };
const ANALYTICS_SERVICE = {
  id: 'analytics-service',
  secret: 'analytics-service-secret-analytics-service',
};

/** What each profile's `validate` was called with, newest last. */
const calls: Array<{ subjectToken: string; context: unknown }> = [];

const config: DevTenantConfig = {
  clients: [
    DEFAULT_CLIENTS[0]!,
    ...[ORDERS_SERVICE, ANALYTICS_SERVICE].map((service) => ({
      clientId: service.id,
      clientSecret: service.secret,
      redirectUris: [CALLBACK],
    })),
  ],
  tokenExchangeProfiles: [
    {
      // `legacy:<name>` stands for `auth0|<name>`; anything else is refused.
      subjectTokenType: LEGACY,
      validate(subjectToken, context) {
        calls.push({ subjectToken, context });
        const name = /^legacy:(\w+)$/.exec(subjectToken)?.[1];
        if (!name) throw new Error('the legacy token is not valid');
        return { sub: `auth0|${name}` };
      },
    },
    {
      // An agent acting for a user: the actor is named from the actor token, as setActor does.
      subjectTokenType: AGENT,
      async validate(subjectToken, context) {
        calls.push({ subjectToken, context });
        return {
          sub: subjectToken,
          ...(context.actorTokenType === 'urn:acme:agent'
            ? { actor: `agent|${context.actorToken}` }
            : {}),
        };
      },
    },
    { subjectTokenType: PINNED, audience: ANALYTICS_API, validate: () => ({ sub: 'auth0|alice' }) },
  ],
};

let tenant: DevTenant;
let custom: DevTenantDomain;
beforeAll(async () => {
  tenant = await startDevTenant({ config, customDomains: [{ port: 0 }] });
  custom = tenant.domains[1] as DevTenantDomain;
});
afterAll(() => tenant.close());

/** A token exchange at `domain` (the main one by default) as `client` (the demo app by default). */
const exchange = (
  params: Record<string, string>,
  client = { id: 'demo-web', secret: DEMO_CLIENT_SECRET },
  domain: Pick<DevTenantDomain, 'url'> = tenant,
): Promise<Answer> => token(domain, { grant_type: GRANT, ...params }, client);

const verified = async (domain: DevTenantDomain, jwt: string, audience: string) =>
  (
    await jwtVerify(jwt, createRemoteJWKSet(new URL(`${domain.url}/.well-known/jwks.json`)), {
      issuer: domain.issuer,
      audience,
    })
  ).payload;

describe('a custom token exchange', () => {
  it('gives the tokens of the user the profile names: access token, ID token, refresh token', async () => {
    const answer = await exchange({
      subject_token: 'legacy:alice',
      subject_token_type: LEGACY,
      audience: ORDERS_API,
      scope: 'openid profile email offline_access read:orders',
    });
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({
      issued_token_type: ACCESS_TOKEN_TYPE,
      token_type: 'Bearer',
      expires_in: 86_400,
      scope: 'openid profile email offline_access read:orders',
      refresh_token: expect.any(String),
    });
    expect(calls.at(-1)).toEqual({
      subjectToken: 'legacy:alice',
      context: { clientId: 'demo-web' },
    });
    const main = tenant.domains[0] as DevTenantDomain;
    const idToken = await verified(main, answer.body.id_token, 'demo-web');
    expect(idToken).toMatchObject({
      sub: 'auth0|alice',
      email: 'alice@example.com',
      name: 'Alice',
    });
    expect(idToken).not.toHaveProperty('nonce');
    expect(idToken).not.toHaveProperty('act');
    const accessToken = await verified(main, answer.body.access_token, ORDERS_API);
    expect(accessToken).toMatchObject({
      sub: 'auth0|alice',
      scope: 'read:orders',
      client_id: 'demo-web',
      azp: 'demo-web',
    });

    const refreshed = await token(tenant, {
      grant_type: 'refresh_token',
      refresh_token: answer.body.refresh_token,
    });
    expect(refreshed.status).toBe(200);
    expect(decodeJwt(refreshed.body.access_token)).toMatchObject({
      sub: 'auth0|alice',
      aud: ORDERS_API,
    });
    expect(decodeJwt(refreshed.body.id_token).sub).toBe('auth0|alice');
  });

  it('gives an opaque token for /userinfo without an audience, and no ID token without openid', async () => {
    const plain = await exchange({ subject_token: 'legacy:bob', subject_token_type: LEGACY });
    expect(plain.status).toBe(200);
    expect(plain.body).not.toHaveProperty('id_token');
    expect(plain.body).not.toHaveProperty('refresh_token');
    const withOpenid = await exchange({
      subject_token: 'legacy:bob',
      subject_token_type: LEGACY,
      scope: 'openid email',
    });
    const userinfo = await fetch(`${tenant.url}/userinfo`, {
      headers: { authorization: `Bearer ${withOpenid.body.access_token}` },
    });
    expect(await userinfo.json()).toMatchObject({ sub: 'auth0|bob', email: 'bob@example.com' });
  });

  it('answers invalid_grant with the message of a validate that refuses', async () => {
    const answer = await exchange({ subject_token: 'forged', subject_token_type: LEGACY });
    expect(answer).toEqual({
      status: 400,
      body: { error: 'invalid_grant', error_description: 'the legacy token is not valid' },
    });
  });

  it('answers invalid_grant for a sub that is no user of the tenant', async () => {
    const answer = await exchange({ subject_token: 'legacy:nobody', subject_token_type: LEGACY });
    expect(answer.status).toBe(400);
    expect(answer.body).toEqual({
      error: 'invalid_grant',
      error_description: 'the user auth0|nobody does not exist',
    });
  });

  it('answers invalid_request when no profile takes the subject_token_type', async () => {
    const answer = await exchange({ subject_token: 'x', subject_token_type: 'urn:acme:unknown' });
    expect(answer).toEqual({
      status: 400,
      body: {
        error: 'invalid_request',
        error_description: 'no token exchange profile for subject_token_type urn:acme:unknown',
      },
    });
  });

  it('uses a profile pinned to an audience for that audience only', async () => {
    const pinned = await exchange({
      subject_token: 'x',
      subject_token_type: PINNED,
      audience: ANALYTICS_API,
    });
    expect(pinned.status).toBe(200);
    const elsewhere = await exchange({
      subject_token: 'x',
      subject_token_type: PINNED,
      audience: ORDERS_API,
    });
    expect(elsewhere.body).toEqual({
      error: 'invalid_request',
      error_description: `no token exchange profile for subject_token_type ${PINNED} and audience ${ORDERS_API}`,
    });
  });

  it('refuses missing parameters, an unknown audience and a client that does not authenticate', async () => {
    expect((await exchange({ subject_token_type: LEGACY })).body).toEqual({
      error: 'invalid_request',
      error_description: 'missing required parameter subject_token',
    });
    const unknown = await exchange({
      subject_token: 'legacy:alice',
      subject_token_type: LEGACY,
      audience: 'https://nope.example.com',
    });
    expect(unknown.body).toMatchObject({
      error: 'invalid_target',
      error_description: 'Service not found: https://nope.example.com',
    });
    const unauthenticated = await exchange(
      { subject_token: 'legacy:alice', subject_token_type: LEGACY },
      { id: 'demo-web', secret: 'wrong' },
    );
    expect(unauthenticated.status).toBe(401);
    expect(unauthenticated.body.error).toBe('invalid_client');
  });

  it('takes client_secret_post too', async () => {
    const response = await fetch(`${tenant.url}/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: GRANT,
        client_id: 'demo-web',
        client_secret: DEMO_CLIENT_SECRET,
        subject_token: 'legacy:alice',
        subject_token_type: LEGACY,
      }),
    });
    expect(response.status).toBe(200);
  });

  it('takes private_key_jwt, as every grant', async () => {
    const key = await generateTestKey('RS256', { kid: 'exchange-key' });
    const keyed = await startDevTenant({
      config: {
        ...config,
        clients: [
          {
            clientId: 'pkjwt-app',
            redirectUris: [CALLBACK],
            tokenEndpointAuthMethod: 'private_key_jwt',
            jwks: jwksOf(key),
          },
        ],
      },
    });
    try {
      const now = Math.floor(Date.now() / 1000);
      const assertion = await signJws(
        { alg: 'RS256', kid: 'exchange-key' },
        {
          iss: 'pkjwt-app',
          sub: 'pkjwt-app',
          aud: keyed.issuer,
          jti: crypto.randomUUID(),
          iat: now,
          exp: now + 60,
        },
        key,
      );
      const response = await fetch(`${keyed.url}/oauth/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          grant_type: GRANT,
          client_id: 'pkjwt-app',
          client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
          client_assertion: assertion,
          subject_token: 'legacy:alice',
          subject_token_type: LEGACY,
          scope: 'openid',
        }),
      });
      expect(response.status).toBe(200);
      expect(decodeJwt((await response.json()).id_token).aud).toBe('pkjwt-app');
    } finally {
      await keyed.close();
    }
  });

  it('issues on a custom domain with that domain its issuer', async () => {
    const answer = await exchange(
      { subject_token: 'legacy:alice', subject_token_type: LEGACY, scope: 'openid' },
      undefined,
      custom,
    );
    expect(await verified(custom, answer.body.id_token, 'demo-web')).toMatchObject({
      sub: 'auth0|alice',
    });
  });
});

describe('an actor', () => {
  it('from an actor token this tenant signed: act.sub is its sub, in the ID and access tokens', async () => {
    const bob = await loginTokens(tenant, {}, BOB);
    const answer = await exchange({
      subject_token: 'legacy:alice',
      subject_token_type: LEGACY,
      actor_token: bob.id_token ?? '',
      actor_token_type: 'urn:ietf:params:oauth:token-type:id_token',
      audience: ORDERS_API,
      scope: 'openid offline_access read:orders',
    });
    expect(answer.status).toBe(200);
    expect(calls.at(-1)?.context).toEqual({
      actorToken: bob.id_token,
      actorTokenType: 'urn:ietf:params:oauth:token-type:id_token',
      clientId: 'demo-web',
    });
    expect(decodeJwt(answer.body.id_token)).toMatchObject({
      sub: 'auth0|alice',
      act: { sub: 'auth0|bob' },
    });
    expect(decodeJwt(answer.body.access_token)).toMatchObject({
      sub: 'auth0|alice',
      act: { sub: 'auth0|bob' },
    });
    // Delegated tokens are not refreshed, as at Auth0.
    expect(answer.body).not.toHaveProperty('refresh_token');
    expect(answer.body.scope).toBe('openid read:orders');
  });

  it('named by the profile wins over the actor token', async () => {
    const answer = await exchange({
      subject_token: 'auth0|alice',
      subject_token_type: AGENT,
      actor_token: 'support-bot',
      actor_token_type: 'urn:acme:agent',
      scope: 'openid',
    });
    expect(decodeJwt(answer.body.id_token).act).toEqual({ sub: 'agent|support-bot' });
  });

  it('refuses an actor token the tenant did not sign when the profile names no actor', async () => {
    const answer = await exchange({
      subject_token: 'legacy:alice',
      subject_token_type: LEGACY,
      actor_token: 'not-a-jwt',
      actor_token_type: 'urn:acme:agent',
    });
    expect(answer.body).toEqual({
      error: 'invalid_grant',
      error_description:
        'actor_token is not a valid token of this tenant, and the profile named no actor',
    });
  });

  it('needs actor_token and actor_token_type together', async () => {
    const answer = await exchange({
      subject_token: 'legacy:alice',
      subject_token_type: LEGACY,
      actor_token: 'x',
    });
    expect(answer.body).toEqual({
      error: 'invalid_request',
      error_description: 'actor_token_type is required when actor_token is sent',
    });
  });
});

describe('organizations', () => {
  it('gives a member the organization claims', async () => {
    const answer = await exchange({
      subject_token: 'legacy:alice',
      subject_token_type: LEGACY,
      organization: 'acme',
      audience: ORDERS_API,
      scope: 'openid',
    });
    const claims = { org_id: 'org_acme', org_name: 'acme' };
    expect(decodeJwt(answer.body.id_token)).toMatchObject(claims);
    expect(decodeJwt(answer.body.access_token)).toMatchObject(claims);
  });

  it('refuses a user who is not a member, and an organization the tenant does not have', async () => {
    const bob = await exchange({
      subject_token: 'legacy:bob',
      subject_token_type: LEGACY,
      organization: 'org_acme',
    });
    expect(bob.body).toEqual({
      error: 'invalid_grant',
      error_description: 'user auth0|bob is not part of the org_acme organization',
    });
    const nope = await exchange({
      subject_token: 'legacy:alice',
      subject_token_type: LEGACY,
      organization: 'org_nope',
    });
    expect(nope.body).toEqual({
      error: 'invalid_request',
      error_description: 'parameter organization is invalid: no organization org_nope',
    });
  });
});

describe('on behalf of (the built-in access token profile)', () => {
  it('lets an API exchange the access token it received for one for another API, act nested', async () => {
    const login = await loginTokens(tenant, { audience: ORDERS_API });
    const first = await exchange(
      {
        subject_token: login.access_token ?? '',
        subject_token_type: ACCESS_TOKEN_TYPE,
        audience: ANALYTICS_API,
        scope: 'read:analytics',
      },
      ORDERS_SERVICE,
    );
    expect(first.status).toBe(200);
    expect(decodeJwt(first.body.access_token)).toMatchObject({
      sub: 'auth0|alice',
      aud: ANALYTICS_API,
      scope: 'read:analytics',
      client_id: ORDERS_SERVICE.id,
      act: { sub: ORDERS_SERVICE.id },
    });

    // The analytics service goes on, on the custom domain, with the token the main one issued.
    const second = await exchange(
      {
        subject_token: first.body.access_token,
        subject_token_type: ACCESS_TOKEN_TYPE,
        audience: ORDERS_API,
        scope: 'read:orders',
      },
      ANALYTICS_SERVICE,
      custom,
    );
    expect(second.status).toBe(200);
    expect(await verified(custom, second.body.access_token, ORDERS_API)).toMatchObject({
      sub: 'auth0|alice',
      act: { sub: ANALYTICS_SERVICE.id, act: { sub: ORDERS_SERVICE.id } },
    });
  });

  it('refuses a token that is not an access token of the tenant, or not of a user', async () => {
    const forged = await exchange({
      subject_token: 'eyJhbGciOiJub25lIn0.e30.',
      subject_token_type: ACCESS_TOKEN_TYPE,
      audience: ANALYTICS_API,
    });
    expect(forged.body).toEqual({
      error: 'invalid_grant',
      error_description: 'subject_token is not a valid access token of this tenant',
    });
    const machine = await machineToken({
      tenantUrl: tenant.url,
      clientId: ORDERS_SERVICE.id,
      clientSecret: ORDERS_SERVICE.secret,
      audience: ORDERS_API,
    });
    const answer = await exchange({
      subject_token: machine.accessToken,
      subject_token_type: ACCESS_TOKEN_TYPE,
      audience: ANALYTICS_API,
    });
    expect(answer.body).toEqual({
      error: 'invalid_grant',
      error_description: `the user ${ORDERS_SERVICE.id} does not exist`,
    });
  });

  it('is off with onBehalfOf: false', async () => {
    const off = await startDevTenant({ config: { onBehalfOf: false } });
    try {
      const login = await loginTokens(off, { audience: ORDERS_API });
      const answer = await token(off, {
        grant_type: GRANT,
        subject_token: login.access_token ?? '',
        subject_token_type: ACCESS_TOKEN_TYPE,
        audience: ANALYTICS_API,
      });
      expect(answer.body).toEqual({
        error: 'invalid_request',
        error_description: `no token exchange profile for subject_token_type ${ACCESS_TOKEN_TYPE} and audience ${ANALYTICS_API}`,
      });
    } finally {
      await off.close();
    }
  });
});
