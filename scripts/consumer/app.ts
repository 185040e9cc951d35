// A TypeScript app as a user writes it from the READMEs, on Express 4 with @types/express@4 and
// ioredis 5, type-checked with skipLibCheck: false (under node16 and bundler resolution) and then
// run: it starts the dev tenant and the app, and checks that login redirects to the tenant.
import type { AddressInfo } from 'node:net';
import { ApiClient } from '@gatehouse/api';
import { ServerStateStore } from '@gatehouse/core';
import { DEMO_CLIENT_SECRET, startDevTenant } from '@gatehouse/dev-tenant';
import { auth, requireAccessToken, requiresAuth } from '@gatehouse/express';
import { RedisSessionBackend } from '@gatehouse/redis';
import express from 'express';
import { Redis } from 'ioredis';

const secret = 'a-secret-for-the-consumer-app-32-characters-long';
const tenant = await startDevTenant();

// The README's own-client snippet, with the app's ioredis 5.
const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', {
  commandTimeout: 2000,
  enableOfflineQueue: false,
  autoResendUnfulfilledCommands: false,
});
const backend = new RedisSessionBackend({ client: redis, secret, keyPrefix: 'consumer-ts:' });

const app = express();
app.use(
  auth({
    domain: tenant.domain,
    clientId: 'demo-web',
    clientSecret: DEMO_CLIENT_SECRET,
    secret,
    appBaseUrl: 'http://localhost:3000',
    stateStore: new ServerStateStore({ secrets: [secret], secure: false, backend }),
  }),
);
app.get('/', async (req, res) => {
  res.send((await req.auth.isAuthenticated()) ? 'Hello!' : '<a href="/auth/login">Log in</a>');
});
app.get('/profile', requiresAuth(), async (req, res) => {
  res.json(await req.auth.getUser());
});
const api = new ApiClient({ domain: tenant.domain, audience: 'https://api.example.com' });
app.get('/api/orders', requireAccessToken(api), (req, res) => {
  res.json({ sub: req.accessToken?.claims.sub });
});

const server = app.listen(0, '127.0.0.1');
await new Promise<void>((resolve) => server.once('listening', () => resolve()));
const { port } = server.address() as AddressInfo;
try {
  const login = await fetch(`http://127.0.0.1:${port}/auth/login`, { redirect: 'manual' });
  const location = login.headers.get('location') ?? '';
  if (login.status !== 302 || !location.startsWith(`${tenant.url}/authorize`)) {
    throw new Error(`login: expected a redirect to the tenant, got ${login.status} ${location}`);
  }
  const profile = await fetch(`http://127.0.0.1:${port}/profile`, {
    redirect: 'manual',
    headers: { accept: 'application/json' },
  });
  if (profile.status !== 401) throw new Error(`/profile without a session: ${profile.status}`);
  console.log('typescript app: ok');
} finally {
  server.close();
  await backend.close();
  redis.disconnect();
  await tenant.close();
}
