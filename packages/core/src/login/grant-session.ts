import type { IdTokenClaims } from '../oidc/id-token.js';
import { type BeforeSessionSaved, type SessionHookTrigger, shapeSession } from '../session/hook.js';
import type { Session, UserClaims } from '../session/model.js';
import type { Sessions } from '../stores/sessions.js';
import { newSession } from './interactive-login.js';

/** The tokens of a grant that signs a user in without the browser's redirect. */
export interface GrantTokens {
  accessToken: string;
  /** Seconds since the epoch. */
  expiresAt: number;
  scope: string | undefined;
  refreshToken: string | undefined;
  idToken: string;
  /** The ID token's verified claims. */
  claims: IdTokenClaims;
}

/** Where the session goes, and who may shape it. */
export interface GrantSessionContext<TStoreOptions> {
  sessions: Sessions<TStoreOptions>;
  beforeSessionSaved: BeforeSessionSaved | undefined;
}

/**
 * Starts a brand-new session from the tokens of a grant that signs a user in (custom token
 * exchange, passkeys), as an interactive login does: the token set under `audience` (or the
 * default one), the app's `beforeSessionSaved` hook with `trigger`, and a new session id
 * (SECURITY.md rule 6: whatever session the browser had is replaced, never inherited).
 */
export async function saveGrantSession<TStoreOptions>(
  context: GrantSessionContext<TStoreOptions>,
  tokens: GrantTokens,
  request: {
    audience: string | undefined;
    scope: string;
    domain: string;
    trigger: SessionHookTrigger;
  },
  storeOptions: TStoreOptions,
): Promise<Session> {
  const nowMs = Date.now();
  const session = newSession(
    {
      tokens: {
        access_token: tokens.accessToken,
        token_type: 'bearer',
        expires_in: tokens.expiresAt - Math.floor(nowMs / 1000),
        ...(tokens.scope ? { scope: tokens.scope } : {}),
        ...(tokens.refreshToken ? { refresh_token: tokens.refreshToken } : {}),
        id_token: tokens.idToken,
      },
      claims: tokens.claims as UserClaims,
    },
    { audience: request.audience, scope: request.scope },
    { domain: request.domain, ceiling: undefined, nowMs },
  );
  const shaped = await shapeSession(
    context.beforeSessionSaved,
    { user: session.user, data: {} },
    { idTokenClaims: tokens.claims, trigger: request.trigger },
  );
  session.user = shaped.user;
  if (Object.keys(shaped.data).length > 0) session.data = shaped.data;
  await context.sessions.save(session, storeOptions, { rotateId: true });
  return context.sessions.view(session);
}
