import type { DevOrganizationConfig } from './config.js';

/** An organization of the tenant, with its members as they are now. */
export interface Organization {
  id: string;
  name: string;
  displayName: string;
  members: Set<string>;
  /** Every login to it asks for a second factor. */
  requireMfa: boolean;
}

/** The claims of tokens issued for a login to an organization, as Auth0 names them. */
export interface OrganizationClaims {
  org_id: string;
  org_name: string;
}

/**
 * The tenant's organizations, their members, and which organization each grant was given for.
 *
 * A grant (oidc-provider's record of what a user gave a client) belongs to one organization or to
 * none: a login to another organization gets a grant of its own (see `loadExistingGrant` in
 * `provider.ts`). Every token issued from a grant, at the code exchange, at each refresh and by
 * the MFA grants, thus carries the organization of the login it came from.
 */
export class Organizations {
  readonly #byId = new Map<string, Organization>();
  readonly #organizationOfGrant = new Map<string, string>();

  constructor(configs: readonly DevOrganizationConfig[]) {
    for (const config of configs) {
      this.#byId.set(config.id, {
        id: config.id,
        name: config.name,
        displayName: config.displayName ?? config.name,
        members: new Set(config.members),
        requireMfa: config.requireMfa === true,
      });
    }
  }

  /** The organization an `organization` parameter names: its id, or its name in any case. */
  find(idOrName: string): Organization | undefined {
    const byId = this.#byId.get(idOrName);
    if (byId) return byId;
    const name = idOrName.toLowerCase();
    return [...this.#byId.values()].find((organization) => organization.name === name);
  }

  isMember(organization: Organization, sub: string | undefined): boolean {
    return sub !== undefined && organization.members.has(sub);
  }

  addMember(organization: Organization, sub: string): void {
    organization.members.add(sub);
  }

  /** Records the organization a grant was given for; `undefined`: a login to no organization. */
  bindGrant(grantId: string, organization: Organization | undefined): void {
    if (organization) this.#organizationOfGrant.set(grantId, organization.id);
    else this.#organizationOfGrant.delete(grantId);
  }

  /** The organization a grant was given for, if any. */
  ofGrant(grantId: string | undefined): Organization | undefined {
    const id = grantId === undefined ? undefined : this.#organizationOfGrant.get(grantId);
    return id === undefined ? undefined : this.#byId.get(id);
  }

  /** `org_id` and `org_name` for the tokens of a grant; nothing for a grant of no organization. */
  claimsOf(grantId: string | undefined): OrganizationClaims | Record<string, never> {
    const organization = this.ofGrant(grantId);
    return organization ? { org_id: organization.id, org_name: organization.name } : {};
  }
}

/** The organization an authorization request names in `organization`, if it names one that exists. */
export function requestedOrganization(
  organizations: Organizations,
  params: { organization?: unknown },
): Organization | undefined {
  return typeof params.organization === 'string'
    ? organizations.find(params.organization)
    : undefined;
}
