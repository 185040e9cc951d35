import { oidcProvider } from './oidc-provider.js';

/** An error answered with Auth0's `{ error, error_description }` (oidc-provider's hides details). */
export function tokenError(error: string, description: string, status = 400): Error {
  const thrown = new (oidcProvider().errors.CustomOIDCProviderError)(error, description);
  thrown.status = status;
  thrown.statusCode = status;
  return thrown;
}

export const invalidRequest = (description: string) => tokenError('invalid_request', description);
export const invalidGrant = (description: string) => tokenError('invalid_grant', description);
