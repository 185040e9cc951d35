import type { Context, Middleware } from 'koa';
import type Provider from 'oidc-provider';
import type { KoaContextWithOIDC } from 'oidc-provider';
import { passBodyOn, readFormBody, readJsonBodyAsForm } from './body.js';
import type { DevClientConfig } from './config.js';
import {
  bindIssuedRefreshToken,
  DPOP_REQUIRED_BODY,
  dpopRequiredFor,
} from './dpop/token-binding.js';
import { mfaRequiredForRefresh } from './mfa-required.js';
import { WEBAUTHN_GRANT } from './passkey-grant.js';
import { PASSWORDLESS_OTP_GRANT } from './passwordless-grant.js';
import {
  findApi,
  isMyAccountAudience,
  MY_ACCOUNT_SCOPES,
  myAccountAudience,
  type TenantState,
} from './tenant-state.js';
import { TOKEN_EXCHANGE_GRANT } from './token-exchange.js';

/**
 * Marks "no audience" as the first resource of a widened refresh token: a refresh without an
 * `audience` then yields an opaque `/userinfo` token again, as it did before the widening.
 */
export const NO_AUDIENCE = 'urn:gatehouse:dev-tenant:no-audience';

/** Grants that read `audience` themselves. */
const AUDIENCE_GRANTS = new Set([TOKEN_EXCHANGE_GRANT, PASSWORDLESS_OTP_GRANT, WEBAUTHN_GRANT]);

/** The audience Auth0's SDKs name the My Account API by when they link accounts. */
const MY_ACCOUNT_ALIAS = 'my-account';

const words = (value: string | null | undefined): string[] =>
  (value ?? '').split(' ').filter((word) => word.length > 0);

/**
 * Auth0 names the API `audience`; oidc-provider implements the same idea as RFC 8707 `resource`.
 * Auth0 also issues refresh tokens for `offline_access` without `prompt=consent`, which OpenID
 * Connect Core requires; asking for consent here is harmless because first-party clients skip it.
 * And Auth0 always puts `sid` and `auth_time` in ID tokens (and `amr` and `acr` after a second
 * factor, `org_id` and `org_name` after a login to an organization), where oidc-provider releases
 * such claims only when the `claims` parameter asks for them; so they are asked for.
 */
function translateAuthorizationParams(params: URLSearchParams, issuer: string): void {
  let audience = params.get('audience');
  params.delete('audience');
  // Auth0's SDKs link and unlink accounts with `audience=my-account`: the My Account API.
  const scopes = words(params.get('scope'));
  const linking = scopes.includes('link_account') || scopes.includes('unlink_account');
  if (audience === MY_ACCOUNT_ALIAS && linking) audience = myAccountAudience(issuer);
  if (audience && !params.has('resource')) params.set('resource', audience);
  params.set('claims', withAuth0ClaimsRequested(params.get('claims')));

  if (words(params.get('scope')).includes('offline_access')) {
    const prompts = new Set(words(params.get('prompt')));
    if (!prompts.has('none') && !prompts.has('consent')) {
      prompts.add('consent');
      params.set('prompt', [...prompts].join(' '));
    }
  }
}

/** The ID-token claims Auth0 puts in every ID token that has them. */
const AUTH0_ID_TOKEN_CLAIMS = {
  sid: null,
  auth_time: null,
  amr: null,
  acr: null,
  org_id: null,
  org_name: null,
} as const;

function withAuth0ClaimsRequested(claims: string | null): string {
  try {
    const parsed = claims ? JSON.parse(claims) : {};
    if (typeof parsed !== 'object' || parsed === null) return claims ?? '';
    const asked = parsed.id_token;
    if (
      asked !== undefined &&
      (typeof asked !== 'object' || asked === null || Array.isArray(asked))
    )
      return claims ?? ''; // oidc-provider answers that it must be an object
    // What the app asks for itself (an essential acr, say) stays as it asked.
    parsed.id_token = { ...AUTH0_ID_TOKEN_CLAIMS, ...parsed.id_token };
    return JSON.stringify(parsed);
  } catch {
    return claims ?? ''; // oidc-provider answers a malformed claims parameter itself
  }
}

