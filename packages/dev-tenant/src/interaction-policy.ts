import type { interactionPolicy } from 'oidc-provider';
import { linkPrompt } from './account-linking.js';
import { mfaPrompt } from './mfa-login.js';
import { oidcProvider } from './oidc-provider.js';
import { organizationPrompt } from './organization-login.js';
import { sessionTransferCheck } from './session-transfer.js';
import type { TenantState } from './tenant-state.js';

/**
 * The prompts of an authorization, in order: oidc-provider's login (with the second factor right
 * after the password when one is needed; also when a session transfer token is presented), the
 * organization check, the second factor for a user signed in already without one (step-up), the
 * account to link or unlink when the request asks for it, then oidc-provider's consent (which
 * first-party clients pass without a page, see `interactions.ts`). Each runs only when its checks
 * ask for it.
 */
export function tenantInteractionPolicy(state: TenantState): interactionPolicy.DefaultPolicy {
  const policy = oidcProvider().interactionPolicy.base();
  policy.get('login')?.checks.add(sessionTransferCheck());
  const consent = policy.findIndex((prompt) => prompt.name === 'consent');
  policy.add(organizationPrompt(state), consent);
  policy.add(mfaPrompt(state), consent + 1);
  policy.add(linkPrompt(), consent + 2);
  return policy;
}
