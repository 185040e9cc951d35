import type { RequestListener } from 'node:http';
import { gatehouseApi } from '@gatehouse/fastify';
import fastify, { type FastifyInstance } from 'fastify';
import fastifyAuth0Verify from 'fastify-auth0-verify';
import { rs256Verifier } from './crypto-limit.js';
import {
  ALICE_SUB,
  API_PATH,
  bearerToken,
  type ServerContext,
  type ServerFactory,
} from './types.js';

/**
 * A Fastify instance serving through the child's already-listening server: `serverFactory` hands
 * us Fastify's request handler and gets the server back, so no Fastify option differs from a
 * plain `fastify()` apart from where it listens.
 */
export async function onServer(
  context: ServerContext,
  build: (app: FastifyInstance) => Promise<void> | void,
) {
  let listener: RequestListener | undefined;
  const app = fastify({
    logger: false,
    serverFactory: (handler) => {
      listener = handler;
      return context.server;
    },
  });
  await build(app);
  await app.ready();
  if (!listener) throw new Error('fastify did not call serverFactory');
  return { listener, close: () => app.close() };
}

/** Fastify 5 with no auth at all: the ceiling of the framework. */
export const fastifyBare: ServerFactory = (context) =>
  onServer(context, (app) => {
    app.get(API_PATH, async () => ({ sub: ALICE_SUB }));
  });

/** Fastify plus one bare `crypto.verify` per request, in the route itself: the physical limit. */
export const fastifyCryptoVerify: ServerFactory = async (context) => {
  const verifySignature = await rs256Verifier(context.issuer);
  return onServer(context, (app) => {
    app.get(API_PATH, async (request, reply) => {
      const token = bearerToken(request.headers.authorization);
      if (!token || !verifySignature(token))
        return reply.code(401).send({ error: 'invalid_token' });
      return { sub: ALICE_SUB };
    });
  });
};

/** `@gatehouse/fastify`'s `gatehouseApi` plugin, with or without the verified-token cache. */
function gatehouse(verifiedTokens: number): ServerFactory {
  return (context) =>
    onServer(context, async (app) => {
      await app.register(gatehouseApi, {
        domain: context.issuer.url,
        audience: context.issuer.audience,
        cache: { verifiedTokens },
      });
      app.get(API_PATH, { preHandler: app.requireAccessToken() }, async (request) => ({
        sub: request.accessToken?.claims.sub,
      }));
    });
}

export const fastifyGatehouse = gatehouse(0);
/** Room for every token of the run: the timed requests all carry the same one. */
export const fastifyGatehouseCached = gatehouse(10_000);

/**
 * fastify-auth0-verify (nearform) with its defaults: fastify-jwt-jwks → @fastify/jwt → fast-jwt,
 * keys fetched from the issuer's JWKS. It accepts a local issuer over http: `domain` may be a full
 * origin, and `issuer` pins `iss`.
 */
export const fastifyAuth0VerifyServer: ServerFactory = (context) =>
  onServer(context, async (app) => {
    await app.register(fastifyAuth0Verify, {
      domain: context.issuer.url,
      issuer: context.issuer.issuer,
      audience: context.issuer.audience,
    });
    app.get(API_PATH, { onRequest: app.authenticate }, async (request) => ({
      sub: (request.user as { sub?: string }).sub,
    }));
  });
