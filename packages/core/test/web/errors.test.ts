import { FORBIDDEN_IN_ERRORS } from '@gatehouse/test-kit/web/conformance';
import { describe, expect, it } from 'vitest';
import {
  AccessTokenError,
  AuthorizationError,
  BackchannelLogoutError,
  ConfigurationError,
  InvalidArgumentError,
  MissingRequiredArgumentError,
  MissingTransactionError,
  MyAccountApiError,
  OidcError,
  SessionTooLargeError,
} from '../../src/index.js';
import {
  errorCodeOf,
  errorResponse,
  escapeHtml,
  httpStatusOf,
  publicMessageOf,
} from '../../src/web/index.js';

const storeOutage = Object.assign(new Error('connect ECONNREFUSED 10.0.0.7:6379'), {
  code: 'session_store_unavailable',
  statusCode: 503,
  headers: { 'retry-after': '2' },
});

describe('error → HTTP status', () => {
  it.each([
    ['a missing transaction', new MissingTransactionError(), 400],
    ['a refused login', new AuthorizationError('access_denied', undefined), 400],
    ['a bad callback', new OidcError('invalid_callback', 'bad'), 400],
    ['a state mismatch', new OidcError('state_mismatch', 'bad'), 400],
    ['a missing argument', new MissingRequiredArgumentError('connection'), 400],
    ['an invalid argument', new InvalidArgumentError('returnTo', 'bad'), 400],
    ['a refused logout token', new BackchannelLogoutError('bad'), 400],
    ['a missing session', new AccessTokenError('missing_session', 'sign in'), 401],
    ['an ended session', new AccessTokenError('session_expired', 'sign in'), 401],
    [
      'a My Account 403',
      new MyAccountApiError(403, 'Forbidden', undefined, 'scope', undefined),
      403,
    ],
    ['a My Account 502', new MyAccountApiError(502, 'Bad', undefined, undefined, undefined), 500],
    ['a session store outage', storeOutage, 503],
    ['a tenant that cannot be reached', new OidcError('discovery_error', 'down'), 500],
    ['a session too large', new SessionTooLargeError(5000, 10), 500],
    ['a configuration error', new ConfigurationError('secret', 'bad'), 500],
    ['a programming error', new TypeError('x is undefined'), 500],
    ['something that is not an error', 'boom', 500],
  ])('%s → %i', (_what, error, status) => {
    expect(httpStatusOf(error)).toBe(status);
  });

  it('names the code; internal errors as internal_error', () => {
    expect(errorCodeOf(new MissingTransactionError())).toBe('missing_transaction');
    expect(errorCodeOf(storeOutage)).toBe('session_store_unavailable');
    expect(errorCodeOf(new TypeError('x'))).toBe('internal_error');
  });
});

describe('what an error response says', () => {
  it('shows client errors, with the tenant description, and hides server internals', () => {
    expect(publicMessageOf(new AuthorizationError('access_denied', 'User said no'))).toBe(
      'The tenant refused the login: access_denied: User said no',
    );
    for (const internal of [
      storeOutage,
      new TypeError('secret path /etc/x'),
      new OidcError('discovery_error', 'http://10.0.0.1'),
    ]) {
      const message = publicMessageOf(internal);
      expect(message).not.toMatch(/10\.0\.0|etc|ECONNREFUSED/);
    }
    expect(publicMessageOf('x'.repeat(10))).toMatch(/Something went wrong/);
  });

  it('caps long messages', () => {
    const long = new AuthorizationError('x'.repeat(2000), undefined);
    expect(publicMessageOf(long).length).toBeLessThanOrEqual(501);
  });

  it('renders HTML for browsers: escaped, with the code, a CSP and no stack', () => {
    const error = new AuthorizationError(
      '<script>alert(1)</script>',
      '<img src=x onerror=alert(1)>',
    );
    const response = errorResponse(error, 'text/html,*/*');
    expect(response.status).toBe(400);
    expect(response.headers).toMatchObject({
      'content-type': 'text/html; charset=utf-8',
      'content-security-policy': "default-src 'none'",
      'x-content-type-options': 'nosniff',
      'cache-control': 'private, no-store',
    });
    expect(response.body).toContain('data-code="authorization_error"');
    for (const forbidden of FORBIDDEN_IN_ERRORS) expect(response.body).not.toContain(forbidden);
  });

  it('renders JSON for everyone else, and when asked to', () => {
    for (const [accept, format] of [
      ['application/json', 'negotiate'],
      [undefined, 'negotiate'],
      ['text/html', 'json'],
    ] as const) {
      const response = errorResponse(new MissingTransactionError(), accept, format);
      expect(response.headers['content-type']).toMatch(/^application\/json/);
      expect(JSON.parse(response.body!)).toMatchObject({ error: 'missing_transaction' });
    }
  });

  it('passes on when to retry after a store outage, and nothing else of its headers', () => {
    expect(errorResponse(storeOutage, 'text/html').headers['retry-after']).toBe('2');
    expect(errorResponse(storeOutage, undefined).headers['retry-after']).toBe('2');
    const hostile = {
      ...storeOutage,
      code: 'session_store_unavailable',
      headers: { 'retry-after': '2\r\nx: y', location: 'https://evil.example/' },
    };
    const response = errorResponse(hostile, undefined);
    expect(response.headers['retry-after']).toBeUndefined();
    expect(response.headers.location).toBeUndefined();
  });

  it('escapes the five HTML metacharacters', () => {
    expect(escapeHtml(`<a href="x" title='y'>&</a>`)).toBe(
      '&#60;a href=&#34;x&#34; title=&#39;y&#39;&#62;&#38;&#60;/a&#62;',
    );
  });
});
