import type { JsonObject } from '@gatehouse/base';
import * as oauth from 'oauth4webapi';
import { OidcError } from '../errors.js';
import type { TenantContext } from './context.js';
import type { DpopProofs } from './dpop.js';
import { type AccessTokenCredential, sendWithToken } from './dpop-fetch.js';

/**
 * Claims userinfo may not change: who the user is, for whom and when the login was, are the
 * verified ID token's alone.
 */
const ID_TOKEN_ONLY_CLAIMS = new Set([
  'iss',
  'sub',
  'aud',
  'exp',
  'iat',
  'nbf',
  'jti',
  'azp',
  'nonce',
  'auth_time',
  'acr',
  'amr',
  'sid',
  'at_hash',
  'c_hash',
  's_hash',
  'session_expiry',
]);

/**
 * Fetches the tenant's `/userinfo` (OpenID Connect Core §5.3) with the access token in the
 * `Authorization` header only, refuses a `sub` other than the ID token's (§5.3.2: the response
 * could be another user's), and returns the claims it may add to the user.
 */
export async function fetchUserInfo(
  context: Pick<TenantContext, 'as' | 'client' | 'http'>,
  token: AccessTokenCredential,
  expectedSub: string,
  dpop: DpopProofs | undefined,
): Promise<JsonObject> {
  const { as, client, http } = context;
  let claims: JsonObject;
  try {
    // A DPoP-bound token goes with a proof (RFC 9449 §7); oauth4webapi's request would send Bearer.
    const response =
      token.tokenType === 'DPoP' && as.userinfo_endpoint
        ? await sendWithToken(http[oauth.customFetch] ?? fetch, dpop, {
            url: new URL(as.userinfo_endpoint),
            method: 'GET',
            headers: { accept: 'application/json' },
            accessToken: token.accessToken,
            tokenType: 'DPoP',
            signal: http.signal(),
          })
        : await oauth.userInfoRequest(as, client, token.accessToken, http);
    claims = await oauth.processUserInfoResponse(as, client, expectedSub, response);
  } catch (cause) {
    throw new OidcError(
      'userinfo_error',
      `The tenant's userinfo was refused: ${(cause as Error).message}`,
      undefined,
      { cause },
    );
  }
  return Object.fromEntries(
    Object.entries(claims).filter(([name]) => !ID_TOKEN_ONLY_CLAIMS.has(name)),
  );
}
