import type Provider from 'oidc-provider';
import type { KoaContextWithOIDC } from 'oidc-provider';
import { tenantAccount } from './accounts.js';
import { type AccessTokenBinding, accessTokenBinding } from './dpop/token-binding.js';
import { MFA_ACR, MFA_AMR } from './mfa-login.js';
import {
  type Auth0Error,
  checkMfaToken,
  isAuth0Error,
  type MfaTokenContext,
  OobChallenges,
} from './mfa-tokens.js';
import { oidcProvider } from './oidc-provider.js';
import { findApi, resourceServerOf, type TenantState } from './tenant-state.js';

/** Auth0's grants that verify a second factor for an `mfa_token`. */
export const MFA_OTP_GRANT = 'http://auth0.com/oauth/grant-type/mfa-otp';
export const MFA_OOB_GRANT = 'http://auth0.com/oauth/grant-type/mfa-oob';
export const MFA_RECOVERY_CODE_GRANT = 'http://auth0.com/oauth/grant-type/mfa-recovery-code';
export const MFA_GRANTS = [MFA_OTP_GRANT, MFA_OOB_GRANT, MFA_RECOVERY_CODE_GRANT] as const;

const OIDC_SCOPES = new Set(['openid', 'profile', 'email', 'address', 'phone', 'offline_access']);

type Params = Record<string, string | undefined>;

/** An oidc-provider error with Auth0's status and wording (its own would say 400 and less). */
function auth0Error({ status, error, error_description }: Auth0Error): Error {
  const thrown = new (oidcProvider().errors.CustomOIDCProviderError)(error, error_description);
  thrown.status = status;
  thrown.statusCode = status;
  return thrown;
}

const invalidGrant = (description: string) =>
  auth0Error({ status: 403, error: 'invalid_grant', error_description: description });

function required(params: Params, name: string): string {
  const value = params[name];
  if (!value) {
    throw auth0Error({
      status: 400,
      error: 'invalid_request',
      error_description: `missing required parameter ${name}`,
    });
  }
  return value;
}

/** The `mfa_token` of a grant request, for its authenticated client; Auth0's errors otherwise. */
function mfaContext(state: TenantState, ctx: KoaContextWithOIDC): MfaTokenContext {
  const params = ctx.oidc.params as Params;
  const context = checkMfaToken(state.mfaTokens, params.mfa_token, ctx.oidc.client?.clientId);
  if (isAuth0Error(context)) throw auth0Error(context);
  return context;
}

/** `mfa-otp`: the code of the user's authenticator app (or of one being enrolled, which it confirms). */
function verifyOtp(
  state: TenantState,
  ctx: KoaContextWithOIDC,
  context: MfaTokenContext,
): undefined {
  const otp = required(ctx.oidc.params as Params, 'otp');
  const authenticator = state.authenticators.totpMatching(context.sub, otp);
  if (!authenticator) throw invalidGrant('Invalid otp_code.');
  state.authenticators.confirm(authenticator);
}

/** `mfa-oob`: the binding code sent for an `oob_code` of this `mfa_token`. */
function verifyOob(
  state: TenantState,
  ctx: KoaContextWithOIDC,
  context: MfaTokenContext,
): undefined {
  const params = ctx.oidc.params as Params;
  const oobCode = required(params, 'oob_code');
  const bindingCode = required(params, 'binding_code');
  const challenge = state.oobChallenges.find(oobCode, params.mfa_token as string);
  if (!challenge) throw invalidGrant('Invalid oob_code.');
  if (!OobChallenges.matches(challenge, bindingCode)) throw invalidGrant('Invalid binding_code.');
  state.oobChallenges.consume(oobCode);
  const authenticator = state.authenticators.find(context.sub, challenge.authenticatorId);
  if (authenticator) state.authenticators.confirm(authenticator);
}

/** `mfa-recovery-code`: the user's recovery code, replaced by a new one the response carries. */
function verifyRecoveryCode(
  state: TenantState,
  ctx: KoaContextWithOIDC,
  context: MfaTokenContext,
): string {
  const code = required(ctx.oidc.params as Params, 'recovery_code');
  const next = state.authenticators.useRecoveryCode(context.sub, code);
  if (!next) throw invalidGrant('Invalid recovery_code.');
  return next;
}

const words = (value: string | undefined) => (value ?? '').split(' ').filter(Boolean);

/** The API the request that needed the second factor asked for, if any. */
const apiOf = (state: TenantState, context: MfaTokenContext) =>
  context.audience ? findApi(state, context.audience) : undefined;

/**
 * The tokens of a verified second factor, as the request that needed it asked for them: an access
 * token for its audience and scopes, an ID token with `amr: ['mfa']`, the multi-factor `acr` and
 * `auth_time` now, and, with `offline_access`, a refresh token of that login that remembers the
 * second factor (its refreshes into APIs that require one work). All from the login's grant, so
 * an organization's claims stay. With a `DPoP` proof the access token is bound to its key, as at
 * every grant (`dpop/token-binding.ts`).
 */
