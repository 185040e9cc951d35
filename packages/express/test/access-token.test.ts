import { describeAccessTokenProtection } from '@gatehouse/web-test-kit/scenarios/access-token';
import express from 'express';
import { describe, expect, it } from 'vitest';
import { claimIncludes, requiredScopes } from '../src/index.js';
import { startApp } from './support/app.js';

describeAccessTokenProtection(startApp);

describe('the scope and claim helpers', () => {
  it('refuse bad scopes and empty checks at setup', () => {
    expect(() => requiredScopes('read "orders"')).toThrow(/requiredScopes/);
    expect(() => requiredScopes()).toThrow(/at least one scope/);
    expect(() => claimIncludes('roles')).toThrow(/claimIncludes/);
  });
});

it('the checks trust only a token requireAccessToken() verified, not one the app put there', async () => {
  const app = express();
  app.get(
    '/orders',
    (req, _res, next) => {
      req.accessToken = {
        token: 'forged',
        claims: { iss: 'x', aud: 'x', exp: 0, iat: 0, sub: 'mallory', scope: 'read:orders' },
        header: {},
        scheme: 'bearer',
      };
      next();
    },
    requiredScopes('read:orders'),
    (_req, res) => {
      res.send('orders');
    },
  );
  const server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  try {
    const { port } = server.address() as { port: number };
    const response = await fetch(`http://127.0.0.1:${port}/orders`);
    expect([response.status, (await response.json()).error]).toEqual([
      401,
      'missing_authorization',
    ]);
  } finally {
    server.close();
  }
});
