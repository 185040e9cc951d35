import type { InteractionResults, KoaContextWithOIDC } from 'oidc-provider';
import { oidcProvider } from './oidc-provider.js';
import { type Organization, requestedOrganization } from './organizations.js';
import type { TenantState } from './tenant-state.js';

/** The name of the interaction prompt that checks a login to an organization. */
export const ORGANIZATION_PROMPT = 'organization';

type Validator = (ctx: KoaContextWithOIDC, value: string | undefined) => void | Promise<void>;

/**
 * oidc-provider's `extraParams`: the authorization parameters Auth0 adds for organizations, kept
 * with the request and checked once the client and its `redirect_uri` are known, so that a wrong
 * one is sent back to the app as `error=invalid_request`, as Auth0 does.
 */
export function organizationParams(state: TenantState): Record<string, Validator> {
  return {
    organization(_ctx, value) {
      if (value === undefined) return;
      if (!state.organizations.find(value)) {
        throw new (oidcProvider().errors.InvalidRequest)(
          `parameter organization is invalid: no organization ${value} in this tenant`,
        );
      }
    },
  };
}

/**
 * The interaction prompt that runs after the login and before consent: a login to an
 * organization by a user who is not a member of it is refused. It also runs when the request
 * carries an invitation (see `invitations.ts`), which the interaction accepts.
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
        return !state.organizations.isMember(organization, ctx.oidc.session?.accountId);
      },
    ),
  );
}

/** What the interaction of the organization prompt decides: a result oidc-provider resumes with. */
export function organizationStep(
  state: TenantState,
  params: Record<string, unknown>,
  sub: string | undefined,
): InteractionResults {
  const organization = requestedOrganization(state.organizations, params);
  if (!organization || !sub) {
    return { error: 'invalid_request', error_description: 'parameter organization is invalid' };
  }
  if (!state.organizations.isMember(organization, sub)) return notPartOf(organization, sub);
  return { [ORGANIZATION_PROMPT]: { id: organization.id } };
}

/** Auth0's refusal of a login to an organization the user is not a member of. */
export function notPartOf(organization: Organization, sub: string): InteractionResults {
  return {
    error: 'access_denied',
    error_description: `user ${sub} is not part of the ${organization.id} organization`,
  };
}