async function issueTokens(
  state: TenantState,
  ctx: KoaContextWithOIDC,
  context: MfaTokenContext,
  gty: string,
  binding: AccessTokenBinding,
): Promise<Record<string, unknown>> {
  const { provider } = ctx.oidc;
  const client = ctx.oidc.client as NonNullable<typeof ctx.oidc.client>;
  const grant = await provider.Grant.find(context.grantId);
  if (!grant || grant.accountId !== context.sub || grant.clientId !== client.clientId) {
    throw invalidGrant('the login of this mfa_token has ended');
  }
  ctx.oidc.entity('Grant', grant);
  const account = tenantAccount(state, context.sub, context.grantId);
  if (!account) throw invalidGrant('the user of this mfa_token is gone');
  const api = apiOf(state, context);
  const authTime = Math.floor(Date.now() / 1000);
  const scopes = words(context.scope);
  const session = {
    sid: context.sid,
    sessionUid: context.sessionUid,
    expiresWithSession: context.expiresWithSession,
  };

  const at = new provider.AccessToken({
    accountId: context.sub,
    client,
    grantId: context.grantId,
    gty,
    ...session,
  });
  if (api) {
    at.resourceServer = new provider.ResourceServer(api.identifier, resourceServerOf(api));
    const apiScopes = new Set(words(api.scopes));
    at.scope = grant.getResourceScopeFiltered(
      api.identifier,
      scopes.filter((scope) => apiScopes.has(scope)),
    );
  } else {
    at.scope = grant.getOIDCScopeFiltered(new Set(scopes));
  }
  binding.apply(at);
  ctx.oidc.entity('AccessToken', at);
  const accessToken = await at.save();
  const oidcScope = grant.getOIDCScopeFiltered(new Set(scopes));

  return {
    access_token: accessToken,
    ...(scopes.includes('openid')
      ? { id_token: await idToken(state, ctx, context, oidcScope, authTime, account) }
      : {}),
    ...(scopes.includes('offline_access')
      ? { refresh_token: await refreshToken(provider, ctx, context, gty, authTime) }
      : {}),
    scope: [...words(oidcScope).filter((scope) => OIDC_SCOPES.has(scope)), ...words(at.scope)]
      .filter((scope, index, all) => all.indexOf(scope) === index)
      .join(' '),
    expires_in: at.expiration,
    token_type: at.tokenType,
  };
}

async function idToken(
  state: TenantState,
  ctx: KoaContextWithOIDC,
  context: MfaTokenContext,
  oidcScope: string,
  authTime: number,
  account: NonNullable<ReturnType<typeof tenantAccount>>,
): Promise<string> {
  const token = new ctx.oidc.provider.IdToken(
    { ...(await account.claims('id_token', oidcScope, {}, [])) },
    { ctx },
  );
  (token as unknown as { scope: string }).scope = oidcScope;
  token.set('amr', MFA_AMR);
  token.set('acr', MFA_ACR);
  token.set('auth_time', authTime);
  if (context.sid) token.set('sid', context.sid);
  for (const [claim, value] of Object.entries(state.organizations.claimsOf(context.grantId))) {
    token.set(claim, value);
  }
  return token.issue({ use: 'idtoken' });
}

async function refreshToken(
  provider: Provider,
  ctx: KoaContextWithOIDC,
  context: MfaTokenContext,
  gty: string,
  authTime: number,
): Promise<string> {
  const token = new provider.RefreshToken({
    accountId: context.sub,
    acr: MFA_ACR,
    amr: MFA_AMR,
    authTime,
    claims: context.claims as never,
    client: ctx.oidc.client as NonNullable<typeof ctx.oidc.client>,
    grantId: context.grantId,
    gty,
    resource: context.resource,
    rotations: 0,
    scope: context.refreshScope,
    sid: context.sid,
    sessionUid: context.sessionUid,
    expiresWithSession: context.expiresWithSession,
  });
  return token.save();
}

/**
 * Registers Auth0's MFA grants on a provider: `mfa-otp` (`mfa_token`, `otp`), `mfa-oob`
 * (`mfa_token`, `oob_code`, `binding_code`) and `mfa-recovery-code` (`mfa_token`,
 * `recovery_code`; the response carries the new `recovery_code`). oidc-provider authenticates the
 * client; the `mfa_token` must be one of that client's, and is used up by the tokens it gives.
 * Wrong codes answer 403 `invalid_grant` (`Invalid otp_code.`, ...), a late `mfa_token` 403
 * `expired_token`, as Auth0's do.
 */
export function registerMfaGrants(provider: Provider, state: TenantState): void {
  const grant = (
    type: string,
    parameters: string[],
    verify: (context: MfaTokenContext, ctx: KoaContextWithOIDC) => string | undefined,
  ) =>
    provider.registerGrantType(
      type,
      async (ctx) => {
        const context = mfaContext(state, ctx);
        // Before the code is checked: a request refused for want of a proof spends no code.
        const binding = await accessTokenBinding(state, ctx, apiOf(state, context));
        const recoveryCode = verify(context, ctx);
        const body = await issueTokens(state, ctx, context, type, binding);
        state.mfaTokens.consume((ctx.oidc.params as Params).mfa_token as string);
        ctx.body = recoveryCode ? { ...body, recovery_code: recoveryCode } : body;
      },
      ['mfa_token', ...parameters],
    );
  grant(MFA_OTP_GRANT, ['otp'], (context, ctx) => verifyOtp(state, ctx, context));
  grant(MFA_OOB_GRANT, ['oob_code', 'binding_code'], (context, ctx) =>
    verifyOob(state, ctx, context),
  );
  grant(MFA_RECOVERY_CODE_GRANT, ['recovery_code'], (context, ctx) =>
    verifyRecoveryCode(state, ctx, context),
  );
}
