import type { Logger } from '@gatehouse/base';
import { Auth0Error } from '@gatehouse/base';
import { buildChallenges, type ChallengeSettings, type RequestScheme } from './challenge.js';
import {
  descriptionOf,
  InsufficientScopeError,
  oauthErrorOf,
  VerifyAccessTokenError,
} from './errors.js';

/**
 * How a refusal leaves this package: once, with its final challenge. Errors are thrown deep in the
 * pipeline without headers; the one place that catches them (`verification.ts`, and
 * `ApiClient.requireScopes`) gives each the challenge of this client (realm, DPoP mode,
 * `resource_metadata`), with the error on the scheme the request used (RFC 6750 §3, RFC 9449
 * §7.1, RFC 9728 §5.1).
 */

/** What {@link refusalOf} needs of the client. */
export interface RefusalSettings {
  challenge: ChallengeSettings;
  logger: Logger | undefined;
}

/** Statuses answered with a `WWW-Authenticate` challenge. */
const CHALLENGED = new Set([400, 401, 403]);

/**
 * The error to answer with. An {@link Auth0Error} with a challenged status gets this client's
 * challenge; anything unexpected becomes an `invalid_token` error rather than escaping as a 500
 * with a stack (reference pitfall §4.2.13).
 */
export function refusalOf(
  error: unknown,
  settings: RefusalSettings,
  scheme: RequestScheme | undefined,
): Auth0Error {
  const refusal =
    error instanceof Auth0Error && error.status !== undefined
      ? error
      : new VerifyAccessTokenError('verification_failed', {
          message: 'Unexpected error while verifying the access token',
          cause: error,
        });
  settings.logger?.debug(
    { code: refusal.code, status: refusal.status },
    'gatehouse/api: access refused',
  );
  if (CHALLENGED.has(refusal.status as number)) {
    refusal.headers = {
      ...refusal.headers,
      'www-authenticate': buildChallenges(
        settings.challenge,
        {
          error: oauthErrorOf(refusal),
          description: descriptionOf(refusal),
          scope: refusal instanceof InsufficientScopeError ? refusal.scopes : undefined,
        },
        scheme,
      ),
    };
  }
  return refusal;
}

/**
 * The JSON body of a refusal: the OAuth error (or the code) and its fixed description.
 *
 * @example
 * res.status(error.status).set(error.headers).json(refusalBody(error));
 */
export function refusalBody(error: Auth0Error): { error: string; error_description: string } {
  return { error: oauthErrorOf(error) ?? error.code, error_description: descriptionOf(error) };
}
