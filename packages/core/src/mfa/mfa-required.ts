import * as oauth from 'oauth4webapi';
import { AccessTokenError } from '../errors.js';
import { MfaRequiredError, type MfaRequirements } from './errors.js';
import type { MfaTokenContext, MfaTokens } from './mfa-token.js';

/**
 * The tenant's `mfa_token` and `mfa_requirements` when a token request was answered
 * `mfa_required` (Auth0 puts them in the error body), else undefined. Takes oauth4webapi's
 * error, or an {@link AccessTokenError} made of one.
 */
export function mfaChallengeOf(
  error: unknown,
): { mfaToken: string; requirements: MfaRequirements | undefined } | undefined {
  const cause = error instanceof AccessTokenError ? error.cause : error;
  if (!(cause instanceof oauth.ResponseBodyError) || cause.error !== 'mfa_required') {
    return undefined;
  }
  const body = cause.cause as Record<string, unknown>;
  if (typeof body.mfa_token !== 'string' || body.mfa_token === '') return undefined;
  const requirements =
    typeof body.mfa_requirements === 'object' && body.mfa_requirements !== null
      ? (body.mfa_requirements as MfaRequirements)
      : undefined;
  return { mfaToken: body.mfa_token, requirements };
}

/**
 * An `mfa_required` refusal as an {@link MfaRequiredError} carrying the tenant's MFA token, sealed
 * with what it was for (domain, audience, scope); undefined for any other error. Every flow that
 * asks the token endpoint for a user's tokens (refresh, passwordless, passkeys) answers it so.
 */
export async function mfaRequiredErrorOf(
  error: unknown,
  tokens: MfaTokens,
  request: Omit<MfaTokenContext, 'mfaToken'>,
): Promise<MfaRequiredError | undefined> {
  const challenge = mfaChallengeOf(error);
  if (!challenge) return undefined;
  const mfaToken = await tokens.seal({ ...request, mfaToken: challenge.mfaToken });
  const details =
    error instanceof AccessTokenError
      ? error.details
      : {
          error: 'mfa_required',
          errorDescription: (error as oauth.ResponseBodyError).error_description,
        };
  return new MfaRequiredError(mfaToken, challenge.requirements, details);
}
