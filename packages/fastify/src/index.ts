/**
 * @gatehouse/fastify: Auth0 for Fastify. `gatehouse` for web apps (login, sessions, tokens,
 * logout), `gatehouseApi` for APIs (access-token verification).
 */
import './augmentation.js';

export type { VerifiedAccessToken } from '@gatehouse/api/guard';
export type { RequestAuth, WebRoutes as AuthRoutes } from '@gatehouse/core/web';
export {
  type GatehouseApiOptions,
  type GatehouseApiPluginOptions,
  gatehouseApi,
  type RequireAccessTokenOptions,
} from './api-plugin.js';
export { FastifyCookieJar } from './cookie-jar.js';
export { type GatehouseOptions, gatehouse } from './web-plugin.js';
