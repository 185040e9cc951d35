import { isInOrganization, isOrganizationId } from '@gatehouse/base';
import { InvalidArgumentError, OrganizationTokenValidationError } from '../errors.js';

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
