import type { ServerFactory } from './types.js';

/**
 * Every server under test, by the name the scenarios start it with. Each is imported only by the
 * child that runs it, so a child loads one framework and one library, not all of them.
 */
export const SERVERS = {
  'express-bare': async () => (await import('./api-express.js')).expressBare,
  'express-crypto-verify': async () => (await import('./api-express.js')).expressCryptoVerify,
  'express-gatehouse': async () => (await import('./api-express.js')).expressGatehouse,
  'express-gatehouse-cached': async () => (await import('./api-express.js')).expressGatehouseCached,
  'express-oauth2-jwt-bearer': async () =>
    (await import('./api-express.js')).expressOauth2JwtBearer,
  'fastify-bare': async () => (await import('./api-fastify.js')).fastifyBare,
  'fastify-crypto-verify': async () => (await import('./api-fastify.js')).fastifyCryptoVerify,
  'fastify-gatehouse': async () => (await import('./api-fastify.js')).fastifyGatehouse,
  'fastify-gatehouse-cached': async () => (await import('./api-fastify.js')).fastifyGatehouseCached,
  'fastify-auth0-verify': async () => (await import('./api-fastify.js')).fastifyAuth0VerifyServer,
  'session-express-bare': async () => (await import('./session-express.js')).sessionExpressBare,
  'session-gatehouse-cookie': async () =>
    (await import('./session-express.js')).sessionGatehouseCookie,
  'session-gatehouse-redis': async () =>
    (await import('./session-express.js')).sessionGatehouseRedis,
  'session-gatehouse-redis-cluster': async () =>
    (await import('./session-express.js')).sessionGatehouseRedisCluster,
  'session-express-openid-connect': async () =>
    (await import('./session-express.js')).sessionExpressOpenidConnect,
  'session-auth0-server-js': async () =>
    (await import('./session-express.js')).sessionAuth0ServerJs,
  'session-fastify-bare': async () => (await import('./session-fastify.js')).sessionFastifyBare,
  'session-fastify-gatehouse-cookie': async () =>
    (await import('./session-fastify.js')).sessionFastifyGatehouseCookie,
  'session-fastify-gatehouse-redis': async () =>
    (await import('./session-fastify.js')).sessionFastifyGatehouseRedis,
  'session-fastify-secure-session': async () =>
    (await import('./session-fastify.js')).sessionFastifySecureSession,
} satisfies Record<string, () => Promise<ServerFactory>>;

export type ServerName = keyof typeof SERVERS;
