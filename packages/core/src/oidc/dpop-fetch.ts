import { DpopError } from '../errors.js';
import type { DpopProofs } from './dpop.js';

/** Token Vault's grant: its token is the upstream provider's, never the tenant's, so never bound. */
const UNBOUND_GRANTS = new Set([
  'urn:auth0:params:oauth:grant-type:token-exchange:federated-connection-access-token',
]);

/** The `grant_type` of a token request's body (a form, or JSON for the passkey grant). */
function grantTypeOf(body: unknown): string | undefined {
  if (body instanceof URLSearchParams) return body.get('grant_type') ?? undefined;
  if (typeof body !== 'string') return undefined;
  try {
    const parsed: unknown = body.trimStart().startsWith('{')
      ? JSON.parse(body)
      : Object.fromEntries(new URLSearchParams(body));
    const value = (parsed as { grant_type?: unknown } | null)?.grant_type;
    return typeof value === 'string' ? value : undefined;
  } catch {
    return undefined;
  }
}

/** A response's JSON object body, read from a clone (the caller still reads the original). */
async function jsonOf(response: Response): Promise<Record<string, unknown> | undefined> {
  if (!/json/i.test(response.headers.get('content-type') ?? '')) return undefined;
  try {
    const body: unknown = await response.clone().json();
    return typeof body === 'object' && body !== null
      ? (body as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

const withHeader = (init: RequestInit | undefined, name: string, value: string): RequestInit => {
  const headers = new Headers(init?.headers);
  headers.set(name, value);
  return { ...init, headers };
};

/**
 * The fetch of every request to the tenant, which turns token requests (POSTs to the token
 * endpoint) into DPoP requests when the app has a key: a proof on each, one retry when the tenant
 * asks for a nonce (`use_dpop_nonce`), and a refused downgrade — a Bearer answer to a proof, or a
 * DPoP answer to a request without one — so a token is never stored as what it is not (RFC 9449
 * §5; the Python SDK refuses the same on its passkey path). Other requests pass through untouched.
 */
export function tokenEndpointFetch(
  base: typeof fetch,
  proofs: DpopProofs | undefined,
  tokenEndpoint: () => Promise<string | undefined>,
): typeof fetch {
  return async (input, init) => {
    const method = (init?.method ?? 'GET').toUpperCase();
    if (method !== 'POST') return base(input, init);
    const url = new URL(input instanceof Request ? input.url : String(input));
    if (url.href !== (await tokenEndpoint())) return base(input, init);
    const grantType = grantTypeOf(init?.body);
    const send = async () =>
      base(input, proofs ? withHeader(init, 'dpop', await proofs.proof('POST', url)) : init);
    let response = await send();
    if (proofs && response.status === 400 && proofs.rememberNonce(url, response)) {
      const body = await jsonOf(response);
      if (body?.error === 'use_dpop_nonce') response = await send();
    }
    await checkTokenType(response, proofs !== undefined, grantType);
    return response;
  };
}

async function checkTokenType(response: Response, proofSent: boolean, grantType?: string) {
  const body = await jsonOf(response);
  if (!body) return;
  if (response.status !== 200) {
    const description = typeof body.error_description === 'string' ? body.error_description : '';
    if (!proofSent && /\bDPoP\b/.test(description) && body.error !== 'use_dpop_nonce') {
      throw new DpopError(
        'dpop_key_missing',
        `The tenant requires DPoP (${description}): configure dpop.privateKey.`,
      );
    }
    return;
  }
  const type = typeof body.token_type === 'string' ? body.token_type.toLowerCase() : undefined;
  if (type === 'n_a' || (grantType && UNBOUND_GRANTS.has(grantType))) return;
  if (proofSent && type !== 'dpop') {
    throw new DpopError(
      'dpop_token_type_mismatch',
      `A DPoP-bound token was asked for and the tenant answered token_type ${String(body.token_type)}: refused.`,
    );
  }
  if (!proofSent && type === 'dpop') {
    throw new DpopError(
      'dpop_token_type_mismatch',
      'The tenant answered a DPoP token to a request without a proof: refused.',
    );
  }
}

/** An access token and how it is presented: Bearer, or DPoP for a DPoP-bound one. */
export interface AccessTokenCredential {
  accessToken: string;
  tokenType?: 'DPoP' | undefined;
}

/** What a resource request with an access token needs. */
export interface TokenRequest {
  url: URL;
  method: string;
  headers?: HeadersInit | undefined;
  body?: RequestInit['body'] | undefined;
  accessToken: string;
  /** `DPoP` for a DPoP-bound token (sent as `Authorization: DPoP` with a proof), else Bearer. */
  tokenType?: 'DPoP' | undefined;
  signal?: AbortSignal | undefined;
}

/** Whether a 401 asks for a DPoP nonce (`WWW-Authenticate: DPoP error="use_dpop_nonce"`). */
const asksForNonce = (response: Response) =>
  response.status === 401 &&
  /^\s*DPoP\b[\s\S]*error="use_dpop_nonce"/i.test(response.headers.get('www-authenticate') ?? '');

/**
 * Sends a request with an access token: `Authorization: Bearer …`, or, for a DPoP-bound token,
 * `Authorization: DPoP …` with a proof bound to the method, the URL and the token (`ath`), and
 * one retry when the server asks for a nonce. Redirects are returned, never followed (a token must
 * not follow a redirect to another origin).
 */
export async function sendWithToken(
  fetchFn: typeof fetch,
  proofs: DpopProofs | undefined,
  request: TokenRequest,
): Promise<Response> {
  if (request.tokenType === 'DPoP' && !proofs) {
    throw new DpopError(
      'dpop_key_missing',
      'The token is DPoP-bound and no dpop.privateKey is configured.',
    );
  }
  const send = async () => {
    const headers = new Headers(request.headers);
    if (request.tokenType === 'DPoP' && proofs) {
      headers.set('authorization', `DPoP ${request.accessToken}`);
      headers.set('dpop', await proofs.proof(request.method, request.url, request.accessToken));
    } else {
      headers.set('authorization', `Bearer ${request.accessToken}`);
    }
    return fetchFn(request.url, {
      method: request.method,
      headers,
      body: request.body ?? null,
      redirect: 'manual',
      ...(request.signal ? { signal: request.signal } : {}),
    });
  };
  const response = await send();
  if (
    request.tokenType === 'DPoP' &&
    proofs &&
    !(request.body instanceof ReadableStream) &&
    asksForNonce(response) &&
    proofs.rememberNonce(request.url, response)
  ) {
    return send();
  }
  if (proofs && request.tokenType === 'DPoP') proofs.rememberNonce(request.url, response);
  return response;
}
