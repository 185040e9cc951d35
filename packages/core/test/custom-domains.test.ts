/**
 * Multiple custom domains in the core: what a domain resolver may return, the bound on what it can
 * make the client hold, and the session rules (a session is only its domain's). The flows through
 * a web app on two origins run in `@gatehouse/web-test-kit/scenarios/custom-domains` for Express
 * and Fastify.
 */
import { describe, expect, it } from 'vitest';
import {
  type CookieStoreOptions,
  type DomainResolver,
  DomainResolverError,
  MAX_DOMAINS,
  ServerClient,
} from '../src/index.js';
import { TenantDomains } from '../src/oidc/domains.js';
import { resolveClientCredential, resolveIdTokenPolicy } from '../src/options.js';
import type { SessionData } from '../src/session/model.js';
import { MemoryCookieJar } from './support/memory-jar.js';
import { SECRET } from './support/node-app.js';

/** A fetch that records every URL asked for and answers nothing (connection refused). */
function recordingFetch() {
  const urls: string[] = [];
  const refuse: typeof fetch = async (input) => {
    urls.push(input instanceof Request ? input.url : String(input));
    throw new TypeError('fetch failed: connection refused (fault injection)');
  };
  return { fetch: refuse, urls };
}

function clientWith(domain: DomainResolver<CookieStoreOptions>, fetch?: typeof globalThis.fetch) {
  return new ServerClient({
    domain,
    clientId: 'app',
    clientSecret: 'client-secret',
    secret: SECRET,
    authorizationParams: { redirect_uri: 'http://127.0.0.1:3000/auth/callback' },
    ...(fetch ? { fetch } : {}),
  });
}

const storeOptions = (host: string): CookieStoreOptions => ({
  cookies: new MemoryCookieJar(),
  request: { url: `http://${host}/auth/login`, headers: { host } },
});

describe('a domain resolver', () => {
  it.each<[string, unknown]>([
    ['nothing', undefined],
    ['an empty string', ''],
    ['a number', 42],
    ['a path', 'tenant.example.com/evil'],
    ['another scheme', 'ftp://tenant.example.com'],
    ['plain http to a public host', 'http://tenant.example.com'],
    ['credentials', 'https://user:pass@tenant.example.com'],
  ])('returning %s: DomainResolverError, and no request is made', async (_what, returned) => {
    const recorder = recordingFetch();
    const client = clientWith(() => returned as string, recorder.fetch);
    const attempt = client.startInteractiveLogin({ storeOptions: storeOptions('app.test') });
    await expect(attempt).rejects.toBeInstanceOf(DomainResolverError);
    await expect(attempt).rejects.toMatchObject({ code: 'domain_resolver_error' });
    expect(recorder.urls).toEqual([]);
  });

  it('that throws: DomainResolverError with the cause kept, and no request', async () => {
    const recorder = recordingFetch();
    const failure = new Error('unknown brand');
    const client = clientWith(() => {
      throw failure;
    }, recorder.fetch);
    const attempt = client.startInteractiveLogin({ storeOptions: storeOptions('app.test') });
    await expect(attempt).rejects.toMatchObject({ code: 'domain_resolver_error', cause: failure });
    expect(recorder.urls).toEqual([]);
  });

  it('gets the request URL, its headers and the store options', async () => {
    const seen: unknown[] = [];
    const client = clientWith((context) => {
      seen.push(context);
      return 'tenant.example.com';
    });
    const options = storeOptions('brand-a.app.test');
    await client.getUser({ storeOptions: options }).catch(() => undefined);
    // No session: the resolver is not even asked.
    expect(seen).toEqual([]);
    await client.startInteractiveLogin({ storeOptions: options }).catch(() => undefined);
    expect(seen[0]).toMatchObject({
      requestUrl: 'http://brand-a.app.test/auth/login',
      requestHeaders: { host: 'brand-a.app.test' },
      storeOptions: options,
    });
  });

  it('fed by a Host header cannot grow memory: discovery and keys of at most MAX_DOMAINS domains', async () => {
    // A careless resolver that trusts the Host header, flooded with random hosts: every domain is
    // a loopback port nobody listens on, so each login fails at discovery, over real TCP.
    const client = clientWith(({ requestHeaders }) => `http://${String(requestHeaders?.host)}`);
    const floods = Array.from({ length: MAX_DOMAINS * 3 }, (_, index) => {
      const host = `127.0.${Math.floor(index / 250)}.${(index % 250) + 1}:9`;
      return client.startInteractiveLogin({ storeOptions: storeOptions(host) }).then(
        () => 'started',
        (error: { code?: string }) => error.code,
      );
    });
    expect(new Set(await Promise.all(floods))).toEqual(new Set(['discovery_error']));
    expect(client.stats().domains).toBe(MAX_DOMAINS);
  });
});

describe('a session is only its domain’s', () => {
  const tenantOptions = {
    clientId: 'app',
    credential: resolveClientCredential({ clientSecret: 'client-secret' }),
    idTokens: resolveIdTokenPolicy({ clientId: 'app' }),
    timeoutMs: 1000,
  };
  const domains = new TenantDomains<CookieStoreOptions>(({ requestUrl }) => {
    const host = new URL(requestUrl as string).hostname;
    return host === 'a.app.test' ? 'login.brand-a.example' : 'login.brand-b.example';
  }, tenantOptions);
  const session = (changes: Partial<SessionData>): SessionData => ({
    user: { sub: 'auth0|alice' },
    tokenSets: [],
    connectionTokenSets: [],
    internal: { sid: 'sid', createdAt: 0, updatedAt: 0 },
    ...changes,
  });
  const fail = (code: string) => new Error(code);

  it('is shown, and gets tokens, only on the domain it records', async () => {
    const onA = session({ domain: 'https://login.brand-a.example' });
    expect(await domains.shows(onA, storeOptions('a.app.test'))).toBe(true);
    expect(await domains.shows(onA, storeOptions('b.app.test'))).toBe(false);
    const tenant = await domains.ofSession(onA, storeOptions('a.app.test'), fail);
    expect(tenant.address.origin).toBe('https://login.brand-a.example');
    await expect(domains.ofSession(onA, storeOptions('b.app.test'), fail)).rejects.toThrow(
      'domain_mismatch',
    );
  });

  it('without a recorded domain falls back to its user’s iss, else is missing_session_domain', async () => {
    const byIssuer = session({
      user: { sub: 'auth0|alice', iss: 'https://login.brand-b.example/' },
    });
    expect(await domains.shows(byIssuer, storeOptions('b.app.test'))).toBe(true);
    await expect(domains.ofSession(session({}), storeOptions('a.app.test'), fail)).rejects.toThrow(
      'missing_session_domain',
    );
  });
});
