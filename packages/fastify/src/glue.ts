import type { RouteOutcome, WebAuth, WebRequest } from '@gatehouse/core/web';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { FastifyCookieJar } from './cookie-jar.js';

/**
 * The web layer's view of a Fastify request. The jar is the same as `request.auth`'s, so both read
 * each other's writes; the URL comes from `appBaseUrl` and `request.url` only, never from `Host`.
 */
export function toWebRequest(
  web: WebAuth,
  request: FastifyRequest,
  reply: FastifyReply,
): WebRequest {
  return web.request({
    method: request.method,
    target: request.url,
    accept: request.headers.accept,
    body: request.body,
    headers: request.headers,
    cookies: FastifyCookieJar.for(request, reply),
  });
}

/**
 * Sends an outcome, or, when the app asked for `errors: 'next'`, throws its error to Fastify's
 * error handling with the status already set (the default handler keeps a status >= 400).
 */
export function sendOutcome(
  web: WebAuth,
  outcome: RouteOutcome,
  reply: FastifyReply,
): FastifyReply {
  const { status, headers, body } = outcome.response;
  reply.code(status);
  if (!outcome.ok && web.options.errors === 'next') throw outcome.error;
  return reply.headers(headers).send(body);
}
