import { IncomingMessage, ServerResponse } from 'node:http';
import { Socket } from 'node:net';
import { OPEN_REDIRECT_VECTORS } from '@gatehouse/test-kit/web/conformance';
import { describe, expect, it } from 'vitest';
import { NodeCookieJar } from '../../src/index.js';
import {
  acceptsHtml,
  ChangeTrackingCookieJar,
  finish,
  json,
  requestUrl,
  resolveReturnTo,
  returnToFromAppState,
  WebAuth,
  wantsHtml,
} from '../../src/web/index.js';

const BASE = new URL('https://app.example.com');
const SECRET = 'a-test-secret-that-is-at-least-32-characters-long';

/** A NodeCookieJar over a request that was never sent: what an adapter hands the web layer. */
function jar(cookie?: string) {
  const req = new IncomingMessage(new Socket());
  if (cookie) req.headers.cookie = cookie;
  const res = new ServerResponse(req);
  return { jar: NodeCookieJar.for(req, res), res };
}

describe('requestUrl builds the URL from appBaseUrl only', () => {
  it.each([
    ['/orders?page=2', 'https://app.example.com/orders?page=2'],
    ['//evil.example/x', 'https://app.example.com//evil.example/x'],
    ['http://evil.example/profile?x=1', 'https://app.example.com/profile?x=1'],
    ['profile', 'https://app.example.com/profile'],
    ['*', 'https://app.example.com/*'],
  ])('%s → %s', (target, expected) => {
    const url = requestUrl(BASE, target);
    expect(url.href).toBe(expected);
    expect(url.origin).toBe(BASE.origin);
  });
});

describe('content negotiation', () => {
  it.each([
    ['GET', 'text/html,application/xhtml+xml', true],
    ['HEAD', 'text/html', true],
    ['GET', 'application/json', false],
    ['GET', '*/*', false],
    ['GET', undefined, false],
    ['GET', 'text/htmlx', false],
    ['POST', 'text/html', false],
  ])('%s with Accept %s wants HTML: %s', (method, accept, expected) => {
    expect(wantsHtml({ method, accept })).toBe(expected);
  });

  it('accepts HTML anywhere in the list, with parameters', () => {
    expect(acceptsHtml('application/json, text/html;q=0.9')).toBe(true);
  });
});

describe('returnTo', () => {
  it.each(OPEN_REDIRECT_VECTORS)('replaces %s with the base URL', (_attack, input) => {
    expect(resolveReturnTo(input, BASE).href).toBe('https://app.example.com/');
  });

  it('keeps same-origin paths, and re-checks what appState carries', () => {
    expect(resolveReturnTo('/orders?x=1', BASE).href).toBe('https://app.example.com/orders?x=1');
    expect(returnToFromAppState({ returnTo: 'https://evil.example/' }, BASE).href).toBe(
      'https://app.example.com/',
    );
    expect(returnToFromAppState(undefined, BASE).href).toBe('https://app.example.com/');
  });
});

describe('ChangeTrackingCookieJar', () => {
  it('marks the response no-store only when a cookie was set or deleted', () => {
    const { jar: inner, res } = jar('a=1');
    const tracked = new ChangeTrackingCookieJar(inner);
    expect(tracked.get('a')).toBe('1');
    expect(finish(json(200, {}), tracked).headers['cache-control']).toBeUndefined();
    tracked.set('b', '2', { path: '/' });
    expect(tracked.changed).toBe(true);
    expect(tracked.getAll().get('b')).toBe('2');
    expect(finish(json(200, {}), tracked).headers['cache-control']).toBe('private, no-store');
    tracked.delete('a', { path: '/' });
    expect(tracked.get('a')).toBeUndefined();
    expect(res.getHeader('set-cookie')).toHaveLength(2);
  });
});

describe('WebAuth', () => {
  const web = new WebAuth(
    {
      domain: 'http://127.0.0.1:9',
      clientId: 'client',
      clientSecret: 'secret',
      secret: SECRET,
      appBaseUrl: 'https://app.example.com',
      httpTimeout: 1000,
    },
    {},
  );

  it('lists the routes to mount with their methods', () => {
    expect(web.routes).toEqual([
      { name: 'login', methods: ['GET'], path: '/auth/login' },
      { name: 'callback', methods: ['GET'], path: '/auth/callback' },
      { name: 'logout', methods: ['GET', 'POST'], path: '/auth/logout' },
      { name: 'backchannelLogout', methods: ['POST'], path: '/auth/backchannel-logout' },
      { name: 'connect', methods: ['GET'], path: '/auth/connect' },
      { name: 'link', methods: ['GET'], path: '/auth/link' },
      { name: 'unlink', methods: ['GET'], path: '/auth/unlink' },
      { name: 'passwordlessStart', methods: ['POST'], path: '/auth/passwordless/start' },
      { name: 'passwordlessVerify', methods: ['POST'], path: '/auth/passwordless/verify' },
      { name: 'passkeyChallenge', methods: ['POST'], path: '/auth/passkey/challenge' },
      { name: 'passkeyLogin', methods: ['POST'], path: '/auth/passkey/login' },
    ]);
  });

  it('never throws from a route: errors become responses and are kept for next()', async () => {
    const request = web.request({
      method: 'get',
      target: '/auth/callback?code=x',
      accept: 'text/html',
      cookies: jar().jar,
    });
    const outcome = await web.handle('callback', request);
    expect(outcome.ok).toBe(false);
    expect(outcome.response.status).toBe(400);
    expect(outcome.ok ? undefined : (outcome.error as { code: string }).code).toBe(
      'missing_required_argument',
    );
  });

  it('lets requiresAuth fail closed when the session cannot be read', async () => {
    const broken = {
      get: () => {
        throw new Error('jar exploded');
      },
      getAll: () => {
        throw new Error('jar exploded');
      },
      set: () => {},
      delete: () => {},
    };
    const request = web.request({
      method: 'GET',
      target: '/private',
      accept: 'text/html',
      cookies: broken,
    });
    const outcome = await web.requiresAuth(request);
    expect(outcome?.ok).toBe(false);
    expect(outcome?.response.status).toBe(500);
  });

  it('answers a request without a session with a sign-in redirect or 401', async () => {
    const html = await web.requiresAuth(
      web.request({
        method: 'GET',
        target: '/orders?x=1',
        accept: 'text/html',
        cookies: jar().jar,
      }),
    );
    expect(html?.response.headers.location).toBe(
      'https://app.example.com/auth/login?returnTo=%2Forders%3Fx%3D1',
    );
    const api = await web.requiresAuth(
      web.request({ method: 'GET', target: '/orders', cookies: jar().jar }),
    );
    expect(api?.response.status).toBe(401);
  });

  it('binds the client to a request: no storeOptions to pass', async () => {
    const auth = web.bind(jar('gatehouse.session=tampered').jar);
    expect(await auth.getUser()).toBeUndefined();
    expect(await auth.isAuthenticated()).toBe(false);
    await expect(auth.getAccessToken()).rejects.toMatchObject({ code: 'missing_session' });
  });
});
