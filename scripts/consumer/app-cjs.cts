// The same packages from a CommonJS TypeScript file in the same program as app.ts, so their ESM
// and CommonJS declaration files meet (TS2717 when both declare the request augmentation).

import { startDevTenant } from '@gatehouse/dev-tenant';
import { requiresAuth } from '@gatehouse/express';
import { gatehouse } from '@gatehouse/fastify';
import type { Request } from 'express';
import { fastify } from 'fastify';

export async function fastifyApp(): Promise<string> {
  const tenant = await startDevTenant();
  const app = fastify();
  await app.register(gatehouse, {
    domain: tenant.domain,
    clientId: 'demo-web',
    clientSecret: 'demo-web-secret-for-local-development-only',
    secret: 'a-secret-for-the-consumer-app-32-characters-long',
    appBaseUrl: 'http://localhost:3000',
  });
  app.get('/me', { preHandler: app.requiresAuth() }, (request) => request.auth.getUser());
  const response = await app.inject({ url: '/auth/login' });
  await app.close();
  await tenant.close();
  return `${response.statusCode}`;
}

export const guard: ReturnType<typeof requiresAuth> = requiresAuth();
export const user = (req: Request) => req.auth.getUser();

if (require.main === module) {
  fastifyApp().then(
    (status) => {
      if (status !== '302') throw new Error(`fastify login: ${status}`);
      console.log('typescript commonjs app: ok');
    },
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
