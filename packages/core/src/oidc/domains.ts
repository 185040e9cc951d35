import { LruCache, parseTenantAddress, type TenantAddress } from '@gatehouse/base';
import { DomainResolverError } from '../errors.js';
import type { SessionData } from '../session/model.js';
import type { TransactionData } from '../stores/types.js';
import { Tenant, type TenantOptions } from './tenant.js';

/** Request headers as Node gives them (lower-case names). */
export type RequestHeaders = Readonly<Record<string, string | readonly string[] | undefined>>;

/**
 * The request a call is made for, carried in `storeOptions.request` by the web integrations (or by
 * the caller): what a {@link DomainResolver} decides from.
 */
export interface RequestContext {
  /** The absolute request URL. The web integrations build it from `appBaseUrl`, never from `Host`. */
  url: string;
  headers: RequestHeaders;
}

/** What a {@link DomainResolver} is told about the call it decides for. */
export interface DomainResolverContext<TStoreOptions> {
  /** The request URL, when `storeOptions.request` carries one. */
  requestUrl: string | undefined;
  /** The request headers, when `storeOptions.request` carries them. Raw: choose, never trust. */
  requestHeaders: RequestHeaders | undefined;
  /** The call's store options, as given. */
  storeOptions: TStoreOptions | undefined;
}

/**
 * Multiple custom domains: decides which of the tenant's domains a call is for, usually from the
 * request's host. Returns a domain as `domain` takes it (`login.brand-a.com` or an origin).
 */
export type DomainResolver<TStoreOptions> = (
  context: DomainResolverContext<TStoreOptions>,
) => string | Promise<string>;

/** Most custom domains whose discovery document and keys are kept (least recently used go first). */
export const MAX_DOMAINS = 100;

/** The request a call's store options carry, if any. */
function requestOf(storeOptions: unknown): Partial<RequestContext> | undefined {
  const request = (storeOptions as { request?: unknown } | null | undefined)?.request;
  return typeof request === 'object' && request !== null ? request : undefined;
}

/**
 * The tenant each call talks to: the one of a fixed `domain`, or, with a {@link DomainResolver},
 * the one of the domain resolved for the request, the domain a transaction was started on, or the
 * domain a session was created on. Discovery and keys are cached per domain, in a bounded LRU: a
 * resolver fed by a request header cannot grow memory without limit.
 */
export class TenantDomains<TStoreOptions> {
  readonly #fixed: Tenant | undefined;
  readonly #resolver: DomainResolver<TStoreOptions> | undefined;
  readonly #tenants: LruCache<string, Tenant>;
  readonly #options: Omit<TenantOptions, 'address'>;

  constructor(
    domain: TenantAddress | DomainResolver<TStoreOptions>,
    options: Omit<TenantOptions, 'address'>,
  ) {
    this.#options = options;
    this.#tenants = new LruCache({ maxEntries: MAX_DOMAINS, now: Date.now });
    if (typeof domain === 'function') this.#resolver = domain;
    else this.#fixed = new Tenant({ ...options, address: domain });
  }

  /** Whether domains are resolved per call (multiple custom domains). */
  get resolved(): boolean {
    return this.#resolver !== undefined;
  }

  /** Domains with a cached tenant (discovery and keys), for `ServerClient.stats()`. */
  get size(): number {
    return this.#fixed ? 1 : this.#tenants.size;
  }

  /** The tenant of this call: the fixed one, or the one the resolver names for its request. */
  async current(storeOptions: TStoreOptions | undefined): Promise<Tenant> {
    if (this.#fixed) return this.#fixed;
    const request = requestOf(storeOptions);
    let domain: unknown;
    try {
      domain = await this.#resolver?.({
        requestUrl: typeof request?.url === 'string' ? request.url : undefined,
        requestHeaders: request?.headers,
        storeOptions,
      });
    } catch (cause) {
      throw new DomainResolverError('The domain resolver threw.', { cause });
    }
    const address = parseTenantAddress(domain);
    if (typeof address === 'string') {
      // Never a request to what the resolver returned unless it is a host (or loopback origin).
      throw new DomainResolverError(`The domain resolver returned no usable domain: ${address}`);
    }
    return this.#tenantAt(address);
  }

  /**
   * The tenant a transaction was started with, or undefined when it is not this client's: with a
   * fixed domain its issuer must be that domain's, with a resolver it must be a domain at all.
   */
  async ofTransaction(transaction: Pick<TransactionData, 'issuer'>): Promise<Tenant | undefined> {
    if (this.#fixed) {
      return transaction.issuer === (await this.#fixed.metadata()).issuer ? this.#fixed : undefined;
    }
    const address = parseTenantAddress(transaction.issuer.replace(/\/$/, ''));
    return typeof address === 'string' ? undefined : this.#tenantAt(address);
  }

  /**
   * The tenant a session belongs to, when it is the one of this call: always with a fixed domain;
   * with a resolver, the session's recorded domain (else its user's `iss`) must be the call's.
   * Throws `fail('missing_session_domain')` or `fail('domain_mismatch')` otherwise.
   */
  async ofSession<E extends Error>(
    session: SessionData,
    storeOptions: TStoreOptions | undefined,
    fail: (code: 'missing_session_domain' | 'domain_mismatch') => E,
  ): Promise<Tenant> {
    if (this.#fixed) return this.#fixed;
    const current = await this.current(storeOptions);
    const domain = sessionDomain(session);
    if (domain === undefined) throw fail('missing_session_domain');
    if (domain !== current.address.origin) throw fail('domain_mismatch');
    return current;
  }

  /**
   * The tenant of a domain the app itself recorded (an origin, e.g. in a sealed MFA token), or
   * undefined when it is not this client's: with a fixed domain it must be that domain.
   */
  atOrigin(origin: string): Tenant | undefined {
    if (this.#fixed) return this.#fixed.address.origin === origin ? this.#fixed : undefined;
    const address = parseTenantAddress(origin);
    return typeof address === 'string' ? undefined : this.#tenantAt(address);
  }

  /** Whether a session is visible to this call (with a resolver: created on the call's domain). */
  async shows(session: SessionData, storeOptions: TStoreOptions | undefined): Promise<boolean> {
    if (this.#fixed) return true;
    return sessionDomain(session) === (await this.current(storeOptions)).address.origin;
  }

  #tenantAt(address: TenantAddress): Tenant {
    let tenant = this.#tenants.get(address.origin);
    if (!tenant) {
      tenant = new Tenant({ ...this.#options, address });
      this.#tenants.set(address.origin, tenant);
    }
    return tenant;
  }
}

/**
 * The origin of the domain a session was created on: its recorded `domain`, else (sessions written
 * before domains were recorded) the origin of its user's `iss`.
 */
export function sessionDomain(session: Pick<SessionData, 'domain' | 'user'>): string | undefined {
  if (typeof session.domain === 'string') return session.domain;
  const iss = session.user.iss;
  if (typeof iss !== 'string') return undefined;
  const address = parseTenantAddress(iss.replace(/\/$/, ''));
  return typeof address === 'string' ? undefined : address.origin;
}
