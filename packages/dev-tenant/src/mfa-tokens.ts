import { randomBytes, randomInt, timingSafeEqual } from 'node:crypto';

/** How long an out-of-band code can be answered: 5 minutes. */
const OOB_CODE_SECONDS = 300;
/** Most tokens and challenges kept; past it the oldest are dropped. */
const MAX_ENTRIES = 10_000;

/**
 * What an `mfa_token` stands for: the request that needed a second factor, so that the tokens a
 * verified second factor gives are the ones that request asked for, for that user and client.
 */
export interface MfaTokenContext {
  sub: string;
  clientId: string;
  /** The API the request asked for; none: an access token for `/userinfo`. */
  audience?: string;
  /** The scopes the request asked for (OpenID Connect scopes and the API's). */
  scope: string;
  /** The grant of the login the request came from (its organization, its scopes). */
  grantId: string;
  /** What the refresh token it came from was issued for, and its scopes: the new one's too. */
  resource: string[];
  refreshScope: string;
  /** The ID-token claims that login asked for (`sid`, `amr`, ...): refreshes keep asking. */
  claims?: Record<string, unknown>;
  sid?: string;
  sessionUid?: string;
  expiresWithSession?: boolean;
}

/** A stored token or challenge, with when it ends. */
interface Expiring<T> {
  value: T;
  expiresAt: number;
}

/** A map that forgets its oldest entries past {@link MAX_ENTRIES}. */
function remember<T>(map: Map<string, T>, key: string, value: T): void {
  if (map.size >= MAX_ENTRIES) map.delete(map.keys().next().value as string);
  map.set(key, value);
}

/**
 * The `mfa_token`s the tenant handed out with `mfa_required`: opaque, bound to a user, client,
 * audience and scope, good for `mfaTokenLifetime` (10 minutes, as Auth0's), used up by the grant
 * that verifies a second factor with them.
 */
export class MfaTokens {
  readonly #byToken = new Map<string, Expiring<MfaTokenContext>>();

  constructor(private readonly lifetimeSeconds: number) {}

  issue(context: MfaTokenContext): string {
    const token = randomBytes(32).toString('base64url');
    remember(this.#byToken, token, {
      value: context,
      expiresAt: Date.now() + this.lifetimeSeconds * 1000,
    });
    return token;
  }

  /** What a token stands for; `expired` past its lifetime; undefined for any other string. */
  find(token: string): MfaTokenContext | 'expired' | undefined {
    const entry = this.#byToken.get(token);
    if (!entry) return undefined;
    return entry.expiresAt > Date.now() ? entry.value : 'expired';
  }

  /** Uses a token up, once it gave tokens. */
  consume(token: string): void {
    this.#byToken.delete(token);
  }
}

/** A code sent out of band (email, text message) for an `mfa_token`, answered with `mfa-oob`. */
export interface OobChallenge {
  mfaToken: string;
  authenticatorId: string;
  /** The code sent to the user, which the app sends back as `binding_code`. */
  bindingCode: string;
}

/**
 * The out-of-band challenges in progress, by `oob_code`: an opaque handle the app holds, while
 * the user receives the binding code (`binding_method: 'prompt'`).
 */
export class OobChallenges {
  readonly #byCode = new Map<string, Expiring<OobChallenge>>();

  /** A new challenge; its binding code is what to send the user. */
  create(mfaToken: string, authenticatorId: string): { oobCode: string; bindingCode: string } {
    const oobCode = randomBytes(24).toString('base64url');
    const bindingCode = String(randomInt(0, 1_000_000)).padStart(6, '0');
    remember(this.#byCode, oobCode, {
      value: { mfaToken, authenticatorId, bindingCode },
      expiresAt: Date.now() + OOB_CODE_SECONDS * 1000,
    });
    return { oobCode, bindingCode };
  }

  /** The live challenge of an `oob_code` issued for `mfaToken`. */
  find(oobCode: string, mfaToken: string): OobChallenge | undefined {
    const entry = this.#byCode.get(oobCode);
    if (!entry || entry.expiresAt <= Date.now() || entry.value.mfaToken !== mfaToken)
      return undefined;
    return entry.value;
  }

  /** Whether `given` is the challenge's binding code. */
  static matches(challenge: OobChallenge, given: string): boolean {
    const expected = Buffer.from(challenge.bindingCode);
    const actual = Buffer.from(given.trim());
    return expected.length === actual.length && timingSafeEqual(expected, actual);
  }

  consume(oobCode: string): void {
    this.#byCode.delete(oobCode);
  }
}

/** An OAuth error as Auth0 answers it, with its HTTP status. */
export interface Auth0Error {
  status: number;
  error: string;
  error_description: string;
}

/**
 * What an `mfa_token` sent to the MFA API or the MFA grants stands for, or the error Auth0
 * answers: 400 `invalid_request` without one, 403 `expired_token` past its lifetime, 403
 * `invalid_grant` for a token the tenant did not issue, or issued to another client.
 */
export function checkMfaToken(
  tokens: MfaTokens,
  token: string | undefined,
  clientId?: string,
): MfaTokenContext | Auth0Error {
  if (!token) {
    return {
      status: 400,
      error: 'invalid_request',
      error_description: 'missing required parameter mfa_token',
    };
  }
  const context = tokens.find(token);
  if (context === 'expired') {
    return { status: 403, error: 'expired_token', error_description: 'mfa_token is expired' };
  }
  if (!context) {
    return { status: 403, error: 'invalid_grant', error_description: 'Malformed mfa_token' };
  }
  if (clientId !== undefined && context.clientId !== clientId) {
    return {
      status: 403,
      error: 'invalid_grant',
      error_description: 'mfa_token was issued to another client',
    };
  }
  return context;
}

/** Whether a check gave an error rather than the token's context. */
export const isAuth0Error = (value: MfaTokenContext | Auth0Error): value is Auth0Error =>
  'error' in value;
