import type { Middleware } from 'koa';
import type Provider from 'oidc-provider';
import type { KoaContextWithOIDC } from 'oidc-provider';
import type { ConnectedAccounts } from './connected-accounts.js';
import type { DpopProof } from './dpop/proof.js';
import { boundKeyOf } from './dpop/resource-access.js';
import { tokenRequestProof } from './dpop/token-binding.js';
import { oidcProvider } from './oidc-provider.js';
import type { TenantState } from './tenant-state.js';
import { verifyTenantAccessToken } from './verify-tenant-access-token.js';

/** Auth0's Token Vault grant: a refresh or access token in, an upstream provider's token out. */
export const TOKEN_VAULT_GRANT =
  'urn:auth0:params:oauth:grant-type:token-exchange:federated-connection-access-token';
export const FEDERATED_TOKEN_TYPE =
  'http://auth0.com/oauth/token-type/federated-connection-access-token';
const REFRESH_TOKEN_TYPE = 'urn:ietf:params:oauth:token-type:refresh_token';
const ACCESS_TOKEN_TYPE = 'urn:ietf:params:oauth:token-type:access_token';

/** oidc-provider hides an InvalidGrant's detail; Auth0 says what went wrong, so do we. */
const invalidGrant = (description: string) =>
  new (oidcProvider().errors.CustomOIDCProviderError)('invalid_grant', description);

const PARAMETERS = [
  'subject_token',
  'subject_token_type',
  'requested_token_type',
  'connection',
  'login_hint',
];

/** Whom a subject token stands for, and the key it is DPoP-bound to, if it is. */
interface VaultSubject {
  sub: string;
  jkt: string | undefined;
}

/** The user a subject token stands for: a refresh token of this client, or one of our JWT access tokens. */
async function subjectOf(ctx: KoaContextWithOIDC, state: TenantState): Promise<VaultSubject> {
  const params = ctx.oidc.params as Record<string, string | undefined>;
  const token = params.subject_token ?? '';
  const type = params.subject_token_type;
  if (type === REFRESH_TOKEN_TYPE) {
    const refreshToken = await ctx.oidc.provider.RefreshToken.find(token);
    if (
      !refreshToken ||
      refreshToken.isExpired ||
      refreshToken.clientId !== ctx.oidc.client?.clientId
    ) {
      throw invalidGrant('subject_token is not a valid refresh token of this client');
    }
    return { sub: refreshToken.accountId, jkt: refreshToken.jkt };
  }
  if (type === ACCESS_TOKEN_TYPE) {
    const claims = await verifyTenantAccessToken(state, token);
    if (typeof claims?.sub === 'string') return { sub: claims.sub, jkt: boundKeyOf(claims) };
    throw invalidGrant('subject_token is not a valid access token of this tenant');
  }
  throw new (oidcProvider().errors.InvalidRequest)('unsupported subject_token_type');
}

/**
 * DPoP at the exchange: with `tokenVault.dpop: 'required'` the request needs a proof; a subject
 * token bound to a key (`cnf.jkt`, or a bound login's refresh token) needs a proof of that key,
 * or a thief of the token alone could trade it for the user's upstream token.
 */
function checkProof(state: TenantState, proof: DpopProof | undefined, subject: VaultSubject): void {
  if (!proof && state.config.tokenVault.dpop === 'required') {
    throw new (oidcProvider().errors.InvalidRequest)('DPoP proof is required for the Token Vault');
  }
  if (!subject.jkt) return;
  if (!proof) {
    throw new (oidcProvider().errors.InvalidRequest)(
      'DPoP proof is required: the subject_token is DPoP-bound',
    );
  }
  if (proof.thumbprint !== subject.jkt) {
    throw new (oidcProvider().errors.InvalidDpopProof)(
      'the DPoP proof is not signed with the key the subject_token is bound to',
    );
  }
}

/**
 * Registers the Token Vault grant on a provider. The upstream token it returns is `Bearer`, with or
 * without a DPoP proof: it is the upstream provider's token, which the tenant cannot bind.
 */
export function registerTokenVault(
  provider: Provider,
  state: TenantState,
  accounts: ConnectedAccounts,
) {
  provider.registerGrantType(
    TOKEN_VAULT_GRANT,
    async (ctx) => {
      const params = ctx.oidc.params as Record<string, string | undefined>;
      for (const name of ['subject_token', 'subject_token_type', 'connection']) {
        if (!params[name])
          throw new (oidcProvider().errors.InvalidRequest)(`missing required parameter '${name}'`);
      }
      if (params.requested_token_type !== FEDERATED_TOKEN_TYPE) {
        throw new (oidcProvider().errors.InvalidRequest)(
          `requested_token_type must be ${FEDERATED_TOKEN_TYPE}`,
        );
      }
      const proof = await tokenRequestProof(state, ctx);
      const subject = await subjectOf(ctx, state);
      checkProof(state, proof, subject);
      const { sub } = subject;
      const issued = accounts.issueToken(sub, params.connection as string, params.login_hint);
      if (!issued) {
        throw invalidGrant(
          `the user has no connected account for connection ${params.connection}${params.login_hint ? ` and login_hint ${params.login_hint}` : ''}`,
        );
      }
      ctx.body = {
        access_token: issued.value,
        token_type: 'Bearer',
        expires_in: issued.lifetime,
        scope: issued.scopes.join(' '),
        issued_token_type: FEDERATED_TOKEN_TYPE,
      };
    },
    PARAMETERS,
  );
}

const UPSTREAM_PATH = /^\/upstream\/([\w.-]+)\/me$/;

/**
 * A stand-in for the upstream provider's API, `GET /upstream/{connection}/me`: it answers only to
 * upstream tokens the tenant issued for that connection, so demos can show a Token Vault token at
 * work.
 */
export function upstreamApi(accounts: ConnectedAccounts): Middleware {
  return async (ctx, next) => {
    const match = UPSTREAM_PATH.exec(ctx.path);
    if (!match || ctx.method !== 'GET') return next();
    const value = /^Bearer (.+)$/i.exec(ctx.get('authorization'))?.[1];
    const token = value ? accounts.verifyToken(value) : undefined;
    if (!token || token.connection !== match[1]) {
      ctx.status = 401;
      ctx.set('WWW-Authenticate', 'Bearer error="invalid_token"');
      ctx.body = {
        error: 'invalid_token',
        error_description: 'not a valid upstream token for this connection',
      };
      return;
    }
    const account = accounts
      .list(token.sub, token.connection)
      .find((candidate) => candidate.id === token.accountId);
    ctx.body = {
      connection: token.connection,
      user: token.sub,
      account: account?.loginHint,
      scopes: token.scopes,
    };
  };
}
