import { CachedDocument, type FreshnessPolicy } from '../cache/cached-document.js';
import { LruCache } from '../cache/lru.js';
import { UnknownKeyError } from '../errors.js';
import type { HttpPolicy } from '../http.js';
import type { PublicKey } from '../jwt/jwk.js';
import type { Logger } from '../logger.js';
import {
  discoveryRequest,
  type Fetched,
  type IssuerMetadata,
  jwksRequest,
  processDiscoveryResponse,
  processJwksResponse,
} from './documents.js';
import type { KeySet } from './key-set.js';

/** How keys are fetched and refetched for one issuer. Durations in seconds. */
export interface KeyPolicy extends FreshnessPolicy {
  /** Least time between two refetches caused by an unknown `kid`. */
  refetchCooldown: number;
  /** Most refetches caused by unknown `kid`s in any minute (a token bucket). */
  refetchesPerMinute: number;
  /** Most unknown `kid`s remembered, so they fail without a refetch. */
  unknownKeyIds: number;
  /** How long an unknown `kid` is remembered. */
  unknownKeyIdTtl: number;
}

/**
 * The key policy both `@gatehouse/api` (its `cache` options' defaults) and `@gatehouse/core` (ID
 * and logout tokens) use: keys fresh for a `Cache-Control` max-age between 1 and 10 minutes,
 * last-known-good keys for an hour of tenant outage, an unknown `kid` refetched at once but at
 * most once per 5 seconds and 6 times a minute, 1,000 unknown `kid`s remembered for 30 seconds.
 */
export const DEFAULT_KEY_POLICY: Readonly<KeyPolicy> = Object.freeze({
  minAge: 60,
  maxAge: 600,
  staleIfError: 3600,
  failureBackoff: 30,
  refetchCooldown: 5,
  refetchesPerMinute: 6,
  unknownKeyIds: 1000,
  unknownKeyIdTtl: 30,
});

/** What every issuer's key cache shares. */
export interface KeyContext {
  policy: KeyPolicy;
  http: HttpPolicy;
  now: () => number;
  logger: Logger | undefined;
  /**
   * Where an issuer's metadata comes from, when the caller already reads its discovery document
   * (a web app does, for every other endpoint): one fetch instead of two. Default: fetched here,
   * from `{issuer}.well-known/openid-configuration`, with the checks of
   * {@link processDiscoveryResponse}.
   */
  discover?: ((issuer: string) => Promise<Fetched<IssuerMetadata>>) | undefined;
}

const unknownKey = (message: string) => new UnknownKeyError(message);

/**
 * The discovery document and signing keys of one issuer. An unknown `kid` triggers a JWKS refetch,
 * so a key rotation is picked up by the first token signed with the new key; refetches are
 * single-flight, spaced by a short cooldown and limited by a small per-minute budget, and `kid`s
 * found absent are remembered in a bounded cache, so random `kid`s grow neither memory nor traffic
 * (SECURITY.md rule 16).
 */
export class IssuerKeys {
  readonly #context: KeyContext;
  readonly #discovery: CachedDocument<IssuerMetadata>;
  /** The JWKS of the `jwks_uri` named by `source`, the discovery document last seen. */
  #jwks: { source: IssuerMetadata; document: CachedDocument<KeySet> } | undefined;
  readonly #unknownKids: LruCache<string, true>;
  #lastRefetchAt = Number.NEGATIVE_INFINITY;
  #budget: { tokens: number; at: number };
  #fetches = 0;

