import type { ApiClient } from '@gatehouse/api';
import { gatehouseApi } from '@gatehouse/fastify';
import type { FastifyInstance } from 'fastify';
import { SAMPLE_ORDERS, SAMPLE_VISITS } from './sample-data.js';

/** The verifiers of the demo's two APIs, and where the API is reached (for DPoP's `htu`). */
export interface DemoApiClients {
  orders: ApiClient;
  analytics: ApiClient;
  /** The API's public URL; without it DPoP-bound tokens are refused (Bearer works). */
  baseUrl?: string;
}

/**
 * The Fastify routes. Each API (audience) is its own encapsulated context with its own
 * `gatehouseApi`, which is how a Fastify app protects routes of several APIs.
 */
export async function fastifyRoutes(app: FastifyInstance, clients: DemoApiClients): Promise<void> {
  const baseUrl = clients.baseUrl ? { baseUrl: clients.baseUrl } : {};

  await app.register(async (orders) => {
    await orders.register(gatehouseApi, { client: clients.orders, ...baseUrl });
    orders.get(
      '/api/orders',
      { preHandler: orders.requireAccessToken({ scopes: 'read:orders' }) },
      async (request) => ({
        served_by: 'fastify',
        user: request.accessToken?.claims.sub,
        scope: request.accessToken?.claims.scope,
        orders: SAMPLE_ORDERS,
      }),
    );
    // The web apps do not ask for write:orders, so their tokens get 403 insufficient_scope here.
    orders.post(
      '/api/orders',
      { preHandler: orders.requireAccessToken({ scopes: 'write:orders' }) },
      async (request, reply) =>
        reply.code(201).send({
          served_by: 'fastify',
          user: request.accessToken?.claims.sub,
          created: { id: 'ord_1004', item: 'Gatehouse cap', quantity: 1, total: 19 },
        }),
    );
  });

  await app.register(async (analytics) => {
    await analytics.register(gatehouseApi, { client: clients.analytics, ...baseUrl });
    analytics.get(
      '/api/analytics',
      { preHandler: analytics.requireAccessToken({ scopes: 'read:analytics' }) },
      async (request) => ({
        served_by: 'fastify',
        user: request.accessToken?.claims.sub,
        scope: request.accessToken?.claims.scope,
        visits: SAMPLE_VISITS,
      }),
    );
  });
}
