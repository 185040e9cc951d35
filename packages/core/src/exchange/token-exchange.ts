import * as oauth from 'oauth4webapi';
import { Auth0Error, CustomTokenExchangeError } from '../errors.js';
import { tenantErrorOf } from '../oidc/context.js';
import { type GrantTokens, tokenGrant } from '../oidc/grant.js';
import type { Tenant } from '../oidc/tenant.js';

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
export interface TokenExchangeResult extends Omit<GrantTokens, 'response'> {
  /** RFC 8693 `issued_token_type`, when the tenant said. */
  issuedTokenType: string | undefined;
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
 * One token exchange at the tenant's token endpoint, authenticated as every other grant, through
 * {@link tokenGrant} (`N_A` accepted as a token type, for session transfer tokens).
 *
 * @param now Seconds since the epoch.
 */
export async function exchangeToken(
  tenant: Tenant,
  options: CustomTokenExchangeOptions,
  now: number,
): Promise<TokenExchangeResult> {
  checkExchangeArguments(options);
  let tokens: GrantTokens;
  try {
    tokens = await tokenGrant(tenant, TOKEN_EXCHANGE_GRANT, exchangeParameters(options), now, {
      recognizedTokenTypes: { n_a: () => undefined },
    });
  } catch (cause) {
    // The ID token's own check (and the keys it needs) fail with their own errors.
    if (cause instanceof Auth0Error) throw cause;
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
  const { response, ...result } = tokens;
  const act = tokens.claims?.act;
  const issuedTokenType = (response as Record<string, unknown>).issued_token_type;
  return {
    ...result,
    issuedTokenType: typeof issuedTokenType === 'string' ? issuedTokenType : undefined,
    act:
      typeof act === 'object' && act !== null && !Array.isArray(act)
        ? (act as Record<string, unknown>)
        : undefined,
  };
}
