import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApiClient } from '@gatehouse/api';
import { FAVICON } from '@gatehouse/demo-ui';
import Fastify from 'fastify';
import { EXPRESS_PREFIX, expressRoutes } from './express-routes.js';
import { fastifyRoutes } from './fastify-routes.js';

/** Options of {@link startDemoApi}. */
export interface DemoApiOptions {
  /** The tenant, as an SDK's `domain` (`tenant.auth0.com`, or the dev tenant's origin). */
  domain: string;
  /** The tenant's custom domains, whose tokens are accepted too (multiple custom domains). */
  customDomains?: readonly string[];
  /** Audience of the orders API. */
  ordersAudience: string;
  /** Audience of the analytics API. */
  analyticsAudience: string;
  /** Port to listen on; 0 picks a free one. */
  port: number;
  /** Interface to listen on. Default `127.0.0.1`. */
  host?: string;
  /** The API's public URL, for DPoP `htu` checks. Default: the address it listens on. */
  baseUrl?: string;
  /**
   * The API's own client at the tenant, with which the orders API exchanges tokens on its users'
   * behalf for the reports API (`reportsAudience`). Without it, `/api/orders/report` is absent.
   */
  client?: { clientId: string; clientSecret: string };
  /** Audience of the downstream reports API. */
  reportsAudience?: string;
}

/** A running demo API. */
export interface DemoApiServer {
  /** Where it listens, e.g. `http://127.0.0.1:3002`. */
  url: string;
  close(): Promise<void>;
}

/**
 * Starts the demo API: one Node server that hands paths under `/express/` to an Express app and
 * everything else to Fastify's router, so both integrations protect routes of the same API.
 *
 * @example
 * const api = await startDemoApi({ domain: 'http://127.0.0.1:4000', ordersAudience: 'https://api.example.com', analyticsAudience: 'https://analytics.example.com', port: 3002 });
 */
export async function startDemoApi(options: DemoApiOptions): Promise<DemoApiServer> {
  const tenant = {
    domain: options.domain,
    ...(options.customDomains?.length
      ? { domains: [options.domain, ...options.customDomains] }
      : {}),
  };
  const orders = new ApiClient({
    ...tenant,
    audience: options.ordersAudience,
    ...(options.client ?? {}),
  });
  const analytics = new ApiClient({ ...tenant, audience: options.analyticsAudience });

  // The server listens first: its address is the API's `baseUrl` (DPoP's `htu`) on any port.
  let route: (req: IncomingMessage, res: ServerResponse) => void = (_req, res) => {
    res.statusCode = 503;
    res.end();
  };
  const server = createServer((req, res) => route(req, res));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host ?? '127.0.0.1', resolve);
  });
  const { address, port } = server.address() as AddressInfo;
  const url = `http://${address}:${port}`;
  const baseUrl = options.baseUrl ?? url;

  const fastify = Fastify();
  fastify.get(FAVICON.path, async (_request, reply) =>
    reply.type(FAVICON.contentType).send(FAVICON.body),
  );
  const reports =
    options.client && options.reportsAudience
      ? {
          client: new ApiClient({ ...tenant, audience: options.reportsAudience }),
          audience: options.reportsAudience,
          url: () => url,
        }
      : undefined;
  await fastifyRoutes(fastify, { orders, analytics, baseUrl, ...(reports ? { reports } : {}) });
  await fastify.ready();
  // The Express route takes DPoP-bound tokens only (RFC 9449 §7.1): a Bearer token is refused.
  const dpopOnly = new ApiClient({
    ...tenant,
    audience: options.ordersAudience,
    dpop: { mode: 'required' },
  });
  const express = expressRoutes(dpopOnly, baseUrl);
  route = (req, res) =>
    req.url?.startsWith(EXPRESS_PREFIX) ? express(req, res) : fastify.routing(req, res);
  return {
    url,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await fastify.close();
    },
  };
}