function clientIdOf(ctx: Context, params: URLSearchParams): string | undefined {
  const basic = /^Basic (.+)$/i.exec(ctx.get('authorization'));
  if (basic?.[1]) {
    const decoded = Buffer.from(basic[1], 'base64').toString('utf8');
    return decodeURIComponent(decoded.slice(0, decoded.indexOf(':')));
  }
  return params.get('client_id') ?? undefined;
}

/**
 * Multi-Resource Refresh Tokens, as Auth0 does them: a refresh grant may name any `audience` in the
 * client's refresh-token policies and get a token for it, with the requested scopes the policy
 * allows. An audience outside the policies silently gets a token for the login's audience instead
 * (the behaviour the seed documents warn SDKs about). oidc-provider only refreshes into resources
 * the refresh token was issued for, so an allowed audience is added to the stored token and grant
 * before oidc-provider handles the request.
 */
async function applyRefreshTokenPolicies(
  state: TenantState,
  provider: Provider,
  client: DevClientConfig,
  params: URLSearchParams,
): Promise<void> {
  const audience = params.get('audience');
  params.delete('audience');
  const value = params.get('refresh_token') ?? '';
  const stored = state.storage.get('RefreshToken', value);
  if (!audience || !stored || stored.clientId !== client.clientId) return;

  const resources = ([] as string[]).concat(
    (stored.resource as string | string[] | undefined) ?? [],
  );
  const original = resources[0] === NO_AUDIENCE ? undefined : resources[0];
  const policy =
    client.refreshTokenPolicies?.find((candidate) => candidate.audience === audience) ??
    // Every client may use the My Account API (as if it were enabled for the application).
    (isMyAccountAudience(state, audience) ? { audience, scope: MY_ACCOUNT_SCOPES } : undefined);
  if (audience !== original && !policy) {
    params.delete('scope');
    return;
  }
  params.set('resource', audience);
  const api = findApi(state, audience);
  if (!api) return; // oidc-provider answers invalid_target

  const apiScopes = new Set(words(api.scopes));
  const tokenScopes = new Set(words(stored.scope as string));
  const policyScopes = new Set(words(policy?.scope));
  const requested = words(params.get('scope'));
  let granted = requested.filter(
    (scope) => apiScopes.has(scope) && (tokenScopes.has(scope) || policyScopes.has(scope)),
  );
  if (granted.length === 0 && audience !== original) {
    granted = [...policyScopes].filter((scope) => apiScopes.has(scope));
  }

  const missingScopes = granted.filter((scope) => !tokenScopes.has(scope));
  if (missingScopes.length > 0 || !resources.includes(audience)) {
    const widened = [original ?? NO_AUDIENCE, ...resources.slice(1), audience];
    state.storage.replace('RefreshToken', value, {
      ...stored,
      resource: [...new Set(widened)],
      scope: [...tokenScopes, ...missingScopes].join(' '),
    });
    const grant = await provider.Grant.find(stored.grantId as string);
    if (grant) {
      grant.addResourceScope(audience, granted.join(' '));
      await grant.save();
    }
  }
  if (requested.length > 0) {
    const oidcScopes = requested.filter((scope) => !apiScopes.has(scope) && tokenScopes.has(scope));
    params.set('scope', [...oidcScopes, ...granted].join(' '));
  }
}

/**
 * A refresh for an API that requires a second factor, of a login without one, is answered
 * `mfa_required` (see `mfa-required.ts`). The API is the one the refresh-token policies let it
 * ask for, or else the login's.
 */
function refreshNeedsMfa(state: TenantState, ctx: Context, params: URLSearchParams) {
  const stored = state.storage.get('RefreshToken', params.get('refresh_token') ?? '');
  return mfaRequiredForRefresh(state, ctx, params, stored, refreshAudience(state, params));
}

