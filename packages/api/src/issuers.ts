import { issuerOfDomain } from '@gatehouse/base';
import { DomainsResolverError, VerifyAccessTokenError } from './errors.js';
import type { RequestHeaders } from './request.js';
import { type Steps, wait } from './steps.js';

/** What a {@link DomainsResolver} is told about the request it decides for. */
export interface DomainsResolverContext {
  /** The token's `iss`, not yet verified: use it to choose, never to trust. */
  unverifiedIssuer: string;
  /**
   * The request URL: `url` of `verifyRequest`, or `request.url` of `verifyAccessToken`; undefined
   * when not given. Through `@gatehouse/express` and `@gatehouse/fastify`, the request's path on
   * their `baseUrl` (undefined without one): an origin the app configured, never the client's
   * `Host`.
   */
  requestUrl: string | undefined;
  /**
   * The request headers: `headers` of `verifyRequest`, or `request.headers` of
   * `verifyAccessToken`; undefined when not given. As the client sent them (`Host` included):
   * choose by them from domains you trust, never build a domain from them.
   */
  requestHeaders: RequestHeaders | undefined;
}

/**
 * Decides per request which tenant domains are accepted, e.g. by the request's host for a
 * multi-tenant API. Returns domains as `domain` takes them. Called before any network request, so
 * an issuer it does not list is never fetched.
 */
export type DomainsResolver = (
  context: DomainsResolverContext,
) => readonly string[] | Promise<readonly string[]>;

/**
 * Which issuers are accepted: a fixed list or a resolver. A token's `iss` must equal an accepted
 * issuer exactly (string comparison, no normalisation of the token's value), and this check runs
 * before any fetch, so no attacker-chosen `iss` is ever requested (SECURITY.md rule 17).
 */
export class IssuerPolicy {
  constructor(
    /** The accepted issuers when fixed, e.g. `['https://tenant.auth0.com/']`. */
    readonly fixed: readonly string[] | undefined,
    private readonly resolver: DomainsResolver | undefined,
  ) {}

  /**
   * Throws `invalid_issuer` unless `iss` is accepted for this request. A step of the verification
   * pipeline (`steps.ts`): a fixed list answers at once, only a resolver is waited for.
   */
  *check(
    iss: string,
    request: { url?: string | undefined; headers?: RequestHeaders | undefined },
  ): Steps<void> {
    // No `yield` inside `??`: tsup's CommonJS build rewrites `??` into a helper call with an
    // arrow function, where `yield` is a syntax error.
    let accepted = this.fixed;
    if (accepted === undefined) accepted = yield* wait(() => this.#resolve(iss, request));
    if (!accepted.includes(iss)) throw new VerifyAccessTokenError('invalid_issuer');
  }

  async #resolve(
    iss: string,
    request: { url?: string | undefined; headers?: RequestHeaders | undefined },
  ): Promise<readonly string[]> {
    let domains: unknown;
    try {
      domains = await this.resolver?.({
        unverifiedIssuer: iss,
        requestUrl: request.url,
        requestHeaders: request.headers,
      });
    } catch (cause) {
      throw new DomainsResolverError({ message: 'The domains resolver threw', cause });
    }
    if (!Array.isArray(domains) || domains.length === 0) {
      throw new DomainsResolverError({
        message: 'The domains resolver must return a non-empty list of domains',
      });
    }
    return domains.map((domain) => {
      const issuer = issuerOfDomain(domain);
      if (!issuer) {
        throw new DomainsResolverError({
          message: 'The domains resolver returned something that is not a domain',
        });
      }
      return issuer;
    });
  }
}
