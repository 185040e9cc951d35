import { KeysUnavailableError } from '../errors.js';
import type { Fetched } from '../jwks/documents.js';
import type { Logger } from '../logger.js';

/** How long a fetched document is kept, and what happens when refreshing it fails. Seconds. */
export interface FreshnessPolicy {
  /** Floor on the freshness a `Cache-Control: max-age` may ask for. */
  minAge: number;
  /** Ceiling on it, and the freshness when the response says nothing. */
  maxAge: number;
  /** How long after it goes stale a document still serves when refreshing fails. */
  staleIfError: number;
  /** After a failed fetch, how long no new fetch is tried (failures are remembered, not retried per request). */
  failureBackoff: number;
}

interface Held<T> {
  value: T;
  freshUntil: number;
  /** Which fetch produced it: see {@link CachedDocument.sequence}. */
  sequence: number;
}

/**
 * One remote document (a discovery document, a JWKS) with the fetch discipline that SECURITY.md
 * rules 16 and 17 ask for: fresh for `Cache-Control: max-age` within a floor and a ceiling; one fetch
 * at a time (single-flight), shared by every caller; last-known-good value served for a bounded
 * time when a refresh fails; and a failure remembered for a backoff period, so an outage at the
 * tenant does not turn every request into a fetch.
 */
export class CachedDocument<T> {
  #held: Held<T> | undefined;
  #inflight: Promise<T> | undefined;
  #failure: { error: Error; retryAt: number } | undefined;
  #started = 0;

  constructor(
    private readonly options: {
      /** What the document is, for messages: e.g. `JWKS of https://tenant/`. */
      describe: string;
      load: (previous: T | undefined) => Promise<Fetched<T>>;
      policy: FreshnessPolicy;
      now: () => number;
      logger: Logger | undefined;
    },
  ) {}

  /** Fetches started so far. A value whose sequence is above a number read earlier came later. */
  get sequence(): number {
    return this.#started;
  }

  /** The sequence of the fetch that produced the value held, 0 if none. */
  get heldSequence(): number {
    return this.#held?.sequence ?? 0;
  }

  /** The fetch under way, if any. */
  get pending(): Promise<T> | undefined {
    return this.#inflight;
  }

  /** The value held, fresh or not, without any I/O. */
  peek(): T | undefined {
    return this.#held?.value;
  }

  /** The value held while it is fresh, without any I/O: the path of nearly every request. */
  fresh(): T | undefined {
    const held = this.#held;
    return held && this.options.now() < held.freshUntil ? held.value : undefined;
  }

  /**
   * The document: the held value while fresh, otherwise a refreshed one; if refreshing fails, the
   * held value while within `staleIfError`, otherwise a {@link KeysUnavailableError}.
   */
  async get(): Promise<T> {
    const fresh = this.fresh();
    if (fresh !== undefined) return fresh;
    try {
      return await this.refresh();
    } catch (error) {
      return this.#lastKnownGood(error as Error);
    }
  }

  /**
   * Fetches now, joining a fetch under way; during the backoff after a failure, fails at once
   * without a request.
   */
  refresh(): Promise<T> {
    if (this.#inflight) return this.#inflight;
    const now = this.options.now();
    if (this.#failure && now < this.#failure.retryAt) return Promise.reject(this.#failure.error);
    const sequence = ++this.#started;
    const flight = this.options.load(this.#held?.value).then(
      ({ value, maxAge }) => {
        const { minAge, maxAge: ceiling } = this.options.policy;
        const ttl = Math.min(Math.max(maxAge ?? ceiling, minAge), ceiling);
        this.#held = { value, freshUntil: this.options.now() + ttl * 1000, sequence };
        this.#failure = undefined;
        return value;
      },
      (error: Error) => {
        this.#failure = {
          error,
          retryAt: this.options.now() + this.options.policy.failureBackoff * 1000,
        };
        this.options.logger?.warn(
          { document: this.options.describe, reason: error.message },
          'gatehouse: fetch failed',
        );
        throw error;
      },
    );
    this.#inflight = flight;
    const clear = () => {
      if (this.#inflight === flight) this.#inflight = undefined;
    };
    flight.then(clear, clear);
    return flight;
  }

  #lastKnownGood(error: Error): T {
    const held = this.#held;
    const { staleIfError, failureBackoff } = this.options.policy;
    const now = this.options.now();
    if (held && now <= held.freshUntil + staleIfError * 1000) {
      this.options.logger?.debug(
        { document: this.options.describe, staleFor: Math.round((now - held.freshUntil) / 1000) },
        'gatehouse: serving last-known-good document while the tenant is unreachable',
      );
      return held.value;
    }
    throw new KeysUnavailableError({
      message: held
        ? `${this.options.describe} could not be refreshed (${error.message}) and the last good copy is more than ${staleIfError} s stale`
        : `${this.options.describe} could not be fetched: ${error.message}`,
      retryAfter: failureBackoff,
      cause: error,
    });
  }
}
