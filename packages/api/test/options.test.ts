/**
 * Configuration fails at construction, with a ConfigurationError naming the option at fault, never
 * at the first request (SECURITY.md rule 8).
 */
import { describe, expect, it } from 'vitest';
import { ApiClient, type ApiClientOptions, ConfigurationError } from '../src/index.js';

const base: ApiClientOptions = { domain: 'tenant.auth0.com', audience: 'https://api.example.com' };

describe('new ApiClient(options)', () => {
  it.each<[string, Record<string, unknown>, string]>([
    ['no audience', { audience: undefined }, 'audience'],
    ['an empty audience', { audience: '' }, 'audience'],
    ['an empty audience list', { audience: [] }, 'audience'],
    ['no domain and no domains', { domain: undefined }, 'domain'],
    ['a plain-http domain that is not loopback', { domain: 'http://tenant.example.com' }, 'domain'],
    ['a domain with a path', { domain: 'https://tenant.auth0.com/x' }, 'domain'],
    ['a domain with credentials', { domain: 'https://user:pw@tenant.auth0.com' }, 'domain'],
    ['a domain with a query', { domain: 'tenant.auth0.com?x=1' }, 'domain'],
    ['an empty domains list', { domains: [] }, 'domains'],
    ['a bad entry in domains', { domains: ['tenant.auth0.com', 'ftp://x'] }, 'domains[1]'],
    ['HS256 in algorithms', { algorithms: ['HS256'] }, 'algorithms'],
    ['none in algorithms', { algorithms: ['RS256', 'none'] }, 'algorithms'],
    ['an empty algorithms list', { algorithms: [] }, 'algorithms'],
    ['HS256 for DPoP proofs', { dpop: { algorithms: ['HS256'] } }, 'dpop.algorithms'],
    ['an unknown DPoP mode', { dpop: { mode: 'sometimes' } }, 'dpop.mode'],
    ['a replay store without markUsed', { dpop: { replayStore: {} } }, 'dpop.replayStore'],
    ['a nonce source without isValid', { dpop: { nonce: { current: () => 'n' } } }, 'dpop.nonce'],
    ['a negative clockTolerance', { clockTolerance: -1 }, 'clockTolerance'],
    ['a NaN maxTokenAge', { maxTokenAge: Number.NaN }, 'maxTokenAge'],
    ['a zero httpTimeout', { httpTimeout: 0 }, 'httpTimeout'],
    ['a minAge above maxAge', { cache: { minAge: 700, maxAge: 600 } }, 'cache.minAge'],
    ['a zero refetch budget', { cache: { refetchesPerMinute: 0 } }, 'cache.refetchesPerMinute'],
    ['a realm with a line break', { realm: 'api\r\nX-Evil: 1' }, 'realm'],
    ['clientId without clientSecret', { clientId: 'abc' }, 'clientSecret'],
    ['clientSecret without clientId', { clientSecret: 'abc' }, 'clientId'],
    [
      'client credentials without domain',
      { domain: undefined, domains: ['tenant.auth0.com'], clientId: 'a', clientSecret: 'b' },
      'domain',
    ],
    ['validators that are not functions', { validators: ['org_id'] }, 'validators'],
    ['a fetch that is not a function', { fetch: 'curl' }, 'fetch'],
    ['a misspelt option', { audiences: ['https://api.example.com'] }, 'audiences'],
    [
      'an http resource for metadata',
      { resourceMetadata: { resource: 'http://api.example.com' } },
      'resourceMetadata.resource',
    ],
    [
      'a resource with a fragment',
      { resourceMetadata: { resource: 'https://api.example.com/#x' } },
      'resourceMetadata.resource',
    ],
  ])('refuses %s, naming it', (_label, overrides, option) => {
    let error: unknown;
    try {
      new ApiClient({ ...base, ...overrides } as ApiClientOptions);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigurationError);
    expect(error).toMatchObject({ option, code: 'configuration_error' });
    expect((error as Error).message.startsWith(`${option}: `)).toBe(true);
  });

  it.each<[string, Partial<ApiClientOptions>]>([
    ['a bare host', { domain: 'tenant.auth0.com' }],
    ['an https origin with a trailing slash', { domain: 'https://tenant.auth0.com/' }],
    ['the local dev tenant over http', { domain: 'http://127.0.0.1:4000' }],
    ['several audiences', { audience: ['https://a', 'https://b'] }],
    ['domains and a resolver', { domains: () => ['tenant.auth0.com'] }],
    [
      'every DPoP mode',
      { dpop: { mode: 'required', nonce: true, iatWindow: { maxAge: 60, leeway: 5 } } },
    ],
    ['Token Vault credentials', { clientId: 'abc', clientSecret: 'def' }],
  ])('accepts %s', (_label, overrides) => {
    expect(() => new ApiClient({ ...base, ...overrides })).not.toThrow();
  });
});
