import {
  cacheControlMaxAge,
  expectOk,
  fetchableUrl,
  HttpError,
  type HttpPolicy,
  readJsonObject,
  send,
} from '../http.js';
import { KeySet } from './key-set.js';

/**
 * The two documents the verifier reads from a tenant, each as a request function and a separate
 * function that validates the response (the oauth4webapi split), so every rule can be tested on a
 * crafted `Response`.
 */

/** What a fetched document yields: its value and how long the tenant says it stays fresh. */
export interface Fetched<T> {
  value: T;
  /** `Cache-Control: max-age`, in seconds, if the response had one. */
  maxAge: number | undefined;
}

/** The parts of the tenant's OpenID Provider metadata we use. */
export interface IssuerMetadata {
  issuer: string;
  jwksUri: URL;
  tokenEndpoint: URL | undefined;
}

/** Fetches `{issuer}.well-known/openid-configuration` (OpenID Connect Discovery 1.0 §4). */
export function discoveryRequest(issuer: string, policy: HttpPolicy): Promise<Response> {
  const url = fetchableUrl(new URL('.well-known/openid-configuration', issuer));
  return send(url, policy, { headers: { accept: 'application/json' } });
}

async function readDocument(response: Response, what: string, maxBytes: number) {
  try {
    expectOk(response, what);
  } catch (error) {
    await response.body?.cancel().catch(() => undefined);
    throw error;
  }
  return readJsonObject(response, maxBytes);
}

/**
 * The parts of a discovery document we use, checked: the `issuer` must equal the expected one
 * exactly (RFC 8414 §3.3, the first issuer binding of auth0-api-python), `jwks_uri` must be
 * fetchable and on the issuer's origin, and `token_endpoint`, when present, fetchable. For a
 * document the caller already fetched and parsed (a web app's discovery).
 */
export function issuerMetadataOf(
  document: Readonly<Record<string, unknown>>,
  expectedIssuer: string,
): IssuerMetadata {
  if (document.issuer !== expectedIssuer) {
    throw new HttpError('discovery names another issuer than the one asked for');
  }
  if (typeof document.jwks_uri !== 'string') throw new HttpError('discovery has no jwks_uri');
  const jwksUri = fetchableUrl(document.jwks_uri);
  // A jwks_uri elsewhere would let whoever controls the discovery document choose our keys' host.
  if (jwksUri.origin !== new URL(expectedIssuer).origin) {
    throw new HttpError('discovery jwks_uri is not on the issuer origin');
  }
  const tokenEndpoint =
    typeof document.token_endpoint === 'string' ? fetchableUrl(document.token_endpoint) : undefined;
  return { issuer: expectedIssuer, jwksUri, tokenEndpoint };
}

/** Validates a discovery response (OpenID Connect Discovery 1.0 §4) with {@link issuerMetadataOf}. */
export async function processDiscoveryResponse(
  response: Response,
  expectedIssuer: string,
  maxBytes: number,
): Promise<Fetched<IssuerMetadata>> {
  const body = await readDocument(response, 'discovery', maxBytes);
  return {
    value: issuerMetadataOf(body, expectedIssuer),
    maxAge: cacheControlMaxAge(response.headers.get('cache-control')),
  };
}

/** Fetches a JWK Set (RFC 7517 §5). */
export function jwksRequest(jwksUri: URL, policy: HttpPolicy): Promise<Response> {
  return send(fetchableUrl(jwksUri), policy, {
    headers: { accept: 'application/jwk-set+json, application/json' },
  });
}

/** Validates a JWKS response into a {@link KeySet}, reusing `previous`'s imported keys. */
export async function processJwksResponse(
  response: Response,
  maxBytes: number,
  previous?: KeySet,
): Promise<Fetched<KeySet>> {
  const body = await readDocument(response, 'JWKS', maxBytes);
  if (!Array.isArray(body.keys)) throw new HttpError('JWKS has no keys array');
  const keys = KeySet.fromJwks({ keys: body.keys }, previous);
  if (keys.size === 0) throw new HttpError('JWKS has no usable signing key');
  return { value: keys, maxAge: cacheControlMaxAge(response.headers.get('cache-control')) };
}
