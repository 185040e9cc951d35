import { isSecureOrLoopback } from './tenant-address.js';

/**
 * The only way Gatehouse's own HTTP client reads from the network: https only (plain http for loopback hosts, the
 * local dev tenant), no redirects, a timeout, and a cap on the response size (SECURITY.md rule 17).
 */

/** How requests to a tenant are made. */
export interface HttpPolicy {
  fetch: typeof fetch;
  /** Milliseconds before a request is aborted. */
  timeout: number;
  /** Largest response body read, in bytes. */
  maxResponseBytes: number;
}

/** A request to the tenant that could not be made or answered usefully. */
export class HttpError extends Error {
  override readonly name = 'HttpError';
}

/**
 * Parses a URL we are about to fetch and refuses anything but https (or http to a loopback host),
 * and URLs with credentials.
 */
export function fetchableUrl(value: unknown): URL {
  let url: URL;
  try {
    url = new URL(String(value));
  } catch {
    throw new HttpError('not a URL');
  }
  if (!isSecureOrLoopback(url)) {
    throw new HttpError(
      `${url.origin} is not https (plain http is allowed only for loopback hosts)`,
    );
  }
  if (url.username || url.password) throw new HttpError('URLs with credentials are not fetched');
  return url;
}

/** Sends one request under the policy; redirects are returned, never followed. */
export async function send(
  url: URL,
  policy: HttpPolicy,
  init: RequestInit = {},
): Promise<Response> {
  try {
    return await policy.fetch(url, {
      ...init,
      redirect: 'manual',
      signal: AbortSignal.timeout(policy.timeout),
    });
  } catch (cause) {
    const reason =
      cause instanceof Error && cause.name === 'TimeoutError'
        ? `timed out after ${policy.timeout} ms`
        : `failed: ${cause instanceof Error ? (cause.cause as Error | undefined)?.message || cause.message : String(cause)}`;
    throw new HttpError(`request to ${url.origin}${url.pathname} ${reason}`, { cause });
  }
}

/**
 * Reads a response body as a JSON object, reading at most `maxBytes`: a `Content-Length` above the
 * cap is refused before reading, and a body that grows past it is cut off.
 */
export async function readJsonObject(
  response: Response,
  maxBytes: number,
): Promise<Record<string, unknown>> {
  const declared = Number(response.headers.get('content-length') ?? Number.NaN);
  if (declared > maxBytes) {
    await response.body?.cancel().catch(() => undefined);
    throw new HttpError(`response of ${declared} bytes is over the ${maxBytes}-byte cap`);
  }
  const chunks: Uint8Array[] = [];
  let size = 0;
  if (response.body) {
    const reader = response.body.getReader();
    for (;;) {
      const { done, value } = await reader.read().catch((cause: unknown) => {
        throw new HttpError('response body could not be read', { cause });
      });
      if (done) break;
      size += value.byteLength;
      if (size > maxBytes) {
        await reader.cancel().catch(() => undefined);
        throw new HttpError(`response is over the ${maxBytes}-byte cap`);
      }
      chunks.push(value);
    }
  }
  let body: unknown;
  try {
    body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    throw new HttpError('response is not JSON');
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new HttpError('response is not a JSON object');
  }
  return body as Record<string, unknown>;
}

/** Checks the status of a response we read a document from: 200 only, and never a redirect. */
export function expectOk(response: Response, what: string): void {
  if (response.status >= 300 && response.status < 400) {
    throw new HttpError(
      `${what} answered with a redirect (${response.status}); redirects are not followed`,
    );
  }
  if (response.status !== 200) throw new HttpError(`${what} answered with HTTP ${response.status}`);
}

/**
 * `max-age` of a `Cache-Control` header in seconds (RFC 9111 §5.2.2.1), 0 for `no-store` and
 * `no-cache`, undefined when the header says nothing about freshness.
 */
export function cacheControlMaxAge(header: string | null): number | undefined {
  if (!header) return undefined;
  const directives = header
    .toLowerCase()
    .split(',')
    .map((part) => part.trim());
  if (directives.includes('no-store') || directives.includes('no-cache')) return 0;
  for (const directive of directives) {
    const match = /^max-age\s*=\s*"?(\d+)"?$/.exec(directive);
    if (match) return Number(match[1]);
  }
  return undefined;
}
