import type { ApiClient } from '@gatehouse/api';
import { requireAccessToken, requiredScopes } from '@gatehouse/express';
import express, { type Express } from 'express';
import { SAMPLE_ORDERS } from './sample-data.js';

/** Where the Express routes live; the server sends every path under it to Express. */
export const EXPRESS_PREFIX = '/express/';

/**
 * The Express route, protected by `@gatehouse/express` with an orders `ApiClient` that takes
 * DPoP-bound tokens only (the web demos' tokens are; a Bearer token stolen from a log is refused).
 */
export function expressRoutes(orders: ApiClient, baseUrl?: string): Express {
  const app = express();
  app.disable('x-powered-by');
  app.use(EXPRESS_PREFIX, requireAccessToken(orders, baseUrl ? { baseUrl } : {}));
  app.get(`${EXPRESS_PREFIX}orders/summary`, requiredScopes('read:orders'), (req, res) => {
    res.json({
      served_by: 'express',
      user: req.accessToken?.claims.sub,
      orders: SAMPLE_ORDERS.length,
      total: SAMPLE_ORDERS.reduce((sum, order) => sum + order.total, 0),
    });
  });
  app.use((_req, res) => {
    res.status(404).json({ error: 'not_found' });
  });
  return app;
}