  constructor(
    /** The issuer, exactly as tokens and discovery name it. */
    readonly issuer: string,
    context: KeyContext,
  ) {
    this.#context = context;
    const { http, policy, now, logger } = context;
    this.#discovery = new CachedDocument({
      describe: `discovery of ${issuer}`,
      load: async () => {
        if (context.discover) return context.discover(issuer);
        this.#fetches += 1;
        return processDiscoveryResponse(
          await discoveryRequest(issuer, http),
          issuer,
          http.maxResponseBytes,
        );
      },
      policy,
      now,
      logger,
    });
    this.#unknownKids = new LruCache({ maxEntries: policy.unknownKeyIds, now });
    this.#budget = { tokens: policy.refetchesPerMinute, at: now() };
  }

  /** The issuer's metadata (discovery), cached. */
  metadata(): Promise<IssuerMetadata> {
    return this.#discovery.get();
  }

  /** The current keys: fresh, refreshed, or last-known-good while the tenant is unreachable. */
  async keySet(): Promise<KeySet> {
    return (await this.#jwksDocument()).get();
  }

  /**
   * The keys published under `kid` when the discovery document and the JWKS are both fresh and
   * list it: answered without I/O or a promise. Undefined means "ask {@link keysFor}", which
   * fetches, refetches for an unknown `kid` and throws; it never means the key is absent.
   */
  freshKeysFor(kid: string): readonly PublicKey[] | undefined {
    return this.freshKeySet()?.get(kid);
  }

  /** The current keys if fresh, without I/O; undefined means "ask {@link keySet}". */
  freshKeySet(): KeySet | undefined {
    const jwks = this.#jwks;
    // By identity: a refreshed discovery document goes through #jwksDocument once, which compares
    // its jwks_uri and adopts it.
    if (jwks === undefined || this.#discovery.fresh() !== jwks.source) return undefined;
    return jwks.document.fresh();
  }

  /**
   * The keys published under `kid`, refetching the JWKS once when the `kid` is unknown and the
   * refetch budget allows. Throws `unknown_key` when the `kid` is not published.
   */
  async keysFor(kid: string): Promise<readonly PublicKey[]> {
    const document = await this.#jwksDocument();
    // Fetches that start after this point can be trusted to know about the token's key: the
    // tenant publishes a key before it signs with it.
    const asOf = document.sequence;
    const found = (await document.get()).get(kid);
    if (found) return found;
    if (this.#unknownKids.get(kid)) throw unknownKey('The kid was absent from a recent JWKS');
    if (document.pending) {
      // Another request is already refetching: share its result.
      const refetched = (await document.pending.catch(() => undefined))?.get(kid);
      if (refetched) return refetched;
    }
    if (document.heldSequence > asOf) return this.#absentFromFreshKeys(document, kid);
    if (!this.#takeRefetch()) {
      this.#context.logger?.debug(
        { issuer: this.issuer },
        'gatehouse: unknown kid, JWKS refetch refused by the cooldown or budget',
      );
      throw unknownKey(
        'The kid is unknown and no JWKS refetch is allowed yet (cooldown or budget)',
      );
    }
    try {
      await document.refresh();
    } catch {
      throw unknownKey('The kid is unknown and the JWKS could not be refetched');
    }
    return this.#absentFromFreshKeys(document, kid);
  }

  /** Fetches discovery and keys now, so the first request does not wait for them. */
  async warmUp(): Promise<void> {
    await this.keySet();
  }

  /** Counters, to watch memory and traffic (`ApiClient.stats()`). */
  stats(): { fetches: number; unknownKeyIds: number; keys: number } {
    return {
      fetches: this.#fetches,
      unknownKeyIds: this.#unknownKids.size,
      keys: this.#jwks?.document.peek()?.size ?? 0,
    };
  }

  #absentFromFreshKeys(document: CachedDocument<KeySet>, kid: string): readonly PublicKey[] {
    const found = document.peek()?.get(kid);
    if (found) return found;
    const { now, policy } = this.#context;
    this.#unknownKids.set(kid, true, now() + policy.unknownKeyIdTtl * 1000);
    throw unknownKey('The kid is not in the JWKS');
  }

  /** Takes one refetch from the cooldown and the per-minute token bucket, if both allow. */
  #takeRefetch(): boolean {
    const { now: clock, policy } = this.#context;
    const now = clock();
    if (now - this.#lastRefetchAt < policy.refetchCooldown * 1000) return false;
    const refill = ((now - this.#budget.at) / 60_000) * policy.refetchesPerMinute;
    const tokens = Math.min(policy.refetchesPerMinute, this.#budget.tokens + refill);
    this.#budget = { tokens, at: now };
    if (tokens < 1) return false;
    this.#budget.tokens -= 1;
    this.#lastRefetchAt = now;
    return true;
  }

  async #jwksDocument(): Promise<CachedDocument<KeySet>> {
    const metadata = await this.#discovery.get();
    const { jwksUri } = metadata;
    if (this.#jwks && this.#jwks.source.jwksUri.href === jwksUri.href) {
      this.#jwks.source = metadata;
      return this.#jwks.document;
    }
    const previous = this.#jwks?.document;
    const { http, policy, now, logger } = this.#context;
    const document = new CachedDocument<KeySet>({
      describe: `JWKS of ${this.issuer}`,
      load: async (held) => {
        this.#fetches += 1;
        return processJwksResponse(
          await jwksRequest(jwksUri, http),
          http.maxResponseBytes,
          held ?? previous?.peek(),
        );
      },
      policy,
      now,
      logger,
    });
    this.#jwks = { source: metadata, document };
    return document;
  }
}

/**
 * Key caches of every issuer seen, bounded: with a `domains` resolver the set of issuers is open,
 * so the least recently used issuer's cache is dropped past `maxIssuers`.
 */
export class KeyStore {
  readonly #issuers: LruCache<string, IssuerKeys>;
  readonly #context: KeyContext;

  constructor(context: KeyContext, maxIssuers: number) {
    this.#context = context;
    this.#issuers = new LruCache({ maxEntries: maxIssuers, now: context.now });
  }

  /** The key cache of an issuer that has passed the allow-list. */
  forIssuer(issuer: string): IssuerKeys {
    let keys = this.#issuers.get(issuer);
    if (!keys) {
      keys = new IssuerKeys(issuer, this.#context);
      this.#issuers.set(issuer, keys);
    }
    return keys;
  }

  /** Totals over the issuers cached now (`ApiClient.stats()`). */
  stats(): { issuers: number; fetches: number; unknownKeyIds: number; keys: number } {
    const totals = { issuers: this.#issuers.size, fetches: 0, unknownKeyIds: 0, keys: 0 };
    for (const issuer of this.#issuers.values()) {
      const stats = issuer.stats();
      totals.fetches += stats.fetches;
      totals.unknownKeyIds += stats.unknownKeyIds;
      totals.keys += stats.keys;
    }
    return totals;
  }
}
