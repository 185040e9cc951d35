import type { KoaContextWithOIDC } from 'oidc-provider';
import { tenantAccount } from './accounts.js';
import type { DevApiConfig } from './config.js';
import type { ActClaim } from './delegations.js';
import { accessTokenBinding } from './dpop/token-binding.js';
import type { Organization } from './organizations.js';
import { resourceServerOf, type TenantState } from './tenant-state.js';
import { tokenError } from './token-errors.js';

/** The OpenID Connect scopes a grant may be given (those of the tenant). */
const OIDC_SCOPES = new Set(['openid', 'profile', 'email', 'offline_access']);

type Params = Record<string, string | undefined>;

const words = (value: string | undefined) => (value ?? '').split(' ').filter(Boolean);

/** Whom a custom grant's tokens are for, and how they signed in. */
export interface GrantSubject {
  /** The user's `sub`; the user must exist. */
  sub: string;
  /** Who acts for the user (`act`): no refresh token then, as at Auth0. */
  act?: ActClaim;
  /** The API the access token is for (from `audience`), or none for a `/userinfo` token. */
  api: DevApiConfig | undefined;
  organization: Organization | undefined;
  /** The grant type, recorded on the tokens (`gty`). */
  gty: string;
  /** `amr` of the ID token, e.g. `['pwd']`, `['otp']`; none when not given. */
  amr?: string[];
  /**
   * The scopes asked for, when the token request does not carry them: CIBA's were asked for at
   * `/bc-authorize`. Default: the request's `scope` parameter.
   */
  scope?: string;
}

/**
 * The tokens of a grant that signs a user in without a browser (token exchange, passwordless,
 * passkeys, CIBA), from a grant of their own so that its organization and actor are those of every
 * token it gives: an access token for the API (a JWT) or, without one, an opaque token for
 * `/userinfo`; an ID token with `openid` (no `nonce`, `aud` the client, `auth_time` now); a
 * refresh token with `offline_access`, unless an actor acts for the user: as at Auth0, delegated
 * tokens are not refreshed, and `offline_access` is left out of the answer's `scope`. The scopes
 * are the request's `scope` parameter (or the subject's `scope`), filtered to the tenant's and the
 * API's. With a `DPoP` proof the access token is bound to its key (`token_type: DPoP`); an API
 * that requires DPoP refuses a request without one (see `dpop/token-binding.ts`).
 */
export async function issueGrantTokens(
  state: TenantState,
  ctx: KoaContextWithOIDC,
  subject: GrantSubject,
): Promise<Record<string, unknown>> {
  const { provider } = ctx.oidc;
  const { api } = subject;
  const client = ctx.oidc.client as NonNullable<typeof ctx.oidc.client>;
  const binding = await accessTokenBinding(state, ctx, api);
  const requested = words(subject.scope ?? (ctx.oidc.params as Params).scope);
  const oidcScopes = requested.filter(
    (scope) => OIDC_SCOPES.has(scope) && !(subject.act && scope === 'offline_access'),
  );
  const apiScopeSet = new Set(words(api?.scopes));
  const apiScopes = requested.filter((scope) => apiScopeSet.has(scope));

  const grant = new provider.Grant({ accountId: subject.sub, clientId: client.clientId });
  if (oidcScopes.length > 0) grant.addOIDCScope(oidcScopes.join(' '));
  if (api) grant.addResourceScope(api.identifier, apiScopes.join(' '));
  const grantId = await grant.save();
  state.organizations.bindGrant(grantId, subject.organization);
  if (subject.act) state.delegations.bind(grantId, subject.act);
  ctx.oidc.entity('Grant', grant);

  const at = new provider.AccessToken({
    accountId: subject.sub,
    client,
    grantId,
    gty: subject.gty,
  });
  if (api) {
    at.resourceServer = new provider.ResourceServer(api.identifier, resourceServerOf(api));
    at.scope = apiScopes.join(' ');
  } else {
    at.scope = oidcScopes.join(' ');
  }
  binding.apply(at);
  ctx.oidc.entity('AccessToken', at);
  const accessToken = await at.save();
  const oidcScope = oidcScopes.join(' ');
  const authTime = Math.floor(Date.now() / 1000);

  const scope = [...new Set([...oidcScopes, ...words(at.scope)])].join(' ');
  return {
    access_token: accessToken,
    token_type: at.tokenType,
    expires_in: at.expiration,
    ...(scope ? { scope } : {}),
    ...(oidcScopes.includes('openid')
      ? { id_token: await grantIdToken(state, ctx, subject, grantId, oidcScope, authTime) }
      : {}),
    ...(oidcScopes.includes('offline_access')
      ? {
          refresh_token: await new provider.RefreshToken({
            accountId: subject.sub,
            client,
            grantId,
            gty: subject.gty,
            ...(api ? { resource: api.identifier } : {}),
            rotations: 0,
            scope: [...oidcScopes, ...apiScopes].join(' '),
            authTime,
            ...(subject.amr ? { amr: subject.amr } : {}),
          }).save(),
        }
      : {}),
  };
}

/** The grant's ID token: the user's claims for the scopes, its organization and actor. */
async function grantIdToken(
  state: TenantState,
  ctx: KoaContextWithOIDC,
  subject: GrantSubject,
  grantId: string,
  oidcScope: string,
  authTime: number,
): Promise<string> {
  const account = tenantAccount(state, subject.sub, grantId);
  if (!account) throw tokenError('invalid_grant', `the user ${subject.sub} does not exist`);
  const token = new ctx.oidc.provider.IdToken(
    { ...(await account.claims('id_token', oidcScope, {}, [])) },
    { ctx },
  );
  (token as unknown as { scope: string }).scope = oidcScope;
  const claims = {
    ...state.organizations.claimsOf(grantId),
    ...state.delegations.claimsOf(grantId),
  };
  for (const [claim, value] of Object.entries(claims)) token.set(claim, value);
  token.set('auth_time', authTime);
  if (subject.amr) token.set('amr', subject.amr);
  return token.issue({ use: 'idtoken' });
}
