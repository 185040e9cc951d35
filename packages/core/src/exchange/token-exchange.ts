import * as oauth from 'oauth4webapi';
import { CustomTokenExchangeError } from '../errors.js';
import { tenantErrorOf } from '../oidc/context.js';
import { type IdTokenClaims, verifyIdToken } from '../oidc/id-token.js';
import type { Tenant } from '../oidc/tenant.js';
import { withoutIdToken } from '../oidc/token-response.js';

/** RFC 8693's grant type. */
export const TOKEN_EXCHANGE_GRANT = 'urn:ietf:params:oauth:grant-type:token-exchange';
/** The token types an exchange may name for tokens Auth0 itself issued. */
export const ID_TOKEN_TYPE = 'urn:ietf:params:oauth:token-type:id_token';
export const REFRESH_TOKEN_TYPE = 'urn:ietf:params:oauth:token-type:refresh_token';
export const ACCESS_TOKEN_TYPE = 'urn:ietf:params:oauth:token-type:access_token';

/** Parameters the SDK sets and `authorizationParams` may not (RFC 8693 §2.1, client auth). */
const FORBIDDEN_PARAMS = new Set([
  'grant_type',
  'client_id',
  'subject_token',
  'subject_token_type',
  'client_assertion',
  'client_assertion_type',
]);

/** Options of `customTokenExchange` (Auth0 Custom Token Exchange, RFC 8693). */
export interface CustomTokenExchangeOptions {
  /** The token traded in: a legacy or external token your exchange profile's action validates. */
  subjectToken: string;
  /** Its type, as the profile at the tenant names it (e.g. `urn:acme:legacy-token`). */
  subjectTokenType: string;
  /** The API to get a token for. */
  audience?: string;
  scope?: string;
  /** Who acts for the subject (RFC 8693 §4.1: the result carries an `act` claim). */
  actorToken?: string;
  /** Its type; required with `actorToken`. */
  actorTokenType?: string;
  /** An Auth0 organization (`org_…` id or name). */
  organization?: string;
  /** Other token-request parameters (not the ones the SDK owns). */
  authorizationParams?: Readonly<Record<string, string>>;
}

/** What an exchange gives. */
export interface TokenExchangeResult {
  accessToken: string;
  /** `Bearer`, or `N_A` for a session transfer token. */
  tokenType: string;
  /** Seconds since the epoch. */
  expiresAt: number;
  scope: string | undefined;
  /** RFC 8693 `issued_token_type`, when the tenant said. */
  issuedTokenType: string | undefined;
  refreshToken: string | undefined;
  idToken: string | undefined;
  /** The verified ID token's claims, when there was one. */
  claims: IdTokenClaims | undefined;
  /** The `act` claim of the ID token: who acts for the subject. */
  act: Readonly<Record<string, unknown>> | undefined;
}

const blank = (value: unknown) => typeof value !== 'string' || value.trim() === '';
const bearer = (value: string) => /^bearer\s/i.test(value.trim());

/**
 * Checks an exchange's arguments before anything is sent, in the Python SDK's order: a subject
 * token and type, no `Bearer ` prefix (a header value passed by mistake), and an actor token and
 * its type together or not at all.
 */
export function checkExchangeArguments(options: CustomTokenExchangeOptions): void {
  const fail = (code: CustomTokenExchangeError['code'], message: string) => {
    throw new CustomTokenExchangeError(code, message);
  };
  if (typeof options !== 'object' || options === null)
    fail('invalid_token_format', 'Options are required.');
  if (blank(options.subjectToken)) fail('invalid_token_format', 'subjectToken is required.');
  if (blank(options.subjectTokenType))
    fail('invalid_token_format', 'subjectTokenType is required.');
  if (bearer(options.subjectToken)) {
    fail('invalid_token_format', 'subjectToken must be the token itself, without "Bearer ".');
  }
  if (options.actorToken !== undefined) {
    if (blank(options.actorToken)) fail('invalid_token_format', 'actorToken must not be blank.');
    if (bearer(options.actorToken)) {
      fail('invalid_token_format', 'actorToken must be the token itself, without "Bearer ".');
    }
    if (blank(options.actorTokenType)) {
      fail('missing_actor_token_type', 'actorTokenType is required with actorToken.');
    }
  } else if (options.actorTokenType !== undefined) {
    fail('missing_actor_token', 'actorTokenType was given without actorToken.');
  }
  if (options.organization !== undefined && blank(options.organization)) {
    fail('invalid_token_format', 'organization must be an org_ id or a name.');
  }
}

/** The token request's parameters: the caller's extras, then the exchange's own. */
function exchangeParameters(options: CustomTokenExchangeOptions): URLSearchParams {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(options.authorizationParams ?? {})) {
    if (!FORBIDDEN_PARAMS.has(name) && typeof value === 'string') params.set(name, value);
  }
  params.set('subject_token', options.subjectToken);
  params.set('subject_token_type', options.subjectTokenType);
  if (options.audience) params.set('audience', options.audience);
  if (options.scope) params.set('scope', options.scope);
  if (options.actorToken) {
    params.set('actor_token', options.actorToken);
    params.set('actor_token_type', options.actorTokenType as string);
  }
  if (options.organization) params.set('organization', options.organization);
  return params;
}

/**
 * One token exchange at the tenant's token endpoint, authenticated as every other grant. The
 * response's shape is checked by oauth4webapi (`N_A` accepted as a token type, for session
 * transfer tokens), and an ID token, when one comes back, goes through the one ID-token check.
 *
 * @param now Seconds since the epoch.
 */
export async function exchangeToken(
  tenant: Tenant,
  options: CustomTokenExchangeOptions,
  now: number,
): Promise<TokenExchangeResult> {
  checkExchangeArguments(options);
  const context = await tenant.context();
  let tokens: oauth.TokenEndpointResponse;
  let idToken: unknown;
  try {
    const response = await oauth.genericTokenEndpointRequest(
      context.as,
      context.client,
      context.clientAuth,
      TOKEN_EXCHANGE_GRANT,
      exchangeParameters(options),
      context.http,
    );
    const parted = await withoutIdToken(response);
    idToken = parted.idToken;
    tokens = await oauth.processGenericTokenEndpointResponse(
      context.as,
      context.client,
      parted.response,
      { recognizedTokenTypes: { n_a: () => undefined } },
    );
  } catch (cause) {
    const details = tenantErrorOf(cause);
    throw new CustomTokenExchangeError(
      (details?.error ??
        (cause instanceof oauth.OperationProcessingError
          ? 'invalid_response'
          : 'token_exchange_failed')) as CustomTokenExchangeError['code'],
      details?.errorDescription ?? `The token exchange failed: ${(cause as Error).message}`,
      { cause },
    );
  }
  const claims =
    idToken === undefined
      ? undefined
      : await verifyIdToken(tenant.keys, tenant.idTokens, idToken, {
          issuer: context.as.issuer,
          now,
        });
  const act = claims?.act;
  const extra = tokens as Record<string, unknown>;
  return {
    accessToken: tokens.access_token,
    tokenType: tokens.token_type === 'n_a' ? 'N_A' : 'Bearer',
    expiresAt: now + (tokens.expires_in ?? 3600),
    scope: tokens.scope,
    issuedTokenType:
      typeof extra.issued_token_type === 'string' ? extra.issued_token_type : undefined,
    refreshToken: tokens.refresh_token,
    idToken: typeof idToken === 'string' ? idToken : undefined,
    claims,
    act:
      typeof act === 'object' && act !== null && !Array.isArray(act)
        ? (act as Record<string, unknown>)
        : undefined,
  };
}
