import type { UserIdentity } from '../identities.js';

/** Options of {@link getUser}. */
export interface GetUserOptions {
  /** The tenant's origin (any of its domains), e.g. `tenant.url`. */
  tenantUrl: string | URL;
  /** The user's `sub`, e.g. `auth0|alice`. */
  sub: string;
}

/** A user of the tenant, as Auth0's Management API shows one: with every identity. */
export interface TenantUser {
  sub: string;
  /** The user's email address; none for a passwordless SMS user. */
  email?: string;
  name: string;
  /** The primary identity (`provider: 'auth0'`) first, then the linked ones. */
  identities: UserIdentity[];
}

/**
 * A user of the dev tenant and their identities, over HTTP (`GET /test/users/{sub}`), e.g. to see
 * an account linked or unlinked. Rejects for a `sub` the tenant does not have.
 *
 * @example
 * const { identities } = await getUser({ tenantUrl: tenant.url, sub: 'auth0|alice' });
 * identities.map((identity) => identity.connection); // ['Username-Password-Authentication', 'google-oauth2']
 */
export async function getUser(options: GetUserOptions): Promise<TenantUser> {
  const path = `/test/users/${encodeURIComponent(options.sub)}`;
  const response = await fetch(new URL(path, options.tenantUrl));
  if (!response.ok)
    throw new Error(`dev tenant answered ${response.status} for user ${options.sub}`);
  return (await response.json()) as TenantUser;
}
