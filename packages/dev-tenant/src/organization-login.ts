import type { InteractionResults, KoaContextWithOIDC } from 'oidc-provider';
import { oidcProvider } from './oidc-provider.js';
import { type Organization, requestedOrganization } from './organizations.js';
import type { TenantState } from './tenant-state.js';

/** The name of the interaction prompt that checks a login to an organization. */
export const ORGANIZATION_PROMPT = 'organization';

type Validator = (
  ctx: KoaContextWithOIDC,
  value: string | undefined,
  client: { clientId: string },
) => void | Promise<void>;

const invalidRequest = (description: string) =>
  new (oidcProvider().errors.InvalidRequest)(description);

/**
 * oidc-provider's `extraParams`: the authorization parameters Auth0 adds for organizations, kept
 * with the request and checked once the client and its `redirect_uri` are known, so that a wrong
 * one is sent back to the app as `error=invalid_request`, as Auth0 does. An invitation must be a
 * live ticket of the organization named, for the client asking.
 */
export function organizationParams(state: TenantState): Record<string, Validator> {
  return {
    organization(_ctx, value) {
      if (value !== undefined && !state.organizations.find(value)) {
        throw invalidRequest(`parameter organization is invalid: no organization ${value}`);
      }
    },
    invitation(ctx, ticket, client) {
      if (ticket === undefined) return;
      const organization = requestedOrganization(state.organizations, ctx.oidc.params ?? {});
      if (!organization) throw invalidRequest('parameter invitation requires organization');
      const invitation = state.invitations.find(ticket);
      if (
        !invitation ||
        invitation.organizationId !== organization.id ||
        invitation.clientId !== client.clientId
      ) {
        throw invalidRequest(
          `invitation ${ticket} is not a live invitation to ${organization.id} for this client`,
        );
      }
    },
  };
}

/**
 * The interaction prompt that runs after the login and before consent: a login to an
 * organization by a user who is not a member of it is refused. It also runs when the request
 * carries an invitation, which the interaction accepts (see {@link organizationStep}).
 */
export function organizationPrompt(state: TenantState) {
  const { Check, Prompt } = oidcProvider().interactionPolicy;
  return new Prompt(
    { name: ORGANIZATION_PROMPT, requestable: false },
    new Check(
      'organization_membership',
      'the user is not part of the organization',
      'access_denied',
      (ctx: KoaContextWithOIDC) => {
        const organization = requestedOrganization(state.organizations, ctx.oidc.params ?? {});
        // Once the interaction has settled it, the resumed request goes on to consent.
        if (!organization || ctx.oidc.result?.[ORGANIZATION_PROMPT]) return Check.NO_NEED_TO_PROMPT;
        return (
          ctx.oidc.params?.invitation !== undefined ||
          !state.organizations.isMember(organization, ctx.oidc.session?.accountId)
        );
      },
    ),
  );
}

/**
 * What the interaction of the organization prompt decides, as a result oidc-provider resumes
 * with. With an invitation, the signed-in user must be the invited email's: they become a member
 * and the ticket is used up. Without one, only a member goes on.
 */
export function organizationStep(
  state: TenantState,
  params: Record<string, unknown>,
  sub: string | undefined,
): InteractionResults {
  const organization = requestedOrganization(state.organizations, params);
  if (!organization || !sub) {
    return { error: 'invalid_request', error_description: 'parameter organization is invalid' };
  }
  if (typeof params.invitation === 'string') {
    return acceptInvitation(state, organization, params.invitation, sub);
  }
  if (!state.organizations.isMember(organization, sub)) return notPartOf(organization, sub);
  return { [ORGANIZATION_PROMPT]: { id: organization.id } };
}

function acceptInvitation(
  state: TenantState,
  organization: Organization,
  ticket: string,
  sub: string,
): InteractionResults {
  const invitation = state.invitations.find(ticket);
  // Checked at /authorize; it may have been used since, in another tab.
  if (!invitation || invitation.organizationId !== organization.id) {
    return {
      error: 'invalid_request',
      error_description: `invitation ${ticket} is not a live invitation to ${organization.id}`,
    };
  }
  const user = state.config.users.find((candidate) => candidate.sub === sub);
  if (user?.email.toLowerCase() !== invitation.email.toLowerCase()) {
    return {
      error: 'access_denied',
      error_description: 'the specified account is not allowed to accept the current invitation',
    };
  }
  state.organizations.addMember(organization, sub);
  state.invitations.consume(ticket);
  return { [ORGANIZATION_PROMPT]: { id: organization.id, invitation: ticket } };
}

/** The email an invitation in an authorization request was sent to, to fill in the login form. */
export function invitedEmail(state: TenantState, params: Record<string, unknown>) {
  return typeof params.invitation === 'string'
    ? state.invitations.find(params.invitation)?.email
    : undefined;
}

/** Auth0's refusal of a login to an organization the user is not a member of. */
export function notPartOf(organization: Organization, sub: string): InteractionResults {
  return {
    error: 'access_denied',
    error_description: `user ${sub} is not part of the ${organization.id} organization`,
  };
}
