import type Provider from 'oidc-provider';
import type { KoaContextWithOIDC } from 'oidc-provider';
import { issueGrantTokens } from './grant-tokens.js';
import { refusedCodeDescription } from './passwordless-codes.js';
import { findApi, type TenantState } from './tenant-state.js';
import { invalidRequest, tokenError } from './token-errors.js';

/** Auth0's grant that verifies a passwordless code. */
export const PASSWORDLESS_OTP_GRANT = 'http://auth0.com/oauth/grant-type/passwordless/otp';

type Params = Record<string, string | undefined>;

/**
 * `grant_type=http://auth0.com/oauth/grant-type/passwordless/otp` (client authenticated by
 * oidc-provider): `realm` (`email` or `sms`), `username` (the address), `otp` (the code sent),
 * `scope`, `audience?`. The user of the address, created at their first login, gets the grant's
 * tokens (no `amr`: Auth0 sets it only after a second factor). A refused code answers 403
 * `invalid_grant` in Auth0's words; a missing parameter 400 `invalid_request`.
 */
async function verifyCode(state: TenantState, ctx: KoaContextWithOIDC): Promise<void> {
  const params = ctx.oidc.params as Params;
  for (const name of ['realm', 'username', 'otp']) {
    if (!params[name]) throw invalidRequest(`missing required parameter ${name}`);
  }
  const realm = params.realm as string;
  if (realm !== 'email' && realm !== 'sms') {
    throw invalidRequest(`realm must be "email" or "sms", got ${realm}`);
  }
  const api = params.audience ? findApi(state, params.audience) : undefined;
  if (params.audience && !api) {
    throw tokenError('invalid_target', `Service not found: ${params.audience}`);
  }
  const username = params.username as string;
  const clientId = ctx.oidc.client?.clientId as string;
  const check = state.passwordlessCodes.check(clientId, realm, username, params.otp as string);
  if (check !== 'ok') throw tokenError('invalid_grant', refusedCodeDescription(check, realm), 403);
  const user = state.passwordlessUsers.findOrCreate(realm, username);
  ctx.body = await issueGrantTokens(state, ctx, {
    sub: user.sub,
    api,
    organization: undefined,
    gty: PASSWORDLESS_OTP_GRANT,
  });
}

/** Registers Auth0's passwordless grant on a provider. */
export function registerPasswordlessGrant(provider: Provider, state: TenantState): void {
  provider.registerGrantType(PASSWORDLESS_OTP_GRANT, (ctx) => verifyCode(state, ctx), [
    'realm',
    'username',
    'otp',
    'scope',
    'audience',
  ]);
}
