import {
  Auth0Error,
  type HttpPolicy,
  readJsonObject,
  type TokenEndpointClient,
  tokenEndpointRequest,
} from '@gatehouse/base';

/** RFC 8693's grant type. */
export const TOKEN_EXCHANGE_GRANT = 'urn:ietf:params:oauth:grant-type:token-exchange';

/** One exchange: a token in, a token for `audience` out (Auth0 Custom Token Exchange). */
export interface TokenExchangeRequest {
  /** The token traded in. */
  subjectToken: string;
  /** Its type, as the exchange profile at the tenant names it. */
  subjectTokenType: string;
  /** The API the new token is for. */
  audience?: string | undefined;
  scope?: string | undefined;
}

/** A token the tenant issued in an exchange. */
export interface ExchangedToken {
  accessToken: string;
  /** Seconds since the epoch. */
  expiresAt: number;
  scope: string | undefined;
  /** RFC 8693 `issued_token_type`. */
  issuedTokenType: string | undefined;
}

/**
 * The exchange failed: the tenant refused it (`code` is its OAuth error, e.g. `invalid_grant` when
 * the profile's validation refused the subject token) or could not be asked
 * (`token_exchange_failed`). Status 502: the API's caller did nothing wrong.
 */
export class TokenExchangeError extends Auth0Error {
  override name = 'TokenExchangeError';
  constructor(code: string, message: string, options: { cause?: unknown } = {}) {
    super(code, message, { cause: options.cause, status: 502 });
  }
}

/** Sends an exchange to the token endpoint, authenticated as the API's client. */
export async function tokenExchangeRequest(
  client: TokenEndpointClient,
  exchange: TokenExchangeRequest,
  http: HttpPolicy,
): Promise<Response> {
  const body = new URLSearchParams({
    grant_type: TOKEN_EXCHANGE_GRANT,
    subject_token: exchange.subjectToken,
    subject_token_type: exchange.subjectTokenType,
  });
  if (exchange.audience) body.set('audience', exchange.audience);
  if (exchange.scope) body.set('scope', exchange.scope);
  try {
    return await tokenEndpointRequest(client, body, http);
  } catch (cause) {
    throw new TokenExchangeError(
      'token_exchange_failed',
      `The token exchange request failed: ${(cause as Error).message}`,
      { cause },
    );
  }
}

/**
 * Reads an exchange's answer: a JSON object with an `access_token` on 200 (a non-negative
 * `expires_in`, a string `scope` when present), else the tenant's OAuth error.
 *
 * @param now Seconds since the epoch.
 */
export async function processTokenExchangeResponse(
  response: Response,
  now: number,
  maxBytes: number,
): Promise<ExchangedToken> {
  let body: Record<string, unknown>;
  try {
    body = await readJsonObject(response, maxBytes);
  } catch (cause) {
    throw new TokenExchangeError(
      'token_exchange_failed',
      `The token endpoint answered HTTP ${response.status} with ${(cause as Error).message}`,
      { cause },
    );
  }
  if (response.status !== 200) {
    const error = typeof body.error === 'string' ? body.error : 'token_exchange_failed';
    const description = typeof body.error_description === 'string' ? body.error_description : '';
    throw new TokenExchangeError(
      error,
      `The tenant refused the token exchange: ${error} ${description}`.trim(),
    );
  }
  const { access_token: accessToken, expires_in: expiresIn, scope } = body;
  if (typeof accessToken !== 'string' || accessToken === '') {
    throw new TokenExchangeError('token_exchange_failed', 'The exchange answered no access_token');
  }
  if (expiresIn !== undefined && !(typeof expiresIn === 'number' && expiresIn >= 0)) {
    throw new TokenExchangeError('token_exchange_failed', 'The exchange answered a bad expires_in');
  }
  if (scope !== undefined && typeof scope !== 'string') {
    throw new TokenExchangeError('token_exchange_failed', 'The exchange answered a bad scope');
  }
  return {
    accessToken,
    expiresAt: now + ((expiresIn as number | undefined) ?? 3600),
    scope,
    issuedTokenType:
      typeof body.issued_token_type === 'string' ? body.issued_token_type : undefined,
  };
}

/**
 * The delegation chain of a token (RFC 8693 §4.1): who acts for the subject, outermost first —
 * `act.sub`, then `act.act.sub`, ... Empty when no one acts. At most 16 levels are read.
 *
 * @example
 * actorChain({ sub: 'auth0|alice', act: { sub: 'api-b', act: { sub: 'api-a' } } }); // ['api-b', 'api-a']
 */
export function actorChain(claims: Readonly<Record<string, unknown>>): string[] {
  const chain: string[] = [];
  let act = claims.act;
  while (typeof act === 'object' && act !== null && !Array.isArray(act) && chain.length < 16) {
    const { sub } = act as { sub?: unknown };
    if (typeof sub !== 'string') break;
    chain.push(sub);
    act = (act as { act?: unknown }).act;
  }
  return chain;
}
