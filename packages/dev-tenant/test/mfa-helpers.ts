/**
 * What the tests of `mfa_required`, the MFA API and the MFA grants share: an API that requires a
 * second factor, users with nothing but their email factor, and the HTTP calls an SDK makes.
 */

import type { DevTenantConfig, DevTenantDomain } from '../src/index.js';
import { DEFAULT_APIS, DEFAULT_CLIENTS, DEFAULT_USERS, DEMO_CLIENT_SECRET } from '../src/index.js';
import { loginTokens, type TestUser } from './helpers.js';

export const VAULT_API = 'https://vault.example.com';
export const ORDERS_API = 'https://api.example.com';
export const OTP_GRANT = 'http://auth0.com/oauth/grant-type/mfa-otp';
export const OOB_GRANT = 'http://auth0.com/oauth/grant-type/mfa-oob';
export const RECOVERY_CODE_GRANT = 'http://auth0.com/oauth/grant-type/mfa-recovery-code';

/** A user with only the email factor; each test has its own, as enrollments change a user. */
export const user = (name: string): TestUser => ({
  email: `${name}@example.com`,
  password: `${name}-password`,
});

export const OTHER_CLIENT = { id: 'other-app', secret: 'other-app-secret-other-app-secret' };

/** A tenant with an API that requires a second factor, which the demo client may refresh into. */
export function mfaTenantConfig(extra: DevTenantConfig = {}): DevTenantConfig {
  const demo = DEFAULT_CLIENTS[0]!;
  return {
    apis: [...DEFAULT_APIS, { identifier: VAULT_API, scopes: 'read:secrets', requireMfa: true }],
    clients: [
      {
        ...demo,
        refreshTokenPolicies: [
          ...(demo.refreshTokenPolicies ?? []),
          { audience: VAULT_API, scope: 'read:secrets' },
        ],
      },
      {
        clientId: OTHER_CLIENT.id,
        clientSecret: OTHER_CLIENT.secret,
        redirectUris: demo.redirectUris,
      },
    ],
    users: [
      ...DEFAULT_USERS,
      ...['dave', 'erin', 'frank', 'grace', 'heidi', 'ivan'].map((name) => ({ ...user(name) })),
    ],
    ...extra,
  };
}

const basic = (id: string, secret: string) =>
  `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;

export interface Answer {
  status: number;
  // biome-ignore lint/suspicious/noExplicitAny: JSON bodies of many shapes, read field by field.
  body: any;
}

async function read(response: Response): Promise<Answer> {
  return { status: response.status, body: await response.json() };
}

/** A token request as the demo client (or `client`), with client_secret_basic. */
export async function token(
  domain: Pick<DevTenantDomain, 'url'>,
  params: Record<string, string>,
  client = { id: 'demo-web', secret: DEMO_CLIENT_SECRET },
): Promise<Answer> {
  return read(
    await fetch(new URL('/oauth/token', domain.url), {
      method: 'POST',
      headers: {
        authorization: basic(client.id, client.secret),
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: new URLSearchParams(params),
    }),
  );
}

/** A call to the MFA API: `Authorization: Bearer <mfaToken>` when given, a JSON body when given. */
export async function mfaApi(
  domain: Pick<DevTenantDomain, 'url'>,
  path: string,
  options: { mfaToken?: string; body?: unknown } = {},
): Promise<Answer> {
  const headers: Record<string, string> = {};
  if (options.mfaToken) headers.authorization = `Bearer ${options.mfaToken}`;
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  return read(
    await fetch(new URL(path, domain.url), {
      method: options.body === undefined ? 'GET' : 'POST',
      headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
    }),
  );
}

/** `POST /mfa/challenge` as the demo client (client_secret in the body, as Auth0 SDKs send it). */
export function challenge(
  domain: Pick<DevTenantDomain, 'url'>,
  mfaToken: string,
  fields: Record<string, string> = {},
): Promise<Answer> {
  return mfaApi(domain, '/mfa/challenge', {
    body: {
      mfa_token: mfaToken,
      client_id: 'demo-web',
      client_secret: DEMO_CLIENT_SECRET,
      ...fields,
    },
  });
}

/** A login without a second factor: its refresh token (for the orders API, with offline_access). */
export async function plainRefreshToken(
  domain: Pick<DevTenantDomain, 'url'>,
  who: TestUser,
  params: Record<string, string> = {},
): Promise<string> {
  const tokens = await loginTokens(domain, { audience: ORDERS_API, ...params }, who);
  return tokens.refresh_token ?? '';
}

/** A refresh into the vault API of a login without a second factor: its `mfa_required` answer. */
export async function refreshIntoVault(
  domain: Pick<DevTenantDomain, 'url'>,
  refreshToken: string,
): Promise<Answer> {
  return token(domain, {
    grant_type: 'refresh_token',
    refresh_token: refreshToken,
    audience: VAULT_API,
    scope: 'openid profile offline_access read:secrets',
  });
}

/** The `mfa_token` of a refresh into the vault API by `who`, who logs in without a second factor. */
export async function mfaTokenFor(
  domain: Pick<DevTenantDomain, 'url'>,
  who: TestUser,
): Promise<{ mfaToken: string; refreshToken: string }> {
  const refreshToken = await plainRefreshToken(domain, who);
  const answer = await refreshIntoVault(domain, refreshToken);
  if (answer.status !== 403) throw new Error(`expected mfa_required: ${JSON.stringify(answer)}`);
  return { mfaToken: answer.body.mfa_token, refreshToken };
}
