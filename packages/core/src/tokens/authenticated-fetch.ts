import { isSecureOrLoopback } from '@gatehouse/base';
import { AuthenticatedFetchError, ConfigurationError } from '../errors.js';
import type { DpopProofs } from '../oidc/dpop.js';
import { sendWithToken } from '../oidc/dpop-fetch.js';
import type { TokenSet } from '../session/model.js';

/** Options of `authenticatedFetch`: which API's token to send. */
export interface AuthenticatedFetchOptions<TStoreOptions> {
  /** The API (its identifier): the token is for it, and only its origins receive it. */
  audience: string;
  /** Scopes the token must have (added to the configured ones). */
  scope?: string;
  storeOptions: TStoreOptions;
}

/** What the authenticated fetch needs from the client that owns it. */
export interface AuthenticatedFetchContext<TStoreOptions> {
  accessToken(options: {
    audience: string;
    scope?: string | undefined;
    forceRefresh?: boolean;
    storeOptions: TStoreOptions;
  }): Promise<TokenSet>;
  /** The `apiOrigins` option. */
  origins: Readonly<Record<string, string | readonly string[]>> | undefined;
  dpop: DpopProofs | undefined;
  fetch: typeof fetch;
}

/** Whether a 401 says the token itself was refused (expired, revoked): worth one refresh. */
const refusedToken = (response: Response) =>
  response.status === 401 &&
  /error="invalid_token"/i.test(response.headers.get('www-authenticate') ?? '');

/** A body that can be sent twice (a stream cannot: such a request is never retried). */
const replayable = (body: RequestInit['body']) =>
  body === undefined || body === null || !(body instanceof ReadableStream);

/** Checks the `apiOrigins` option's entries: absolute https (or loopback http) origins. */
export function resolveApiOrigins(
  option: Readonly<Record<string, string | readonly string[]>> | undefined,
): Map<string, Set<string>> {
  const origins = new Map<string, Set<string>>();
  for (const [audience, value] of Object.entries(option ?? {})) {
    const list = typeof value === 'string' ? [value] : value;
    const set = new Set<string>();
    for (const entry of list) {
      const url = URL.parse(entry);
      if (!url || url.origin === 'null' || !isSecureOrLoopback(url)) {
        throw new ConfigurationError(
          `apiOrigins.${audience}`,
          'takes https origins (plain http only on loopback), e.g. "https://api.example.com".',
        );
      }
      set.add(url.origin);
    }
    origins.set(audience, set);
  }
  return origins;
}

/**
 * Calls an API with the user's token for it: picks the token (refreshed when needed), sends it as
 * `Bearer`, or as `DPoP` with a proof bound to the method, URL and token, retries once when the
 * API asks for a DPoP nonce and once after a refresh when it refuses the token — and never sends
 * a token to an origin the app did not map to its audience (a URL from a user, a redirect, a
 * typo: the token stays home).
 */
export class AuthenticatedFetch<TStoreOptions> {
  readonly #origins: Map<string, Set<string>>;

  constructor(private readonly context: AuthenticatedFetchContext<TStoreOptions>) {
    this.#origins = resolveApiOrigins(context.origins);
  }

  /** The origins that may receive the audience's tokens. */
  originsOf(audience: string): ReadonlySet<string> {
    const mapped = this.#origins.get(audience);
    if (mapped) return mapped;
    const url = URL.parse(audience);
    return url?.protocol === 'https:' ? new Set([url.origin]) : new Set();
  }

  async fetch(
    input: string | URL,
    init: RequestInit,
    options: AuthenticatedFetchOptions<TStoreOptions>,
  ): Promise<Response> {
    const url = URL.parse(String(input));
    if (!url || !isSecureOrLoopback(url) || !this.originsOf(options?.audience).has(url.origin)) {
      throw new AuthenticatedFetchError(
        'origin_not_allowed',
        `${url?.origin ?? 'That URL'} is not an origin of ${options?.audience}: no token was sent. Map it in apiOrigins.`,
      );
    }
    const { audience, scope, storeOptions } = options;
    const send = async (forceRefresh: boolean) => {
      const token = await this.context.accessToken({ audience, scope, forceRefresh, storeOptions });
      try {
        return await sendWithToken(this.context.fetch, this.context.dpop, {
          url,
          method: (init.method ?? 'GET').toUpperCase(),
          headers: init.headers,
          body: init.body,
          accessToken: token.accessToken,
          tokenType: token.tokenType,
          signal: init.signal ?? undefined,
        });
      } catch (cause) {
        if ((cause as { code?: unknown }).code === 'dpop_key_missing') throw cause;
        throw new AuthenticatedFetchError(
          'fetch_failed',
          `The request to ${url.origin} failed: ${(cause as Error).message}`,
          { cause },
        );
      }
    };
    const response = await send(false);
    if (refusedToken(response) && replayable(init.body)) return send(true);
    return response;
  }
}
