import type { Account } from 'oidc-provider';
import { extraIdTokenClaims } from './config.js';
import type { TenantState } from './tenant-state.js';

/**
 * A user of the tenant as oidc-provider sees an account: the claims its tokens may carry. Those
 * of a login to an organization carry `org_id` and `org_name`, and those given by delegation
 * `act`, known from `grantId`, the grant the tokens are issued from.
 */
export function tenantAccount(
  state: TenantState,
  sub: string,
  grantId: string | undefined,
): Account | undefined {
  const user = state.config.users.find((candidate) => candidate.sub === sub);
  if (!user) return undefined;
  return {
    accountId: user.sub,
    async claims() {
      return {
        sub: user.sub,
        email: user.email,
        email_verified: true,
        name: user.name,
        nickname: user.email.split('@')[0],
        updated_at: Math.floor(Date.now() / 1000),
        ...extraIdTokenClaims(user),
        ...state.organizations.claimsOf(grantId),
        ...state.delegations.claimsOf(grantId),
      };
    },
  };
}
