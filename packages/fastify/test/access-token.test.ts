import { describeAccessTokenProtection } from '@gatehouse/web-test-kit/scenarios/access-token';
import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { gatehouseApi } from '../src/index.js';
import { startApp } from './support/app.js';

describeAccessTokenProtection(startApp);

describe('requireAccessToken options', () => {
  const app = async () => {
    const fastify = Fastify();
    await fastify.register(gatehouseApi, {
      domain: 'tenant.example.com',
      audience: 'https://api.example.com',
    });
    return fastify;
  };

  it('refuses bad scopes, claim checks and error modes at setup', async () => {
    const fastify = await app();
    expect(() => fastify.requireAccessToken({ scopes: 'read "orders"' })).toThrow(
      /requireAccessToken/,
    );
    expect(() => fastify.requireAccessToken({ scopes: [] })).toThrow(/at least one scope/);
    expect(() => fastify.requireAccessToken({ claims: 'sub' as never })).toThrow(/function/);
    expect(() => fastify.requireAccessToken({ errors: 'throw' as never })).toThrow(/errors/);
  });

  it('refuses a bad baseUrl when the plugin is registered', async () => {
    const fastify = Fastify();
    await expect(
      fastify
        .register(gatehouseApi, {
          domain: 'tenant.example.com',
          audience: 'https://api.example.com',
          baseUrl: 'ftp://api.example.com',
        })
        .ready(),
    ).rejects.toThrow(/baseUrl/);
  });
});
