import { MISCONFIGURATIONS } from '@gatehouse/test-kit/web/conformance';
import { describe, expect, it } from 'vitest';
import {
  ConfigurationError,
  CookieStateStore,
  CookieTransactionStore,
  MemoryBackend,
  ServerStateStore,
} from '../../src/index.js';
import { appUrl, DEFAULT_ROUTES, resolveWebAuthOptions, WebAuth } from '../../src/web/index.js';

const SECRET = 'a-test-secret-that-is-at-least-32-characters-long';
const VALID = {
  domain: 'tenant.example.com',
  clientId: 'client',
  clientSecret: 'client-secret',
  secret: SECRET,
  appBaseUrl: 'https://app.example.com',
};
const NO_ENV = {};

describe('resolveWebAuthOptions', () => {
  it('derives redirect_uri from appBaseUrl and the callback route, and builds cookie stores', () => {
    const resolved = resolveWebAuthOptions(VALID, NO_ENV);
    expect(resolved.routes).toEqual(DEFAULT_ROUTES);
    expect(resolved.errors).toBe('render');
    expect(resolved.secure).toBe(true);
    expect(resolved.callbackUrl).toBe('https://app.example.com/auth/callback');
    expect(resolved.clientOptions.authorizationParams?.redirect_uri).toBe(resolved.callbackUrl);
    expect(resolved.clientOptions.stateStore).toBeInstanceOf(CookieStateStore);
    expect(resolved.clientOptions.transactionStore).toBeInstanceOf(CookieTransactionStore);
  });

  it('keeps a path prefix of appBaseUrl, without a trailing slash', () => {
    const resolved = resolveWebAuthOptions(
      { ...VALID, appBaseUrl: 'http://localhost:3000/shop/', routes: { callback: '/cb' } },
      NO_ENV,
    );
    expect(resolved.secure).toBe(false);
    expect(resolved.callbackUrl).toBe('http://localhost:3000/shop/cb');
    expect(appUrl(resolved.appBaseUrl, '/auth/login').href).toBe(
      'http://localhost:3000/shop/auth/login',
    );
  });

  it('reads the environment for what the options leave out; options win', () => {
    const env = {
      AUTH0_DOMAIN: 'env.example.com',
      AUTH0_CLIENT_ID: 'env-client',
      AUTH0_CLIENT_SECRET: 'env-secret',
      AUTH0_SECRET: SECRET,
      APP_BASE_URL: 'https://env-app.example.com',
      AUTH0_AUDIENCE: 'https://api.example.com',
    };
    const fromEnv = resolveWebAuthOptions({}, env).clientOptions;
    expect(fromEnv).toMatchObject({
      domain: 'env.example.com',
      clientId: 'env-client',
      clientSecret: 'env-secret',
      authorizationParams: {
        audience: 'https://api.example.com',
        redirect_uri: 'https://env-app.example.com/auth/callback',
      },
    });
    const overridden = resolveWebAuthOptions({ domain: 'option.example.com' }, env).clientOptions;
    expect(overridden.domain).toBe('option.example.com');
  });

  it('does not take AUTH0_CLIENT_SECRET when a signing key is given', () => {
    expect(() =>
      resolveWebAuthOptions(
        { ...VALID, clientSecret: undefined, clientAssertionSigningKey: 'not a key' },
        { AUTH0_CLIENT_SECRET: 'env-secret' },
      ),
    ).not.toThrow();
  });

  it('uses a ServerStateStore for { backend }', () => {
    const resolved = resolveWebAuthOptions(
      { ...VALID, session: { store: { backend: new MemoryBackend() }, inactivityDuration: 60 } },
      NO_ENV,
    );
    expect(resolved.clientOptions.stateStore).toBeInstanceOf(ServerStateStore);
    expect(resolved.clientOptions.session).toEqual({ inactivityDuration: 60 });
  });

  it('allows every route to be turned off except what login needs', () => {
    const resolved = resolveWebAuthOptions(
      {
        ...VALID,
        routes: {
          login: false,
          callback: false,
          logout: false,
          backchannelLogout: false,
          connect: false,
          link: false,
          unlink: false,
          passwordlessStart: false,
          passwordlessVerify: false,
          passkeyChallenge: false,
          passkeyLogin: false,
        },
      },
      NO_ENV,
    );
    expect(resolved.callbackUrl).toBeUndefined();
    expect(new WebAuth({ ...VALID, routes: resolved.routes }, NO_ENV).routes).toEqual([]);
  });

  it.each(MISCONFIGURATIONS)('throws a ConfigurationError naming %s', (option, overrides) => {
    const attempt = () => new WebAuth({ ...VALID, ...overrides }, NO_ENV);
    expect(attempt).toThrow(ConfigurationError);
    expect(attempt).toThrow(expect.objectContaining({ option }));
  });

  it.each([
    ['domain', 'AUTH0_DOMAIN'],
    ['clientId', 'AUTH0_CLIENT_ID'],
    ['clientSecret', 'AUTH0_CLIENT_SECRET'],
    ['secret', 'AUTH0_SECRET'],
    ['appBaseUrl', 'APP_BASE_URL'],
  ])('names %s and %s when neither is set', (option, variable) => {
    const attempt = () => resolveWebAuthOptions({ ...VALID, [option]: undefined }, NO_ENV);
    expect(attempt).toThrow(expect.objectContaining({ option }));
    expect(attempt).toThrow(new RegExp(variable));
  });

  it.each([
    ['a route name that does not exist', { routes: { profile: '/me' } }, 'routes.profile'],
    ['a protocol-relative route', { routes: { login: '//evil.example/login' } }, 'routes.login'],
    ['a route with a query', { routes: { login: '/login?x=1' } }, 'routes.login'],
    ['credentials in appBaseUrl', { appBaseUrl: 'https://u:p@app.example.com' }, 'appBaseUrl'],
    ['a hash in appBaseUrl', { appBaseUrl: 'https://app.example.com/#x' }, 'appBaseUrl'],
    ['no options object', null, 'options'],
  ])('refuses %s', (_what, overrides, option) => {
    const options = overrides === null ? null : { ...VALID, ...overrides };
    expect(() => resolveWebAuthOptions(options as never, NO_ENV)).toThrow(
      expect.objectContaining({ option }),
    );
  });
});
