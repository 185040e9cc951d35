/**
 * Framework-agnostic building blocks for web integrations (Express, Fastify, ...): everything a
 * framework adapter needs besides its own request, response and routing.
 */
export { type ErrorMode, errorModeOf } from '@gatehouse/base';
export { safeReturnTo } from '../redirects.js';
export {
  errorCodeOf,
  errorResponse,
  escapeHtml,
  httpStatusOf,
  publicMessageOf,
  renderErrorPage,
} from './errors.js';
export {
  appUrl,
  DEFAULT_ROUTES,
  type ResolvedWebAuthOptions,
  resolveWebAuthOptions,
  type SessionStoreChoice,
  type WebAuthEnv,
  type WebAuthOptions,
  type WebRoutes,
  type WebSessionOptions,
} from './options.js';
export {
  acceptsHtml,
  ChangeTrackingCookieJar,
  field,
  requestUrl,
  type WebRequest,
  type WebRequestInit,
  wantsHtml,
} from './request.js';
export { RequestAuth, type WithoutStoreOptions } from './request-auth.js';
export { finish, json, NO_STORE, redirect, type WebResponse } from './response.js';
export { pathAndQuery, resolveReturnTo, returnToFromAppState } from './return-to.js';
export type { RouteContext, RouteHandler } from './routes/context.js';
export {
  checkRequiresAuthOptions,
  missingAuthentication,
  type RequiresAuthOptions,
  signInResponse,
} from './routes/requires-auth.js';
export { SILENT_LOGIN_COOKIE } from './routes/silent-login.js';
export { type RouteDefinition, type RouteName, type RouteOutcome, WebAuth } from './web-auth.js';
