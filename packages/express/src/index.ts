import './augmentation.js';

export type {
  RequestAuth,
  RequiresAuthOptions,
  WebRoutes as AuthRoutes,
} from '@gatehouse/core/web';
export { type AuthOptions, auth } from './auth.js';
export {
  type AccessTokenMiddlewareOptions,
  claimCheck,
  claimEquals,
  claimIncludes,
  type RequireAccessTokenOptions,
  requireAccessToken,
  requiredOrganization,
  requiredScopes,
  scopeIncludesAny,
  type VerifiedAccessToken,
} from './require-access-token.js';
export { attemptSilentLogin, requiresAuth } from './requires-auth.js';