/** The first resource of a stored code or refresh token: its login's audience. */
function loginAudienceOf(stored: { resource?: unknown } | undefined): string | undefined {
  const resources = ([] as string[]).concat(
    (stored?.resource as string | string[] | undefined) ?? [],
  );
  return resources[0] === NO_AUDIENCE ? undefined : resources[0];
}

/** The API a refresh is for: the one its refresh-token policies let it ask for, or else the login's. */
function refreshAudience(state: TenantState, params: URLSearchParams): string | undefined {
  const stored = state.storage.get('RefreshToken', params.get('refresh_token') ?? '');
  return params.get('resource') ?? loginAudienceOf(stored);
}

/**
 * The API a request to one of oidc-provider's grants would get an access token for: the code's
 * audience, the refresh's, or the client credentials' `audience`. The tenant's own grants decide
 * this themselves (`dpop/token-binding.ts`).
 */
function builtInGrantAudience(state: TenantState, params: URLSearchParams): string | undefined {
  switch (params.get('grant_type')) {
    case 'authorization_code':
      return (
        params.get('resource') ??
        loginAudienceOf(state.storage.get('AuthorizationCode', params.get('code') ?? ''))
      );
    case 'refresh_token':
      return refreshAudience(state, params);
    case 'client_credentials':
      return params.get('resource') ?? undefined;
    default:
      return undefined;
  }
}

/**
 * A request to one of oidc-provider's grants for an API that requires DPoP, without a `DPoP`
 * header, is refused before the grant runs, so that the code or refresh token is not spent
 * (oidc-provider checks the proof itself when there is one).
 */
function missingRequiredProof(state: TenantState, ctx: Context, params: URLSearchParams): boolean {
  return !ctx.get('dpop') && dpopRequiredFor(state, builtInGrantAudience(state, params));
}

/** Auth0's logout endpoint: `returnTo` must be one of the client's allowed logout URLs. */
function translateAuth0Logout(state: TenantState, ctx: Context): boolean {
  const clientId = ctx.query.client_id;
  const returnTo = ctx.query.returnTo;
  if (typeof returnTo === 'string') {
    const client = state.config.clients.find((candidate) => candidate.clientId === clientId);
    if (!client || !(client.allowedLogoutUrls ?? []).includes(returnTo)) {
      ctx.status = 400;
      ctx.body = {
        error: 'invalid_request',
        error_description: `returnTo ${returnTo} is not an allowed logout URL of client ${String(clientId)}`,
      };
      return false;
    }
  }
  const query: Record<string, string> = {};
  if (typeof clientId === 'string') query.client_id = clientId;
  if (typeof returnTo === 'string') query.post_logout_redirect_uri = returnTo;
  ctx.path = '/oidc/logout';
  ctx.query = query;
  return true;
}

/** Koa middleware that makes oidc-provider speak Auth0's dialect. Runs before its routes. */
export function auth0Compatibility(state: TenantState): Middleware {
  return async (ctx, next) => {
    try {
      if (!(await translate(state, ctx))) return;
    } catch {
      // A body too large, a malformed Basic header: answer as Auth0 does, never with a 500.
      ctx.status = 400;
      ctx.body = { error: 'invalid_request', error_description: 'malformed request' };
      return;
    }
    await next();
    if (ctx.path === '/oauth/token') {
      includeOidcScopes(ctx as unknown as KoaContextWithOIDC);
      bindIssuedRefreshToken(state, ctx);
    }
  };
}

const OIDC_SCOPES = new Set(['openid', 'profile', 'email', 'address', 'phone', 'offline_access']);

/**
 * oidc-provider's token responses list only the API's scopes when the access token is for an API;
 * Auth0's list the OpenID Connect scopes granted too (`openid profile email offline_access ...`),
 * and SDKs cache token sets by that list.
 */
