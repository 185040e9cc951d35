import { InvalidArgumentError, OrganizationTokenValidationError } from '../errors.js';

/** Auth0 organization ids start with `org_`; anything else names an organization by its name. */
export const isOrganizationId = (organization: string): boolean => organization.startsWith('org_');

/** Organization names compare case-insensitively, after Unicode normalisation (as Auth0 does). */
const normalizedName = (name: string) => name.normalize('NFC').toLowerCase();

/**
 * The organization a login asks for: the per-call one, else the configured default. A blank one is
 * a mistake, not "no organization".
 */
export function loginOrganization(
  perCall: unknown,
  configured: string | undefined,
): string | undefined {
  const organization = perCall ?? configured;
  if (organization === undefined) return undefined;
  if (typeof organization !== 'string' || organization.trim() === '') {
    throw new InvalidArgumentError('organization', 'organization must be an org_ id or a name.');
  }
  return organization.trim();
}

/**
 * Whether ID-token claims belong to an organization: `org_id` equal to an `org_…` id, or `org_name`
 * equal to a name, case-insensitively.
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

/**
 * Refuses a login into another organization than the one asked for (Auth0: "validate the org_id
 * or org_name claim"): a token for another organization, or for none, never becomes a session.
 */
export function checkOrganization(
  claims: Readonly<Record<string, unknown>>,
  organization: string | undefined,
): void {
  if (organization === undefined || isInOrganization(claims, organization)) return;
  const claim = isOrganizationId(organization) ? 'org_id' : 'org_name';
  throw new OrganizationTokenValidationError(
    `The ID token's ${claim} does not name the organization the login asked for (${organization}).`,
  );
}
