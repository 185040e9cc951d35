import { randomBytes } from 'node:crypto';
import { SessionExpiredError } from '../errors.js';
import type { IdTokenClaims } from '../oidc/id-token.js';
import type { Sessions } from '../stores/sessions.js';
import { type BeforeSessionSaved, type SessionHookTrigger, shapeSession } from './hook.js';
import { isCeilingInPast, sanitizeSessionExpiry } from './lifetime.js';
import { DEFAULT_AUDIENCE, type Session, type SessionData, type UserClaims } from './model.js';
import { applyTokenUpdate, tokenSetFor } from './token-sets.js';

/** The tokens a session is made of. */
export interface SessionTokens {
  access_token: string;
  /** `Bearer` or `DPoP`. */
  token_type?: string | undefined;
  expires_in?: number | undefined;
  scope?: string | undefined;
  refresh_token?: string | undefined;
  id_token?: string | undefined;
}

/** What every sign-in that ends in a new session hands over. */
export interface SignIn {
  /** The token response (its `id_token` included). */
  tokens: SessionTokens & { id_token: string };
  /** The verified ID token's claims. */
  idTokenClaims: IdTokenClaims;
  /** The session's user: the ID token's claims, or those merged with `/userinfo`'s. */
  user?: UserClaims;
  /** What was asked for: the token set is stored under `audience` (or the default). */
  requested: { audience?: string | undefined; scope?: string | undefined };
  /** The origin of the tenant domain that signed the user in. */
  domain: string;
  trigger: SessionHookTrigger;
  /**
   * When the browser's session is already this user's (same `sub`, same domain), add the new
   * tokens to it (a new session id all the same) instead of starting over: a sign-in that asks
   * for more (CIBA for another API) keeps the user's other tokens. Default: start over.
   */
  mergeSameUser?: boolean;
}

/** What {@link startSession} needs from the client. */
export interface SessionStart<TStoreOptions> {
  sessions: Sessions<TStoreOptions>;
  beforeSessionSaved: BeforeSessionSaved | undefined;
}

/**
 * The one way a sign-in becomes a session (interactive login, token exchange, CIBA,
 * passwordless, passkeys): the `session_expiry` ceiling of the ID token (refused when already
 * past), the app's `beforeSessionSaved` hook, then a brand-new session with a new id, replacing
 * whatever the browser had (no fixation; a new user never inherits the previous user's tokens).
 */
export async function startSession<TStoreOptions>(
  { sessions, beforeSessionSaved }: SessionStart<TStoreOptions>,
  signIn: SignIn,
  storeOptions: TStoreOptions,
): Promise<Session> {
  const nowMs = Date.now();
  const claims = signIn.idTokenClaims;
  const ceiling = sanitizeSessionExpiry(claims.session_expiry);
  if (isCeilingInPast(ceiling, claims.iat, Math.floor(nowMs / 1000))) {
    throw new SessionExpiredError();
  }
  const session = newSession(
    { tokens: signIn.tokens, claims: signIn.user ?? (claims as UserClaims) },
    signIn.requested,
    { domain: signIn.domain, ceiling, nowMs },
  );
  if (signIn.mergeSameUser) {
    const kept = await sessions.peek(storeOptions);
    const [tokenSet] = session.tokenSets;
    if (kept && tokenSet && kept.user.sub === claims.sub && kept.domain === signIn.domain) {
      const merged = applyTokenUpdate(
        kept,
        { tokenSet, refreshToken: signIn.tokens.refresh_token, idToken: signIn.tokens.id_token },
        Math.floor(nowMs / 1000),
      );
      await sessions.save(merged, storeOptions, { rotateId: true });
      return sessions.view(merged);
    }
  }
  const shaped = await shapeSession(
    beforeSessionSaved,
    { user: session.user, data: {} },
    { idTokenClaims: claims, trigger: signIn.trigger },
  );
  session.user = shaped.user;
  if (Object.keys(shaped.data).length > 0) session.data = shaped.data;
  await sessions.save(session, storeOptions, { rotateId: true });
  return sessions.view(session);
}

/**
 * ID-token claims that only mattered for validating the login, not worth a cookie byte. (`acr`,
 * `amr` and `auth_time` stay: step-up decides from them.)
 */
const PROTOCOL_CLAIMS = ['nonce', 'at_hash', 'c_hash', 's_hash'];

/** The user claims a session keeps of verified ID-token claims: all but the protocol's. */
export function sessionUser(claims: Readonly<Record<string, unknown>>): UserClaims {
  const user = { ...claims } as UserClaims;
  for (const claim of PROTOCOL_CLAIMS) delete user[claim];
  return user;
}

/** The session a sign-in creates, from verified tokens and what was asked for (audience, scope). */
export function newSession(
  { tokens, claims }: { tokens: SessionTokens; claims: UserClaims },
  requested: SignIn['requested'],
  { domain, ceiling, nowMs }: { domain: string; ceiling: number | undefined; nowMs: number },
): SessionData {
  const now = Math.floor(nowMs / 1000);
  const user = sessionUser(claims);
  if (ceiling === undefined) delete user.session_expiry;
  const expiresAt = now + (tokens.expires_in ?? 3600);
  return {
    user,
    domain,
    idToken: tokens.id_token,
    refreshToken: tokens.refresh_token,
    tokenSets: tokens.access_token
      ? [
          tokenSetFor({
            audience: requested.audience ?? DEFAULT_AUDIENCE,
            accessToken: tokens.access_token,
            grantedScope: tokens.scope,
            requestedScope: requested.scope,
            expiresAt,
            tokenType: tokens.token_type,
          }),
        ]
      : [],
    connectionTokenSets: [],
    internal: {
      sid: typeof claims.sid === 'string' ? claims.sid : randomBytes(16).toString('hex'),
      createdAt: now,
      createdAtMs: nowMs,
      updatedAt: now,
      ...(ceiling !== undefined ? { sessionExpiresAt: ceiling } : {}),
    },
  };
}
