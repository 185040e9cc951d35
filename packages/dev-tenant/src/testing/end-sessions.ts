/** What ending a user's sessions at the tenant did. */
export interface EndedSessions {
  /** Tenant sessions of the user that were ended. */
  sessions: number;
  /** Back-channel logouts the apps took at the first attempt (the others are redelivered). */
  notified: number;
}

/**
 * Ends every tenant session of a user, as the user signing out at the tenant or an administrator
 * revoking their sessions would: each app they had signed in to gets a back-channel logout token.
 * Over HTTP (`POST /test/users/{sub}/logout`), so it works for a tenant in another process too.
 *
 * @example
 * await endUserSessions(tenant.url, 'auth0|alice'); // { sessions: 1, notified: 1 }
 */
export async function endUserSessions(
  tenantUrl: string | URL,
  sub: string,
): Promise<EndedSessions> {
  const response = await fetch(
    new URL(`/test/users/${encodeURIComponent(sub)}/logout`, tenantUrl),
    {
      method: 'POST',
    },
  );
  if (!response.ok)
    throw new Error(`dev tenant answered ${response.status} ending ${sub}'s sessions`);
  return (await response.json()) as EndedSessions;
}
