import type { ConfigurationError } from '@gatehouse/core';
import { SECRET } from '@gatehouse/web-test-kit/harness';
import { describeConfiguration } from '@gatehouse/web-test-kit/scenarios/configuration';
import express from 'express';
import { expect, it } from 'vitest';
import { auth, requiresAuth } from '../src/index.js';
import { startApp } from './support/app.js';

describeConfiguration(startApp, async (options) => auth(options));

it('requiresAuth() without auth() fails closed with a configuration error', async () => {
  const app = express();
  app.get('/private', requiresAuth(), (_req, res) => {
    res.send('secret');
  });
  app.use(
    (error: Error, _req: express.Request, res: express.Response, _next: express.NextFunction) => {
      res.status(500).json({ name: error.name, option: (error as ConfigurationError).option });
    },
  );
  const server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  try {
    const { port } = server.address() as { port: number };
    const response = await fetch(`http://127.0.0.1:${port}/private`);
    expect(response.status).toBe(500);
    expect(await response.json()).toEqual({ name: 'ConfigurationError', option: 'requiresAuth' });
  } finally {
    server.close();
  }
});

it('runs on the Express major this project is testing', async () => {
  // The app under test and the package's own `express.Router()` come from the same major.
  // Express 4's Router has `_params`; Express 5's (the `router` package) does not.
  const ours = auth({
    domain: 'tenant.example.com',
    clientId: 'client',
    clientSecret: 'client-secret',
    secret: SECRET,
    appBaseUrl: 'https://app.example.com',
  }) as unknown as { _params?: unknown };
  expect(Array.isArray(ours._params)).toBe(process.env.EXPRESS_MAJOR === '4');
  const { default: manifest } = await import('express/package.json', { with: { type: 'json' } });
  expect(manifest.version.split('.')[0]).toBe(process.env.EXPRESS_MAJOR);
});
