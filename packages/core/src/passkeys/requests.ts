import { fetchableUrl, send } from '@gatehouse/base';
import * as oauth from 'oauth4webapi';
import { PasskeyError } from '../errors.js';
import type { Tenant } from '../oidc/tenant.js';
import { callTenantApi, type TenantApiAnswer, withClientAuth } from '../oidc/tenant-api.js';
import { withoutIdToken } from '../oidc/token-response.js';
import type { PasskeyAuthResponse, PasskeyChallenge, PasskeyPublicKeyOptions } from './types.js';

/** Auth0's grant for a passkey sign-up or sign-in. */
export const WEBAUTHN_GRANT = 'urn:okta:params:oauth:grant-type:webauthn';
/** Auth0's passkey challenge endpoints. */
export const PASSKEY_REGISTER_PATH = '/passkey/register';
export const PASSKEY_CHALLENGE_PATH = '/passkey/challenge';

const text = (value: unknown) => (typeof value === 'string' ? value : undefined);

/**
 * `POST /passkey/register` or `/passkey/challenge` with a JSON body, the client authenticated in
 * it as Auth0 takes it there: `{ authn_params_public_key: { challenge, ... }, auth_session }`, or
 * the tenant's refusal as `passkey_challenge_error` (its `error` in `tenantError`).
 */
export async function requestPasskeyChallenge(
  tenant: Tenant,
  path: typeof PASSKEY_REGISTER_PATH | typeof PASSKEY_CHALLENGE_PATH,
  fields: Record<string, unknown>,
): Promise<PasskeyChallenge> {
  let answer: TenantApiAnswer;
  try {
    answer = await callTenantApi(tenant, path, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify(await withClientAuth(tenant, fields)),
    });
  } catch (cause) {
    throw new PasskeyError(
      'passkey_challenge_error',
      `The passkey challenge request failed: ${(cause as Error).message}`,
      { cause },
    );
  }
  if (!answer.ok) {
    const { error, errorDescription } = answer;
    throw new PasskeyError(
      'passkey_challenge_error',
      `The tenant refused the passkey challenge: ${error ?? answer.status}${errorDescription ? ` (${errorDescription})` : ''}`,
      {
        ...(error ? { tenantError: error } : {}),
        ...(errorDescription ? { tenantErrorDescription: errorDescription } : {}),
      },
    );
  }
  const publicKey = answer.body?.authn_params_public_key as PasskeyPublicKeyOptions | undefined;
  const authSession = text(answer.body?.auth_session);
  if (typeof publicKey?.challenge !== 'string' || !authSession) {
    throw new PasskeyError(
      'invalid_response',
      'The passkey challenge response has no authn_params_public_key.challenge or auth_session.',
    );
  }
  return { publicKey, authSession };
}

/** The passkey grant's parameters, besides the client's authentication. */
export interface PasskeyTokenParameters {
  authSession: string;
  authnResponse: PasskeyAuthResponse;
  scope: string;
  audience: string | undefined;
  organization: string | undefined;
  realm: string | undefined;
}

/**
 * The passkey grant at the token endpoint: a JSON body (as Auth0 takes this grant and its SDKs
 * send it), the client authenticated as at every other token request. The one place a passkey
 * token request is made (a DPoP proof, when added, goes here).
 */
export async function passkeyTokenRequest(
  tenant: Tenant,
  parameters: PasskeyTokenParameters,
): Promise<Response> {
  try {
    const as = await tenant.metadata();
    if (!as.token_endpoint) throw new Error('the tenant advertises no token_endpoint');
    const form = new URLSearchParams({ client_id: tenant.client.client_id });
    const headers = new Headers({ 'content-type': 'application/json', accept: 'application/json' });
    await (await tenant.clientAuth())(as, tenant.client, form, headers);
    const body = {
      ...Object.fromEntries(form),
      grant_type: WEBAUTHN_GRANT,
      auth_session: parameters.authSession,
      authn_response: parameters.authnResponse,
      scope: parameters.scope,
      ...(parameters.audience ? { audience: parameters.audience } : {}),
      ...(parameters.organization ? { organization: parameters.organization } : {}),
      ...(parameters.realm ? { realm: parameters.realm } : {}),
    };
    return await send(fetchableUrl(as.token_endpoint), tenant.httpPolicy, {
      method: 'POST',
      headers,
      body: JSON.stringify(body),
    });
  } catch (cause) {
    throw new PasskeyError(
      'passkey_token_error',
      `The passkey token request failed: ${(cause as Error).message}`,
      { cause },
    );
  }
}

/** A passkey grant's tokens, its ID token apart (for the one ID-token check). */
export interface PasskeyTokens {
  tokens: oauth.TokenEndpointResponse;
  idToken: unknown;
}

/**
 * Checks a passkey grant's response as every token response is checked (oauth4webapi); the
 * tenant's refusal is thrown as oauth4webapi's `ResponseBodyError`, for the caller to tell
 * `mfa_required` from the rest.
 */
export async function processPasskeyTokenResponse(
  tenant: Tenant,
  response: Response,
): Promise<PasskeyTokens> {
  const parted = await withoutIdToken(response);
  const tokens = await oauth.processGenericTokenEndpointResponse(
    await tenant.metadata(),
    tenant.client,
    parted.response,
  );
  return { tokens, idToken: parted.idToken };
}
