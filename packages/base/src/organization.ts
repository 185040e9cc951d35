/**
 * Auth0 organizations in tokens: an organization is named by its id (`org_…`, the `org_id` claim)
 * or by its name (the `org_name` claim). Web apps check ID tokens with this, APIs access tokens.
 */

/** Auth0 organization ids start with `org_`; anything else names an organization by its name. */
export const isOrganizationId = (organization: string): boolean => organization.startsWith('org_');

/** Organization names compare case-insensitively, after Unicode normalisation (as Auth0 does). */
const normalizedName = (name: string) => name.normalize('NFC').toLowerCase();

/**
 * Whether a token's claims belong to an organization: `org_id` equal to an `org_…` id
 * (case-sensitive), or `org_name` equal to a name, case-insensitively.
 *
 * @example
 * isInOrganization({ org_id: 'org_abc', org_name: 'acme' }, 'ACME'); // true
 */
export function isInOrganization(
  claims: Readonly<Record<string, unknown>>,
  organization: string,
): boolean {
  if (isOrganizationId(organization)) return claims.org_id === organization;
  return (
    typeof claims.org_name === 'string' &&
    normalizedName(claims.org_name) === normalizedName(organization)
  );
}
