import { randomBytes } from 'node:crypto';
import { generateAuthenticationOptions, generateRegistrationOptions } from '@simplewebauthn/server';
import type { Context, Middleware } from 'koa';
import { readJsonBody } from './body.js';
import { authenticateClient } from './client-auth.js';
import type { DevClientConfig } from './config.js';
import { PASSKEY_SESSION_LIFETIME } from './passkeys.js';
import type { TenantState } from './tenant-state.js';

/** Auth0's database connection, the only `realm` passkeys sign up to or in with. */
export const DATABASE_REALM = 'Username-Password-Authentication';
/** ES256, EdDSA, RS256: what the tenant offers in `pubKeyCredParams`, and accepts. */
export const PASSKEY_ALGORITHMS = [-7, -8, -257];

type Body = Record<string, unknown>;

function fail(ctx: Context, status: number, error: string, description: string): void {
  ctx.status = status;
  ctx.set('Cache-Control', 'no-store');
  ctx.body = { error, error_description: description };
}

/** The request's JSON object and authenticated client, or false once the error is answered. */
async function clientRequest(
  state: TenantState,
  issuer: string,
  ctx: Context,
): Promise<{ body: Body; client: DevClientConfig } | false> {
  const raw = ctx.is('json') ? await readJsonBody(ctx.req).catch(() => undefined) : undefined;
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    fail(ctx, 400, 'invalid_request', 'the body must be a JSON object');
    return false;
  }
  const body = raw as Body;
  const param = (name: string) => (typeof body[name] === 'string' ? body[name] : undefined);
  const client = await authenticateClient(state, issuer, {
    authorization: ctx.get('authorization'),
    param,
  });
  if (!client) {
    fail(ctx, 401, 'invalid_client', 'Client authentication failed.');
    return false;
  }
  const realm = body.realm;
  if (realm !== undefined && realm !== DATABASE_REALM) {
    fail(
      ctx,
      400,
      'invalid_request',
      `unknown realm ${String(realm)} (the tenant has ${DATABASE_REALM})`,
    );
    return false;
  }
  const organization = body.organization;
  if (organization !== undefined && !state.organizations.find(String(organization))) {
    fail(
      ctx,
      400,
      'invalid_request',
      `parameter organization is invalid: no organization ${String(organization)}`,
    );
    return false;
  }
  return { body, client };
}

const text = (value: unknown) => (typeof value === 'string' && value !== '' ? value : undefined);

/**
 * `POST /passkey/register`: `{ client_id, client_secret, realm?, user_profile: { email, name? },
 * user_metadata?, organization? }` → `{ authn_params_public_key, auth_session }`: the creation
 * options for `navigator.credentials.create()` (resident key required, `none` attestation) and the
 * ceremony's handle. The user is created only when the registration verifies at the token
 * endpoint; an email that already has a user is refused now.
 */
async function register(state: TenantState, issuer: string, ctx: Context): Promise<void> {
  const request = await clientRequest(state, issuer, ctx);
  if (!request) return;
  const { body, client } = request;
  const profile = body.user_profile as Body | undefined;
  const email = text(profile?.email);
  if (!email || !/^[^@\s]+@[^@\s]+$/.test(email)) {
    return fail(ctx, 400, 'invalid_request', 'user_profile.email must be an email address');
  }
  const name = profile?.name === undefined ? undefined : text(profile.name);
  if (profile?.name !== undefined && name === undefined) {
    return fail(ctx, 400, 'invalid_request', 'user_profile.name must be a non-empty string');
  }
  const metadata = body.user_metadata;
  if (metadata !== undefined && (typeof metadata !== 'object' || metadata === null)) {
    return fail(ctx, 400, 'invalid_request', 'user_metadata must be an object');
  }
  const known = email.toLowerCase();
  if (state.config.users.some((user) => user.email.toLowerCase() === known)) {
    return fail(ctx, 400, 'invalid_request', 'The user already exists.');
  }
  const { rpId, rpName } = state.config.passkeys;
  const userHandle = randomBytes(16);
  const options = await generateRegistrationOptions({
    rpName,
    rpID: rpId,
    userName: email,
    userID: userHandle,
    userDisplayName: name ?? email,
    timeout: PASSKEY_SESSION_LIFETIME * 1000,
    attestationType: 'none',
    authenticatorSelection: { residentKey: 'required', userVerification: 'preferred' },
    supportedAlgorithmIDs: PASSKEY_ALGORITHMS,
  });
  const authSession = state.passkeys.open({
    kind: 'signup',
    clientId: client.clientId,
    challenge: options.challenge,
    realm: text(body.realm),
    organization: text(body.organization),
    user: { email, name, userHandle: userHandle.toString('base64url') },
  });
  ctx.set('Cache-Control', 'no-store');
  ctx.body = { authn_params_public_key: options, auth_session: authSession };
}

/**
 * `POST /passkey/challenge`: `{ client_id, client_secret, realm?, username?, organization? }` →
 * `{ authn_params_public_key, auth_session }`: the request options for
 * `navigator.credentials.get()`. With a `username` that has passkeys, `allowCredentials` lists
 * them; an unknown one gets a challenge all the same (nothing tells who has an account), which
 * no passkey can then answer.
 */
async function challenge(state: TenantState, issuer: string, ctx: Context): Promise<void> {
  const request = await clientRequest(state, issuer, ctx);
  if (!request) return;
  const { body, client } = request;
  if (body.username !== undefined && text(body.username) === undefined) {
    return fail(ctx, 400, 'invalid_request', 'username must be a non-empty string');
  }
  const username = text(body.username);
  const user = username
    ? state.config.users.find(
        (candidate) => candidate.email.toLowerCase() === username.toLowerCase(),
      )
    : undefined;
  const options = await generateAuthenticationOptions({
    rpID: state.config.passkeys.rpId,
    timeout: PASSKEY_SESSION_LIFETIME * 1000,
    userVerification: 'preferred',
    ...(user
      ? {
          allowCredentials: state.passkeys.of(user.sub).map((credential) => ({
            id: credential.id,
            transports: credential.transports as never,
          })),
        }
      : {}),
  });
  const authSession = state.passkeys.open({
    kind: 'login',
    clientId: client.clientId,
    challenge: options.challenge,
    realm: text(body.realm),
    organization: text(body.organization),
    ...(username ? { username } : {}),
  });
  ctx.set('Cache-Control', 'no-store');
  ctx.body = { authn_params_public_key: options, auth_session: authSession };
}

/** Auth0's passkey challenge endpoints, on the domain of `issuer` (see `passkey-grant.ts`). */
export function passkeyApi(state: TenantState, issuer: string): Middleware {
  return async (ctx, next) => {
    if (ctx.method !== 'POST') return next();
    try {
      if (ctx.path === '/passkey/register') return await register(state, issuer, ctx);
      if (ctx.path === '/passkey/challenge') return await challenge(state, issuer, ctx);
    } catch {
      // A body too large, say: answered as Auth0 does, never with a 500.
      return fail(ctx, 400, 'invalid_request', 'malformed request');
    }
    return next();
  };
}
