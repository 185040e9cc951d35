import './augmentation.js';

export type { RequestAuth, WebRoutes as AuthRoutes } from '@gatehouse/core/web';
export {
  type AccessTokenMiddlewareOptions,
  claimCheck,
  claimEquals,
  claimIncludes,
  type RequireAccessTokenOptions,
  requireAccessToken,
  requiredScopes,
  scopeIncludesAny,
  type VerifiedAccessToken,
} from './access-token.js';
export { type AuthOptions, auth } from './auth.js';
export { requiresAuth } from './requires-auth.js';
