import { Writable } from 'node:stream';
import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { gatehouse } from '../src/index.js';

const SECRET = 'a-secret-for-the-request-log-test-32-characters';

describe("the app's request log", () => {
  it('does not record the code and state of /auth/callback (nor any query value of our routes)', async () => {
    const lines: string[] = [];
    const stream = new Writable({
      write(chunk, _encoding, done) {
        lines.push(String(chunk));
        done();
      },
    });
    const fastify = Fastify({ logger: { level: 'info', stream } });
    await fastify.register(gatehouse, {
      domain: 'tenant.example.com',
      clientId: 'client',
      clientSecret: 'client-secret',
      secret: SECRET,
      appBaseUrl: 'http://localhost:3000',
    });
    fastify.get('/orders', async () => []);
    try {
      await fastify.inject({ url: '/auth/callback?code=THE-ONE-TIME-CODE&state=THE-STATE' });
      await fastify.inject({ url: '/auth/callback?connect_code=THE-CONNECT-CODE&state=S2' });
      await fastify.inject({ url: '/orders?page=2' });
    } finally {
      await fastify.close();
    }
    const log = lines.join('');
    expect(log).toContain('/auth/callback?code=[redacted]&state=[redacted]');
    for (const secret of ['THE-ONE-TIME-CODE', 'THE-STATE', 'THE-CONNECT-CODE']) {
      expect(log).not.toContain(secret);
    }
    // The app's own routes keep Fastify's serializer.
    expect(log).toContain('/orders?page=2');
  });
});
