/**
 * Conformance cases every web integration (Express, Fastify) must pass, as data: each framework's
 * tests import these tables and run them through a real server, so both behave identically.
 * See README.md beside this file.
 */

/** `returnTo` values an attacker uses to turn our redirects into open redirects (SECURITY.md rule 1). */
export const OPEN_REDIRECT_VECTORS: ReadonlyArray<readonly [attack: string, returnTo: string]> = [
  ['an absolute URL to another origin', 'https://evil.example/'],
  ['a protocol-relative URL', '//evil.example'],
  ['a slash-backslash URL', '/\\evil.example'],
  ['a double backslash', '\\\\evil.example'],
  ['encoded slashes', '%2F%2Fevil.example'],
  ['a slash then an encoded slash', '/%2Fevil.example'],
  ['a javascript: URL', 'javascript:alert(1)'],
  ['a data: URL', 'data:text/html,<script>alert(1)</script>'],
  ['a tab inside the scheme', 'java\tscript:alert(1)'],
  ['a newline (header injection)', '/ok\r\nSet-Cookie: x=1'],
  ['userinfo to another host', 'http://app@evil.example/'],
  ['leading whitespace before //', '  //evil.example'],
  ['a dot segment before //', '/.//evil.example'],
  ['encoded dot-dot segments before //', '/%2e%2e/%2e%2e//evil.example'],
  ['dot-dot segments before //', '/a/../..//evil.example'],
];

/** `returnTo` values that must survive the round trip, relative to the app's base URL. */
export const SAFE_RETURN_TO: ReadonlyArray<readonly [returnTo: string, landsOn: string]> = [
  ['/profile?tab=orders', '/profile?tab=orders'],
  ['/', '/'],
];

/** Callbacks that must end in a named 400 error, never a 500, never reflected markup. */
export const CALLBACK_ERRORS: ReadonlyArray<readonly [what: string, query: string, code: string]> =
  [
    [
      'the tenant refused the login, with markup in the description',
      '?error=access_denied&error_description=%3Cscript%3Ealert(1)%3C%2Fscript%3E',
      'authorization_error',
    ],
    [
      'markup in the error code itself',
      '?error=%3Cimg%20src%3Dx%20onerror%3Dalert(1)%3E',
      'authorization_error',
    ],
    [
      'a state no transaction of this browser knows',
      '?code=abc&state=unknown-state',
      'missing_transaction',
    ],
    ['no state at all', '?code=abc', 'missing_required_argument'],
    [
      'a connect code without a transaction',
      '?connect_code=abc&state=unknown-state',
      'missing_transaction',
    ],
  ];

/** Strings that must never appear in an error response (reflected markup, stack traces). */
export const FORBIDDEN_IN_ERRORS: readonly string[] = ['<script', '<img', '    at '];

/** `requiresAuth` without a session: who gets a redirect to login and who gets 401 JSON. */
export const SIGN_IN_NEGOTIATION: ReadonlyArray<
  readonly [who: string, method: string, accept: string | undefined, expect: 'redirect' | 401]
> = [
  ['a browser navigation', 'GET', 'text/html,application/xhtml+xml,*/*;q=0.8', 'redirect'],
  ['a fetch asking for JSON', 'GET', 'application/json', 401],
  ['a client that sends no Accept', 'GET', undefined, 401],
  ['a client that accepts anything', 'GET', '*/*', 401],
  ['a form POST from a browser', 'POST', 'text/html', 401],
];

/** Options that must make the integration throw at setup, naming the option. */
export const MISCONFIGURATIONS: ReadonlyArray<
  readonly [option: string, overrides: Record<string, unknown>]
> = [
  ['domain', { domain: '' }],
  ['clientId', { clientId: '' }],
  ['secret', { secret: 'too-short' }],
  ['appBaseUrl', { appBaseUrl: 'not a url' }],
  ['appBaseUrl', { appBaseUrl: 'ftp://app.example.com' }],
  ['appBaseUrl', { appBaseUrl: 'https://app.example.com/?x=1' }],
  ['routes.login', { routes: { login: 'auth/login' } }],
  ['routes.logout', { routes: { logout: '/auth/login' } }],
  ['routes.callback', { routes: { callback: false } }],
  ['session.store', { session: { store: { backend: {} } } }],
  ['errors', { errors: 'throw' }],
  ['clientSecrets', { clientSecrets: 'a typo of clientSecret' }],
  ['httpTimeout', { httpTimeout: '10s' }],
  ['fetchUserInfo', { fetchUserInfo: 'yes' }],
  ['tokenEndpointAuthMethod', { tokenEndpointAuthMethod: 'tls_client_auth' }],
  ['idTokenSigningAlg', { idTokenSigningAlg: 'none' }],
  ['session.inactivity', { session: { inactivity: 60 } }],
];

/** Attributes every auth cookie carries (SECURITY.md rule 7); `secure` only over https. */
export const AUTH_COOKIE_ATTRIBUTES = { httponly: true, samesite: 'Lax', path: '/' } as const;
