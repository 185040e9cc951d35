import {
  closeOnSignals,
  demoAudiences,
  demoTenantDomain,
  exitOnListenError,
} from '@gatehouse/demo-ui';
import { DEMO_API_CLIENT, REPORTS_AUDIENCE } from '@gatehouse/demo-ui/tenant';
import { startDemoApi } from './server.js';

// The same variables as the web apps: AUTH0_DOMAIN (or the dev tenant), ORDERS_AUDIENCE,
// ANALYTICS_AUDIENCE; PORT (default 3002), HOST, API_BASE_URL (its public URL, for DPoP);
// AUTH0_CUSTOM_DOMAINS, the tenant's custom domains (comma-separated) whose tokens are accepted too;
// API_CLIENT_ID, API_CLIENT_SECRET (default: the dev tenant's demo-api client) and
// REPORTS_AUDIENCE, for the orders API's call to the reports API on the user's behalf.
const env = process.env;
const port = Number(env.PORT || 3002);
const host = env.HOST || '127.0.0.1';
const audiences = demoAudiences(env);
const api = await startDemoApi({
  domain: demoTenantDomain(env),
  customDomains: (env.AUTH0_CUSTOM_DOMAINS ?? '')
    .split(',')
    .map((domain) => domain.trim())
    .filter(Boolean),
  ordersAudience: audiences.orders,
  analyticsAudience: audiences.analytics,
  port,
  host,
  baseUrl: env.API_BASE_URL || `http://${host}:${port}`,
  ...(env.API_CLIENT_ID && env.API_CLIENT_SECRET
    ? { client: { clientId: env.API_CLIENT_ID, clientSecret: env.API_CLIENT_SECRET } }
    : env.AUTH0_DOMAIN
      ? {}
      : { client: DEMO_API_CLIENT }),
  reportsAudience: env.REPORTS_AUDIENCE || REPORTS_AUDIENCE,
}).catch((error: unknown) => exitOnListenError('api', `${host}:${port}`, error));
console.log(`Demo API on ${api.url}`);
closeOnSignals('api', () => api.close());
