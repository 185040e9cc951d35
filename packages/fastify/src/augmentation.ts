import type { ApiClient } from '@gatehouse/api';
import type { VerifiedAccessToken } from '@gatehouse/api/guard';
import type { RequestAuth, RequiresAuthOptions } from '@gatehouse/core/web';
import type { preHandlerAsyncHookHandler, preHandlerHookHandler } from 'fastify';
import type { RequireAccessTokenOptions } from './api-plugin.js';

declare module 'fastify' {
  interface FastifyRequest {
    /**
     * Auth0 bound to this request (set by the `gatehouse` plugin): `getUser()`, `getSession()`,
     * `getAccessToken()`, `isAuthenticated()`, connected accounts, ...
     */
    auth: RequestAuth;
    /**
     * The verified access token (set by `requireAccessToken()`): `{ token, claims, header,
     * scheme }`. `null` on routes without it and on anonymous requests let through by
     * `required: false`.
     */
    accessToken: VerifiedAccessToken | null;
  }

  interface FastifyInstance {
    /**
     * A `preHandler` that lets a request through only with a session (the `gatehouse` plugin). A
     * browser navigation without one is redirected to login and comes back; others get 401 JSON.
     * A failure to read the session (a store outage) is an error, never a pass. With `options`,
     * the session must also be of an `organization`, or stepped up (`acrValues`, `maxAge`): a
     * browser is sent through login again asking for it, others get 403.
     */
    requiresAuth(options?: RequiresAuthOptions): preHandlerAsyncHookHandler;
    /**
     * A `preHandler` for silent login on a route (or the plugin's `attemptSilentLogin: true` for
     * every page): the first anonymous page view of a browser session goes once through the tenant
     * with `prompt=none`; an anonymous user comes back anonymous, with no loop.
     */
    attemptSilentLogin(): preHandlerAsyncHookHandler;
    /** A `preHandler` that verifies the access token (the `gatehouseApi` plugin). */
    requireAccessToken(options?: RequireAccessTokenOptions): preHandlerHookHandler;
    /** The `ApiClient` of the `gatehouseApi` plugin, e.g. for `getAccessTokenForConnection`. */
    apiClient: ApiClient;
  }
}
