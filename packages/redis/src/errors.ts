import { Auth0Error } from '@gatehouse/core';

/** Stable codes of the errors this package throws. */
export type RedisSessionErrorCode = 'session_store_unavailable';

/**
 * Redis did not answer (connection refused or lost, command timed out, cluster down). The session
 * is neither "absent" nor lost: the request should fail with 503 and be retried; ioredis reconnects
 * by itself. The framework packages answer `status` with `headers`; other apps map it the same
 * way (`error.code === 'session_store_unavailable'`).
 *
 * @example
 * ```ts
 * try {
 *   user = await client.getUser({ storeOptions });
 * } catch (error) {
 *   if (error instanceof SessionStoreUnavailableError) {
 *     res.writeHead(error.status, error.headers).end('Try again in a moment.');
 *     return;
 *   }
 *   throw error;
 * }
 * ```
 */
export class SessionStoreUnavailableError extends Auth0Error {
  override name = 'SessionStoreUnavailableError';
  declare readonly code: RedisSessionErrorCode;
  /** The HTTP status to answer with: 503 Service Unavailable (clients may retry after `retry-after`). */
  declare readonly status: 503;

  constructor(
    /** What the backend was doing: `get`, `set`, `delete` or `deleteByLogout`. */
    readonly operation: string,
    options: { cause: unknown },
  ) {
    const reason = options.cause instanceof Error ? options.cause.message : String(options.cause);
    super(
      'session_store_unavailable',
      `The Redis session store did not answer (${operation}: ${reason}). No session was changed ` +
        'or ended; answer 503 and retry once Redis is reachable.',
      { cause: options.cause, status: 503, headers: { 'retry-after': '2' } },
    );
  }

  /** @deprecated Read `status`, as on every Gatehouse error. */
  get statusCode(): number {
    return 503;
  }
}