function includeOidcScopes(ctx: KoaContextWithOIDC): void {
  const body = ctx.body as Record<string, unknown> | undefined;
  if (ctx.status !== 200 || typeof body?.access_token !== 'string' || body.issued_token_type)
    return;
  const entities = ctx.oidc?.entities;
  const source = entities?.AuthorizationCode ?? entities?.RefreshToken;
  const requested = ctx.oidc?.params?.scope ? words(String(ctx.oidc.params.scope)) : undefined;
  const granted = words(source?.scope).filter(
    (scope) => OIDC_SCOPES.has(scope) && (requested === undefined || requested.includes(scope)),
  );
  const scope = [...new Set([...granted, ...words(body.scope as string | undefined)])].join(' ');
  if (scope) body.scope = scope;
}

/**
 * Auth0's SDKs send a JSON token request's secret in the body (`client_secret`), whatever the
 * client's authentication method; Auth0 takes it. oidc-provider holds a client to its registered
 * method, so for a `client_secret_basic` client the secret moves to the `Authorization` header.
 */
function secretToBasic(ctx: Context, client: DevClientConfig, params: URLSearchParams): void {
  const secret = params.get('client_secret');
  const method =
    client.tokenEndpointAuthMethod ?? (client.jwks ? 'private_key_jwt' : 'client_secret_basic');
  if (secret === null || method !== 'client_secret_basic' || ctx.get('authorization')) return;
  const pair = `${encodeURIComponent(client.clientId)}:${encodeURIComponent(secret)}`;
  ctx.req.headers.authorization = `Basic ${Buffer.from(pair).toString('base64')}`;
  params.delete('client_secret');
  params.delete('client_id');
}

/** Rewrites one request in place; false when it has already been answered. */
async function translate(state: TenantState, ctx: Context): Promise<boolean> {
  if (ctx.path === '/authorize' && ctx.method === 'GET') {
    const params = new URLSearchParams(ctx.querystring);
    translateAuthorizationParams(params, (ctx.app as unknown as Provider).issuer);
    ctx.querystring = params.toString();
  } else if ((ctx.path === '/authorize' || ctx.path === '/oauth/par') && ctx.method === 'POST') {
    const params = await readFormBody(ctx.req);
    translateAuthorizationParams(params, (ctx.app as unknown as Provider).issuer);
    passBodyOn(ctx, params);
  } else if (
    ctx.path === '/oauth/token' &&
    ctx.method === 'POST' &&
    (ctx.is('urlencoded') || ctx.is('json'))
  ) {
    const json = ctx.is('json') !== false;
    const params = json ? await readJsonBodyAsForm(ctx.req) : await readFormBody(ctx.req);
    const clientId = clientIdOf(ctx, params);
    const client = state.config.clients.find((candidate) => candidate.clientId === clientId);
    if (json && client) secretToBasic(ctx, client, params);
    const grantType = params.get('grant_type');
    if (grantType === 'client_credentials' && params.get('audience') && !params.has('resource')) {
      params.set('resource', params.get('audience') as string);
    }
    if (client && grantType === 'refresh_token') {
      await applyRefreshTokenPolicies(state, ctx.app as unknown as Provider, client, params);
    }
    if (client && missingRequiredProof(state, ctx, params)) {
      ctx.status = 400;
      ctx.set('Cache-Control', 'no-store');
      ctx.body = { ...DPOP_REQUIRED_BODY };
      return false;
    }
    if (client && grantType === 'refresh_token') {
      const required = await refreshNeedsMfa(state, ctx, params);
      if (required) {
        ctx.status = 403;
        ctx.set('Cache-Control', 'no-store');
        ctx.body = required;
        return false;
      }
    }
    // The tenant's own grants take `audience` as it is (token exchange as RFC 8693 has it, and
    // the passwordless and passkey grants as Auth0's); oidc-provider's take `resource`.
    if (!AUDIENCE_GRANTS.has(grantType ?? '')) params.delete('audience');
    passBodyOn(ctx, params);
  } else if (ctx.path === '/v2/logout' && ctx.method === 'GET') {
    return translateAuth0Logout(state, ctx);
  }
  return true;
}
