import { type ApiClient, actorChain } from '@gatehouse/api';
import { gatehouseApi } from '@gatehouse/fastify';
import type { FastifyInstance } from 'fastify';
import { SAMPLE_ORDERS, SAMPLE_VISITS } from './sample-data.js';

/** The verifiers of the demo's two APIs, and where the API is reached (for DPoP's `htu`). */
export interface DemoApiClients {
  orders: ApiClient;
  analytics: ApiClient;
  /** The API's public URL; without it DPoP-bound tokens are refused (Bearer works). */
  baseUrl?: string;
  /**
   * The downstream reports API, which the orders API calls on the user's behalf: its verifier,
   * its audience, and where this server listens (the call goes over HTTP, as to another service).
   */
  reports?: { client: ApiClient; audience: string; url: () => string };
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
    // On behalf of the user: the orders API exchanges the token it received for one for the
    // reports API (RFC 8693), which sees the same user and, in `act`, the orders API acting.
    const { reports } = clients;
    if (reports) {
      orders.get(
        '/api/orders/report',
        { preHandler: orders.requireAccessToken({ scopes: 'read:orders' }) },
        async (request, reply) => {
          const exchanged = await clients.orders.getTokenOnBehalfOf({
            accessToken: request.accessToken?.token as string,
            audience: reports.audience,
            scope: 'read:reports',
          });
          const response = await fetch(new URL('/api/reports/summary', reports.url()), {
            headers: { authorization: `Bearer ${exchanged.accessToken}` },
          });
          return reply.code(response.status).send({
            served_by: 'fastify',
            user: request.accessToken?.claims.sub,
            downstream: await response.json(),
          });
        },
      );
    }
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

  const { reports } = clients;
  if (reports) {
    await app.register(async (api) => {
      await api.register(gatehouseApi, { client: reports.client, ...baseUrl });
      api.get(
        '/api/reports/summary',
        { preHandler: api.requireAccessToken({ scopes: 'read:reports' }) },
        async (request) => {
          const claims = request.accessToken?.claims;
          return {
            served_by: 'fastify (reports API)',
            user: claims?.sub,
            // Who acts for the user, outermost first: the orders API.
            act: claims ? actorChain(claims) : [],
            orders_this_month: 3,
          };
        },
      );
    });
  }

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
