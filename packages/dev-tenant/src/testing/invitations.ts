/** Options of {@link createInvitation}. */
export interface CreateInvitationOptions {
  /** The tenant's origin (any of its domains), e.g. `tenant.url`. */
  tenantUrl: string | URL;
  /** The organization's id (`org_…`) or name. */
  organization: string;
  /** Whom to invite: the login that accepts must be the tenant user with this email. */
  email: string;
  /** The application the invitation opens; it needs an `initiateLoginUri`. Default `demo-web`. */
  clientId?: string;
}

/** An invitation to an organization, as Auth0's invitation email would carry it. */
export interface CreatedInvitation {
  /** The ticket id, the `invitation` parameter of `/authorize`. Single use. */
  ticket: string;
  /**
   * The invitation link: the client's `initiateLoginUri` with `invitation`, `organization` (the
   * id) and `organization_name`.
   */
  url: string;
}

/**
 * Invites `email` to an organization, as an administrator would, over HTTP
 * (`POST /test/organizations/{organization}/invitations`). Opening `url` runs the app's login
 * route, which passes `invitation` and `organization` on to `/authorize`; once the invited user
 * has signed in, they are a member and the ticket is used up.
 *
 * @example
 * const { url } = await createInvitation({ tenantUrl: tenant.url, organization: 'acme', email: 'bob@example.com' });
 * await loginAs(browser, { startUrl: url, email: 'bob@example.com', password: 'bob-password' });
 */
export async function createInvitation(
  options: CreateInvitationOptions,
): Promise<CreatedInvitation> {
  const { tenantUrl, organization, email, clientId = 'demo-web' } = options;
  const path = `/test/organizations/${encodeURIComponent(organization)}/invitations`;
  const response = await fetch(new URL(path, tenantUrl), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, clientId }),
  });
  const body = (await response.json()) as Partial<CreatedInvitation> & {
    error_description?: string;
  };
  if (response.status !== 201 || !body.ticket || !body.url) {
    throw new Error(
      `dev tenant answered ${response.status} to the invitation: ${body.error_description ?? ''}`,
    );
  }
  return { ticket: body.ticket, url: body.url };
}
