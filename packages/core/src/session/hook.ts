import { SessionRefusedError } from '../errors.js';
import type { UserClaims } from './model.js';

/** What the app may shape before a session is saved: the user's claims and its own data. */
export interface SessionShape {
  /** The user's claims (from the ID token, and userinfo when fetched). Remove what you do not need. */
  user: UserClaims;
  /**
   * The app's own data, kept sealed in the session (e.g. the user's roles from your database).
   * Plain JSON. `getSession()` returns it as `data`.
   */
  data: Record<string, unknown>;
}

/** When the hook runs. */
export type SessionHookTrigger =
  | 'login'
  | 'refresh'
  | 'token-exchange'
  | 'backchannel'
  | 'passwordless'
  | 'passkey';

/**
 * Runs at every login (interactive, custom token exchange, passkey) and after each refresh that brings a
 * new ID token: returns the session's user and data, or throws to refuse the login (nothing is
 * stored; the user sees the error page, 403 `session_refused`).
 */
export type BeforeSessionSaved = (
  session: SessionShape,
  context: {
    /** The verified ID token's claims. */
    idTokenClaims: Readonly<Record<string, unknown>>;
    trigger: SessionHookTrigger;
  },
) => SessionShape | Promise<SessionShape>;

/**
 * Applies the app's hook, if any. Whatever it throws becomes a {@link SessionRefusedError} (its
 * message kept for logs, never shown); a result that is not a user with a `sub` is a refusal too.
 */
export async function shapeSession(
  hook: BeforeSessionSaved | undefined,
  session: SessionShape,
  context: Parameters<BeforeSessionSaved>[1],
): Promise<SessionShape> {
  if (!hook) return session;
  let shaped: SessionShape;
  try {
    shaped = await hook({ user: { ...session.user }, data: { ...session.data } }, context);
  } catch (cause) {
    throw new SessionRefusedError({ cause });
  }
  if (
    typeof shaped?.user?.sub !== 'string' ||
    shaped.user.sub !== session.user.sub ||
    typeof shaped.data !== 'object' ||
    shaped.data === null
  ) {
    throw new SessionRefusedError({
      cause: new TypeError('beforeSessionSaved must return { user, data } with the same user.sub'),
    });
  }
  return shaped;
}
