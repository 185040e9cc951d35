import { NodeCookieJar } from '@gatehouse/core';
import type { RouteOutcome, WebAuth, WebRequest, WebResponse } from '@gatehouse/core/web';
import type { NextFunction, Request, Response } from 'express';

/** The integration each request went through, for `requiresAuth()` to find. */
const integrations = new WeakMap<Request, WebAuth>();

/**
 * Attaches `req.auth` (bound to this request's cookies, and its URL and headers for a `domain`
 * resolver) and remembers the integration.
 */
export function attach(web: WebAuth, req: Request, res: Response): void {
  integrations.set(req, web);
  req.auth = web.bind(NodeCookieJar.for(req, res), {
    target: req.originalUrl,
    headers: req.headers,
  });
}

/** The integration `auth()` attached to this request, if any. */
export const integrationOf = (req: Request): WebAuth | undefined => integrations.get(req);

/**
 * The web layer's view of an Express request. The jar is the same `NodeCookieJar` as `req.auth`'s,
 * so both read each other's writes; the URL comes from `appBaseUrl` and `req.originalUrl` only.
 */
export function toWebRequest(web: WebAuth, req: Request, res: Response): WebRequest {
  return web.request({
    method: req.method,
    target: req.originalUrl,
    accept: req.headers.accept,
    body: req.body,
    headers: req.headers,
    cookies: NodeCookieJar.for(req, res),
  });
}

/** Sends a response description; `Set-Cookie` is already on `res`, written by the jar. */
export function send(res: Response, response: WebResponse): void {
  res.status(response.status);
  for (const [name, value] of Object.entries(response.headers)) res.setHeader(name, value);
  res.end(response.body);
}

/** Sends an outcome, or hands its error to Express when the app asked for `errors: 'next'`. */
export function reply(
  web: WebAuth,
  outcome: RouteOutcome,
  res: Response,
  next: NextFunction,
): void {
  if (!outcome.ok && web.options.errors === 'next') next(outcome.error);
  else send(res, outcome.response);
}
