import type { Context } from 'koa';
import type { AdapterPayload } from 'oidc-provider';
import { authenticateClient } from './client-auth.js';
import { hasMfa } from './mfa-login.js';
import { findApi, type TenantState } from './tenant-state.js';

/** Auth0's answer to a token request that needs a second factor first. */
export interface MfaRequired {
  error: 'mfa_required';
  error_description: 'Multifactor authentication required';
  mfa_token: string;
}

/**
 * Whether a refresh must be answered 403 `mfa_required`, as Auth0 answers it: the API it asks
 * for (`audience`, after the refresh-token policies) requires a second factor, the login the
 * refresh token came from had none, and the client proves to be the token's. The answer carries
 * a new `mfa_token` for the MFA API and grants, bound to the user, client, audience and scopes
 * asked for. Anything else is left to oidc-provider (a wrong client gets its `invalid_client`).
 */
export async function mfaRequiredForRefresh(
  state: TenantState,
  ctx: Context,
  params: URLSearchParams,
  stored: AdapterPayload | undefined,
  audience: string | undefined,
): Promise<MfaRequired | undefined> {
  if (!stored || stored.consumed || hasMfa(stored.amr)) return undefined;
  if (!audience || findApi(state, audience)?.requireMfa !== true) return undefined;
  const issuer = (ctx.app as unknown as { issuer: string }).issuer;
  const client = await authenticateClient(state, issuer, {
    authorization: ctx.get('authorization'),
    param: (name) => params.get(name) ?? undefined,
  });
  if (!client || client.clientId !== stored.clientId || typeof stored.accountId !== 'string') {
    return undefined;
  }
  const mfaToken = state.mfaTokens.issue({
    sub: stored.accountId,
    clientId: client.clientId,
    audience,
    scope: params.get('scope') ?? String(stored.scope ?? ''),
    grantId: String(stored.grantId),
    resource: ([] as string[]).concat((stored.resource as string | string[] | undefined) ?? []),
    refreshScope: String(stored.scope ?? ''),
    ...(stored.claims ? { claims: stored.claims as Record<string, unknown> } : {}),
    ...(typeof stored.sid === 'string' ? { sid: stored.sid } : {}),
    ...(typeof stored.sessionUid === 'string' ? { sessionUid: stored.sessionUid } : {}),
    ...(stored.expiresWithSession === true ? { expiresWithSession: true } : {}),
  });
  return {
    error: 'mfa_required',
    error_description: 'Multifactor authentication required',
    mfa_token: mfaToken,
  };
}
