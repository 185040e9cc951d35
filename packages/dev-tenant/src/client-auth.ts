import { timingSafeEqual } from 'node:crypto';
import { createLocalJWKSet, type JSONWebKeySet, jwtVerify } from 'jose';
import type { DevClientConfig } from './config.js';
import type { TenantState } from './tenant-state.js';

const JWT_BEARER = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

/** The credentials a request may carry: its `Authorization` header and its body's fields. */
export interface ClientCredentialsSource {
  authorization: string;
  /** A field of the request body (form or JSON), if present as a string. */
  param(name: string): string | undefined;
}

/**
 * Authenticates the client of a request that oidc-provider does not see as a token request: the
 * MFA API's `/mfa/challenge` (JSON, with `client_id` and `client_secret` or `client_assertion` in
 * the body, as Auth0 takes them), and a refresh the tenant answers with `mfa_required` before
 * oidc-provider would authenticate it. The same methods oidc-provider takes: `client_secret_basic`,
 * `client_secret_post` (a client with a secret may use either, as at Auth0), `private_key_jwt`
 * (the assertion's audience being the domain's issuer, its token endpoint, or `endpoint`, the URL
 * of the endpoint the request is made to). Resolves to the client, or undefined when the request
 * does not prove to be it.
 */
export async function authenticateClient(
  state: TenantState,
  issuer: string,
  source: ClientCredentialsSource,
  endpoint?: string,
): Promise<DevClientConfig | undefined> {
  const basic = /^Basic (.+)$/i.exec(source.authorization)?.[1];
  if (basic) {
    const decoded = Buffer.from(basic, 'base64').toString('utf8');
    const separator = decoded.indexOf(':');
    if (separator < 0) return undefined;
    // RFC 6749 §2.3.1: both halves are form-urlencoded before they are joined.
    const id = safeDecode(decoded.slice(0, separator));
    const secret = safeDecode(decoded.slice(separator + 1));
    return bySecret(state, id, secret);
  }
  const clientId = source.param('client_id');
  const secret = source.param('client_secret');
  if (clientId && secret) return bySecret(state, clientId, secret);
  const assertion = source.param('client_assertion');
  if (source.param('client_assertion_type') === JWT_BEARER && assertion) {
    return byAssertion(state, issuer, assertion, clientId, endpoint);
  }
  return undefined;
}

function safeDecode(value: string): string | undefined {
  try {
    return decodeURIComponent(value.replace(/\+/g, ' '));
  } catch {
    return undefined;
  }
}

function bySecret(
  state: TenantState,
  clientId: string | undefined,
  secret: string | undefined,
): DevClientConfig | undefined {
  const client = state.config.clients.find((candidate) => candidate.clientId === clientId);
  if (!client?.clientSecret || secret === undefined) return undefined;
  if (client.tokenEndpointAuthMethod === 'private_key_jwt') return undefined;
  const expected = Buffer.from(client.clientSecret);
  const given = Buffer.from(secret);
  return expected.length === given.length && timingSafeEqual(expected, given) ? client : undefined;
}

async function byAssertion(
  state: TenantState,
  issuer: string,
  assertion: string,
  clientId: string | undefined,
  endpoint: string | undefined,
): Promise<DevClientConfig | undefined> {
  const claimed = clientId ?? unverifiedIssuer(assertion);
  const client = state.config.clients.find((candidate) => candidate.clientId === claimed);
  if (!client?.jwks) return undefined;
  try {
    await jwtVerify(assertion, createLocalJWKSet(client.jwks as JSONWebKeySet), {
      issuer: client.clientId,
      subject: client.clientId,
      audience: [issuer, `${issuer}oauth/token`, ...(endpoint ? [endpoint] : [])],
      requiredClaims: ['exp'],
    });
    return client;
  } catch {
    return undefined;
  }
}

/** The `iss` of an assertion before it is verified: which client's keys to verify it with. */
function unverifiedIssuer(assertion: string): string | undefined {
  try {
    const payload = JSON.parse(Buffer.from(assertion.split('.')[1] ?? '', 'base64url').toString());
    return typeof payload.iss === 'string' ? payload.iss : undefined;
  } catch {
    return undefined;
  }
}
