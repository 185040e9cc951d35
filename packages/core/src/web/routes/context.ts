import type { Sealer, SealPurpose } from '../../cookies/sealer.js';
import type { ServerClient } from '../../server-client.js';
import type { CookieStoreOptions } from '../../stores/types.js';
import type { ResolvedWebAuthOptions } from '../options.js';
import type { WebRequest } from '../request.js';
import type { WebResponse } from '../response.js';

/** What every route handler works with: the client and the resolved options. */
export interface RouteContext {
  client: ServerClient;
  options: ResolvedWebAuthOptions;
  /** The app's sealer for one purpose (keys derived once), for the routes' own short cookies. */
  sealer(purpose: SealPurpose): Sealer;
}

/** A route handler: a request in, a response description out; errors are thrown. */
export type RouteHandler = (context: RouteContext, request: WebRequest) => Promise<WebResponse>;

/** The store options of a request: its cookies, and the request for a `domain` resolver. */
export const storeOptionsOf = (request: WebRequest): CookieStoreOptions => ({
  cookies: request.cookies,
  request: { url: request.url.href, headers: request.headers },
});
