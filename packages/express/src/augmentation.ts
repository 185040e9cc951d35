import type { RequestAuth } from '@gatehouse/core/web';
import type { VerifiedAccessToken } from './require-access-token.js';

declare global {
  namespace Express {
    interface Request {
      /**
       * Auth0 bound to this request (set by `auth()`): `getUser()`, `getSession()`,
       * `getAccessToken()`, `isAuthenticated()`, connected accounts, ...
       */
      auth: RequestAuth;
      /**
       * The verified access token (set by `requireAccessToken()`): `{ token, claims, header,
       * scheme }`. Absent on routes without it and on anonymous requests let through by
       * `required: false`, so typed as possibly absent.
       */
      accessToken?: VerifiedAccessToken;
    }
  }
}
