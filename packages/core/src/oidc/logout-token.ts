import {
  type AsymmetricAlgorithm,
  type IssuerKeys,
  parseCompactJws,
  type ReplayStore,
} from '@gatehouse/base';
import { jwtVerify } from 'jose';
import { BackchannelLogoutError } from '../errors.js';
import type { LogoutSelector } from '../stores/types.js';
import { verifyTenantSignature } from './signature.js';

const BACKCHANNEL_LOGOUT_EVENT = 'http://schemas.openid.net/event/backchannel-logout';
/** Logout tokens are sent the moment the user logs out; older ones are refused. */
const MAX_LOGOUT_TOKEN_AGE_SECONDS = 300;
/** Largest logout token looked at. */
const MAX_LOGOUT_TOKEN_LENGTH = 16_384;
const ALGORITHMS: AsymmetricAlgorithm[] = [
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
  'ES256',
  'ES384',
  'EdDSA',
];

/** Whether a claim is a JSON object: not `null`, not an array. */
const isJsonObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** What verifying a logout token needs. */
export interface LogoutTokenContext {
  issuer: string;
  clientId: string;
  /** The tenant's signing keys (the shared key cache). */
  keys: IssuerKeys;
  /** Where used `jti`s are remembered until they are too old to be accepted anyway. */
  replay: ReplayStore;
}

/** A verified logout token: the sessions it ends, and its `jti`, now recorded as used. */
export interface VerifiedLogoutToken {
  selector: LogoutSelector;
  jti: string;
}

/**
 * Verifies a logout token as OpenID Connect Back-Channel Logout 1.0 §2.6 requires: signature
 * against the tenant's keys, `iss`, `aud`, a fresh `iat`, `typ` `logout+jwt` when present (so an ID
 * token cannot pass as one), the back-channel logout `events` member, no `nonce`, `sid` and/or
 * `sub`, and a `jti` never seen before.
 */
export async function verifyLogoutToken(
  context: LogoutTokenContext,
  logoutToken: string,
): Promise<VerifiedLogoutToken> {
  if (
    typeof logoutToken !== 'string' ||
    logoutToken.length === 0 ||
    logoutToken.length > MAX_LOGOUT_TOKEN_LENGTH
  ) {
    throw new BackchannelLogoutError('The logout token is missing or too large.');
  }
  let result: Awaited<ReturnType<typeof jwtVerify>>;
  try {
    // The key from the shared cache (an unknown kid refetches at once); jose then checks the
    // claims, with that key.
    const jws = parseCompactJws(
      logoutToken,
      MAX_LOGOUT_TOKEN_LENGTH,
      () => new BackchannelLogoutError('The logout token is not a well-formed JWS.'),
    );
    const key = await verifyTenantSignature(context.keys, jws, new Set(ALGORITHMS));
    result = await jwtVerify(logoutToken, key.keyObject, {
      issuer: context.issuer,
      audience: context.clientId,
      algorithms: ALGORITHMS,
      maxTokenAge: MAX_LOGOUT_TOKEN_AGE_SECONDS,
      clockTolerance: 30,
      requiredClaims: ['iat', 'jti', 'events'],
    });
  } catch (cause) {
    throw new BackchannelLogoutError(`The logout token is not valid: ${(cause as Error).message}`, {
      cause,
    });
  }
  const { payload, protectedHeader } = result;
  if (protectedHeader.typ !== undefined && protectedHeader.typ.toLowerCase() !== 'logout+jwt') {
    throw new BackchannelLogoutError(`The token's typ is ${protectedHeader.typ}, not logout+jwt.`);
  }
  // §2.4: `events` is a JSON object whose back-channel logout member is a JSON object. Arrays and
  // `null` are refused too (`typeof null` and `typeof []` are both 'object').
  if (!isJsonObject(payload.events) || !isJsonObject(payload.events[BACKCHANNEL_LOGOUT_EVENT])) {
    throw new BackchannelLogoutError('The token is not a back-channel logout event.');
  }
  if ('nonce' in payload)
    throw new BackchannelLogoutError('A logout token must not carry a nonce.');
  const sub = typeof payload.sub === 'string' ? payload.sub : undefined;
  const sid = typeof payload.sid === 'string' ? payload.sid : undefined;
  if (!sub && !sid) throw new BackchannelLogoutError('The logout token names neither sid nor sub.');
  const expiresAt = ((payload.iat as number) + MAX_LOGOUT_TOKEN_AGE_SECONDS + 60) * 1000;
  if (!(await context.replay.markUsed(payload.jti as string, expiresAt))) {
    throw new BackchannelLogoutError('This logout token was used before (jti replay).');
  }
  return {
    selector: { ...(sub ? { sub } : {}), ...(sid ? { sid } : {}) },
    jti: payload.jti as string,
  };
}
